"""Pages of the staff console: the inbox, a case with its actions, media, and the leaders' pages (R-7, R-10).

Reads go through the core (pakn.reports.inbox, .selectors, .countdown: built on report_scope), writes
through pakn.reports.services via the action forms; a report a viewer may not see is a 404, an action he may
not take a 403.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pakn.console.access import refuse, require_roles, staff_user
from pakn.console.forms import ActionForm, HandoverForm, InboxFilterForm, console_action
from pakn.console.models import ClientSubmission
from pakn.console.services import action_once
from pakn.core.storage import signed_redirect
from pakn.notify.follow import follower_count
from pakn.org.models import User
from pakn.reports import inbox as tabs
from pakn.reports import selectors as cases
from pakn.reports import services as report_services
from pakn.reports.action_spec import READER_TEXTS
from pakn.reports.actions import SPECS, SPECS_IN_ORDER, Group, allowed_actions, check, label_of
from pakn.reports.checks import missing_information_text
from pakn.reports.countdown import Clock
from pakn.reports.duplicates import me_too_count
from pakn.reports.models import Attachment, Report, State, Step
from pakn.reports.nearby import Nearby, nearby_similar_reports
from pakn.reports.selectors import (
    can_see_personal_data,
    report_get_for,
    report_personal_data,
    report_scope,
    staff_file,
    staff_text,
)
from pakn.reports.workflow import ActionRefused, WorkflowError

Role = User.Role


# --- The inbox ----------------------------------------------------------------------------------------------


def _default_tab(user: User) -> str:
    return "agency" if user.role == Role.ADMIN else "mine"


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """What needs me now, sorted by deadline, with working-time countdowns (R-7, R-10.1)."""
    user = staff_user(request)
    clock = Clock.start()
    query = request.GET.get("q", "").strip()
    if query:
        return _search(request, user, query, clock)
    filter_form = InboxFilterForm(request.GET or None, viewer=user)
    filters = filter_form.filters()
    tab = request.GET.get("tab") or _default_tab(user)
    if tab not in tabs.TAB_KEYS:
        tab = _default_tab(user)
    page = tabs.inbox_page(
        viewer=user,
        tab=tab,
        filters=filters,
        now=clock.now,
        soon=clock.soon,
        after=request.GET.get("sau"),
        before=request.GET.get("truoc"),
    )
    for row in page.rows:
        row.countdown = clock.for_report(row)  # type: ignore[attr-defined]
    counts = tabs.inbox_counts(viewer=user, filters=filters, now=clock.now, soon=clock.soon)
    filter_params = {
        k: v for k, v in request.GET.items() if k in filter_form.fields and v and filter_form.is_bound
    }
    return render(
        request,
        "console/inbox.html",
        {
            "nav": "inbox",
            "tab": tab,
            "tabs": [{**vars(c), "display": c.display, "label": tabs.tab_label(user, c.key)} for c in counts],
            "tab_label": tabs.tab_label(user, tab),
            "page": page,
            "filter_form": filter_form,
            "filters_active": filters.active,
            "filter_query": urlencode(filter_params),
            "may_search_people": tabs.may_search_people(user),
        },
    )


def _search(request: HttpRequest, user: User, query: str, clock: Clock) -> HttpResponse:
    search, rows = tabs.search_reports(viewer=user, text=query)
    if search.kind == "code" and len(rows) == 1:
        return redirect("console:case", pk=rows[0].pk)
    for row in rows:
        row.countdown = clock.for_report(row)  # type: ignore[attr-defined]
    return render(
        request,
        "console/search.html",
        {
            "nav": "inbox",
            "query": query,
            "search": search,
            "rows": rows,
            "may_search_people": tabs.may_search_people(user),
        },
    )


# --- A case -------------------------------------------------------------------------------------------------


def _action_forms(
    report: Report, user: User, now: datetime, failed: ActionForm | None = None
) -> tuple[list[Any], list[Any]]:
    """The forms of exactly the actions `allowed_actions` gives this user now: the procedure's, then the
    marks (a form that just failed stays, with its errors)."""
    specs = [s for s in allowed_actions(report, user, now=now) if console_action(s.action)]
    if failed is not None and failed.spec not in specs:
        specs = sorted([*specs, failed.spec], key=SPECS_IN_ORDER.index)
    main: list[dict[str, Any]] = []
    marks: list[dict[str, Any]] = []
    for spec in specs:
        form = failed if failed is not None and failed.spec is spec else None
        form = form or ActionForm(report=report, user=user, action=spec.action)
        entry = {"form": form, "action": spec.action, "title": form.title, "open": form is failed}
        (marks if spec.group == Group.MARK else main).append(entry)
    return main, marks


def _similar(report: Report, user: User, now: datetime) -> list[Nearby]:
    """Reports like this one nearby (open, or resolved in the last 30 days), when it may be linked to one."""
    if not any(spec.action == "link_duplicate" for spec in allowed_actions(report, user, now=now)):
        return []
    return nearby_similar_reports(
        category=report.category,
        area=report.area,
        latitude=float(report.latitude) if report.latitude is not None else None,
        longitude=float(report.longitude) if report.longitude is not None else None,
        now=now,
        exclude=report.pk,
    )


def _case_context(request: HttpRequest, report: Report, user: User, **extra: Any) -> dict[str, Any]:
    clock = Clock.start()
    events = cases.case_events(report)
    officers = {
        u.pk: u
        for u in User.objects.filter(
            pk__in={e.data.get("officer") for e in events if isinstance(e.data.get("officer"), int)}
        )
    }
    for e in events:
        e.label = label_of(e.action)  # type: ignore[attr-defined]
        e.officer = officers.get(e.data.get("officer"))  # type: ignore[attr-defined]
        e.step_label = Step(e.step).label if e.step in Step.values else ""  # type: ignore[attr-defined]
        # Who reads the note (issue 14, item 2): staff see which notes the public or the reporter reads.
        e.readers = gettext(READER_TEXTS[cases.note_readers(e)]) if e.note else ""  # type: ignore[attr-defined]
    attachments = list(Attachment.objects.filter(report=report).order_by("created_at", "pk"))
    main, marks = _action_forms(report, user, clock.now, extra.pop("failed", None))
    # R-7.2b: an incomplete report in triage: say what is missing and offer asking for it first.
    missing = missing_information_text(report) if report.state == State.RECEIVED else ""
    if missing:
        main.sort(key=lambda entry: entry["action"] != "request_info")
    return {
        "nav": "inbox",
        "report": report,
        "events": events,
        "reporter_messages": cases.reporter_messages(events),
        "opinions": cases.case_opinions(report),
        "reporter_media": [a for a in attachments if a.uploaded_by_reporter],
        "result_media": [a for a in attachments if not a.uploaded_by_reporter],
        "countdown": clock.for_report(report),
        "escalate_countdown": clock.for_moment(report.escalate_by)
        if report.escalate_by and report.is_open
        else None,
        "main_actions": main,
        "missing_information": missing,
        "mark_actions": marks,
        "may_see_personal": can_see_personal_data(user, report),
        "similar": _similar(report, user, clock.now),  # candidates for the original of a duplicate
        "me_too_count": me_too_count(report),  # «Tôi cũng gặp» and followers (issue 14, item 9)
        "follower_count": follower_count(report),
        "text": dict(zip(("title", "content"), staff_text(user, report), strict=True)),
        # The tile server is configurable (the province may run its own, DESIGN): the portal's settings.
        "tile_url": getattr(settings, "PAKN_TILE_URL", "") or "",
        "tile_attribution": getattr(settings, "PAKN_TILE_ATTRIBUTION", "") or "",
        **extra,
    }


@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: content, media, map, whole timeline, messages with the reporter, the allowed actions."""
    user = staff_user(request)
    report = report_get_for(user, pk)
    return render(request, "console/case.html", _case_context(request, report, user))


