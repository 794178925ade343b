"""The staff performance page (Điều 15 khoản 3 Quy chế, R-15.3) at /console/stats/can-bo/: each official's
figures for a period (pakn.stats.people), for the official himself, his leaders (their agency and those
below it, R-14.2) and the supervisor; with its .xlsx and .csv exports."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from pakn.org.models import Agency
from pakn.stats.documents import info_rows
from pakn.stats.people import people, people_table, viewable_agencies, viewing_for
from pakn.stats.periods import KIND_LABELS, current_month, period_from_query
from pakn.stats.views import Query, _user, export, stats_view


@stats_view
def staff(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    errors: dict[str, str] = {}
    try:
        period = period_from_query(request.GET)
    except ValidationError as e:
        errors = {name: " ".join(msgs) for name, msgs in e.message_dict.items()}
        period = current_month()
    viewing = viewing_for(user, request.GET.get("agency"), exact=request.GET.get("exact") == "1")
    q = Query(viewing.scope, period, errors)
    rows = people(viewing.scope, period, only_user=viewing.only_user)
    own = viewing.only_user is not None
    scope_label = str(user) if own else viewing.scope.label
    title = _("Kết quả tiếp nhận, xử lý của cán bộ — %(scope)s, %(period)s") % {
        "scope": scope_label,
        "period": period.label,
    }
    table = people_table(rows, title)
    where = "ca-nhan" if own else (viewing.scope.agency.code if viewing.scope.agency else "toan-tinh")
    response = export(
        request,
        [table],
        base=f"pakn-can-bo-{period.slug}-{where}",
        title=title,
        info=info_rows(viewing.scope, period, timezone.now()),
    )
    if response is not None:
        return response
    groups: dict[str, list[Agency]] = {}
    for agency in viewable_agencies(user):
        groups.setdefault(agency.get_kind_display(), []).append(agency)
    context = {
        "q": q,
        "own": own,
        "rows": rows,
        "table": table,
        "title": title,
        "kinds": KIND_LABELS,
        "agency_groups": groups,
        "province_allowed": not own and viewing_for(user, None).scope.is_province,
        "base_qs": urlencode(q.params),
        "months": range(1, 13),
        "quarters": ((1, "I"), (2, "II"), (3, "III"), (4, "IV")),
        "nav": "stats",
        "page": "staff",
    }
    return render(request, "stats/staff.html", context)