@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Take one action of the workflow; errors are shown beside the fields, nothing typed is lost."""
    user = staff_user(request)
    report = report_get_for(user, pk)
    if console_action(action) is None:
        raise Http404("Không có thao tác này.")
    wants_json = "application/json" in request.headers.get("Accept", "")
    key = request.POST.get(f"{action}-client_key", "")[:64]
    if key and ClientSubmission.objects.filter(key=key, user=user, report=report).exists():
        # Sent again after a lost answer (a result queued offline): already applied, say so and stop here.
        return _done(
            request, report, user, wants_json, "Kết quả này đã được gửi trước đó; không gửi lại.", True
        )
    try:
        check(report, action, user)
    except ActionRefused as e:
        if wants_json:
            return JsonResponse({"ok": False, "message": e.message}, status=403)
        return refuse(request, e.message)
    except WorkflowError as e:
        if wants_json:
            return JsonResponse({"ok": False, "message": e.message}, status=409)
        messages.error(request, e.message)
        return render(request, "console/case.html", _case_context(request, report, user), status=409)
    form = ActionForm(request.POST, request.FILES, report=report, user=user, action=action)
    if form.is_valid():
        try:
            with transaction.atomic():
                outcome = action_once(
                    key=form.cleaned_data.get("client_key") or "",
                    user=user,
                    report=report,
                    action=action,
                    perform=form.perform,
                )
        except ValidationError as e:
            form.add_service_errors(e)
        except WorkflowError as e:
            form.add_error(None, e.message)
        else:
            message = f"Đã thực hiện: {form.title}."
            if outcome.duplicate:
                message = "Kết quả này đã được gửi trước đó; không gửi lại."
            return _done(request, report, user, wants_json, message, outcome.duplicate)
        report.refresh_from_db()
    if wants_json:
        return JsonResponse(
            {
                "ok": False,
                "message": "Chưa gửi được: vui lòng kiểm tra các mục được đánh dấu.",
                "errors": {k: [str(m) for m in v] for k, v in form.errors.items()},
            },
            status=400,
        )
    return render(request, "console/case.html", _case_context(request, report, user, failed=form), status=400)


def _done(
    request: HttpRequest, report: Report, user: User, wants_json: bool, message: str, duplicate: bool
) -> HttpResponse:
    """After an action: back to the case (or to the inbox when the case left the user's sight)."""
    url = reverse("console:case", args=[report.pk])
    if not report_scope(user).filter(pk=report.pk).exists():
        url = reverse("console:inbox")
    if request.POST.get("next") == reverse("console:overdue"):  # urged from the overdue board: back to it
        url = reverse("console:overdue") + f"#agency-{report.agency_id}"
    messages.success(request, message)  # also shown after a script's submission, on the page it opens next
    if wants_json:
        return JsonResponse({"ok": True, "url": url, "message": message, "duplicate": duplicate})
    return redirect(url)


@require_POST
def case_personal(request: HttpRequest, pk: int) -> HttpResponse:
    """Reveal the reporter's personal data to a role that needs it; every view is recorded (R-3.2)."""
    user = staff_user(request)
    report = report_get_for(user, pk)
    if not can_see_personal_data(user, report):
        return refuse(request, "Bạn không có quyền xem thông tin cá nhân của người phản ánh.")
    personal = report_personal_data(
        viewer=user, report=report, purpose="Xem trên trang cán bộ để xử lý phản ánh"
    )
    if getattr(request, "htmx", False):
        return render(request, "console/_personal.html", {"personal": personal, "report": report})
    return render(request, "console/case.html", _case_context(request, report, user, personal=personal))


@require_GET
def attachment(request: HttpRequest, pk: int, preview: bool = False) -> HttpResponseBase:
    """A private original (or its public preview) to a viewer who may see the report."""
    user = staff_user(request)
    item = get_object_or_404(Attachment, pk=pk)
    report = report_scope(user).filter(pk=item.report_id).first()
    if report is None:
        raise Http404("Không tìm thấy tệp.")
    allowed = staff_file(user, report, item)  # no right to personal data: the stripped copy only
    if allowed is None:
        raise Http404("Không có bản đã lược bỏ thông tin cá nhân của tệp này.")
    use_public = (preview and bool(item.public_file)) or allowed[0] is not item.file
    stored = item.public_file if use_public else item.file
    signed = signed_redirect(stored, content_type="image/jpeg" if use_public else item.content_type)
    if signed is not None:  # object storage: a link valid a minute, after the same permission check
        return signed
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError) as e:
        raise Http404("Không tìm thấy tệp.") from e
    response = FileResponse(handle, content_type="image/jpeg" if use_public else item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


# --- Leaders and the supervisor -------------------------------------------------------------------------------


@require_GET
@require_roles(Role.SUPERVISOR, Role.LEADER, Role.OPERATOR)
def overdue_board(request: HttpRequest) -> HttpResponse:
    """Overdue cases across the province (the supervisor) or below a leader, grouped by agency (R-10.1)."""
    user = staff_user(request)
    clock = Clock.start()
    rows = tabs.overdue_board(viewer=user, now=clock.now)
    urge = SPECS["urge"]
    for row in rows:
        for case_row in row.cases:
            case_row.countdown = clock.for_report(case_row)  # type: ignore[attr-defined]
            if (
                case_row.state in urge.sources
                and urge.is_ready(case_row, clock.now)
                and urge.may(user, case_row)
            ):
                # "Đôn đốc" beside each case the viewer may urge; ids unique on the page.
                case_row.urge_form = ActionForm(  # type: ignore[attr-defined]
                    report=case_row, user=user, action="urge", auto_id=f"id_%s_{case_row.pk}"
                )
        row.oldest = row.cases[0].countdown if row.cases else None  # type: ignore[attr-defined]
    return render(
        request,
        "console/overdue.html",
        {
            "nav": "overdue",
            "rows": rows,
            "total": sum(r.count for r in rows),
            "now": clock.now,
            "urge_column": any(hasattr(c, "urge_form") for row in rows for c in row.cases),
        },
    )


@require_http_methods(["GET", "POST"])
@require_roles(Role.LEADER)
def staff(request: HttpRequest) -> HttpResponse:
    """A leader's staff with their open cases, and the hand-over of a departing official's cases (R-14.1)."""
    user = staff_user(request)
    assert user.agency is not None
    form = HandoverForm(request.POST or None, agency=user.agency)
    if request.method == "POST" and form.is_valid():
        try:
            events = report_services.focal_handover(
                actor=user, from_user=form.cleaned_data["from_user"], to_user=form.cleaned_data["to_user"]
            )
        except ValidationError as e:
            for name, errors in (
                e.error_dict if hasattr(e, "error_dict") else {"__all__": e.error_list}
            ).items():
                form.add_error(
                    name if name in form.fields else None, [m for err in errors for m in err.messages]
                )
        except WorkflowError as e:
            form.add_error(None, e.message)
        else:
            messages.success(
                request,
                f"Đã bàn giao {len(events)} phản ánh đang xử lý từ {form.cleaned_data['from_user']} "
                f"cho {form.cleaned_data['to_user']}.",
            )
            return redirect("console:staff")
    return render(
        request,
        "console/staff.html",
        {"nav": "staff", "people": cases.agency_staff(user.agency), "form": form},
        status=400 if form.errors else 200,
    )
