"""The public pages (R-9.2): home, look-up by code, the list, the map, a report's public page and its photos.

They read only through the core's public queryset (pakn.reports.public) and pakn.portal.selectors on it."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from pakn.core import province
from pakn.core.paging import CappedPaginator
from pakn.core.quotas import quota_wait
from pakn.core.ratelimit import client_ip, rate_count
from pakn.portal import selectors
from pakn.portal.follow_views import follow_context
from pakn.portal.forms import LookupForm, PublicFilterForm
from pakn.portal.labels import RATING_LABELS, STATE_TONES, STEP_LABELS, state_label
from pakn.portal.view_helpers import THUMB_SIDES, image_response, minutes_text, timeline
from pakn.reports.freshness import cached_public_response
from pakn.reports.public import public_queryset
from pakn.reports.selectors import public_events, public_report
from pakn.reports.services import normalize_tracking_code


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What to do, the big button, look-up by code and the public summary (R-9.2)."""
    now = timezone.now()
    latest = list(public_queryset().order_by("-created_at", "-pk")[:5])
    return render(
        request,
        "portal/home.html",
        {
            "nav": "home",
            "summary": selectors.public_summary(now=now),
            "latest": selectors.public_page_items(latest, now=now),
            "lookup_form": LookupForm(),
            "year": timezone.localtime(now).year,
        },
    )


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html", {"nav": "", "owner": province.site_owner()})


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """Anyone can look a report up by its tracking code and sees its public page."""
    if "ma" not in request.GET:
        return render(request, "portal/lookup.html", {"nav": "lookup", "form": LookupForm()})
    form = LookupForm(request.GET)
    status = 200
    if form.is_valid():
        wait = quota_wait("portal-lookup", client_ip(request))
        if wait:
            form.add_error(
                "ma",
                _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau %(wait)s.")
                % {"wait": minutes_text(wait)},
            )
            response = render(request, "portal/lookup.html", {"nav": "lookup", "form": form}, status=429)
            response["Retry-After"] = str(wait)
            return response
        code = normalize_tracking_code(form.cleaned_data["ma"])
        if public_queryset().filter(tracking_code=code).exists():
            return redirect("portal:detail", code=code)
        form.add_error(
            "ma", _("Không tìm thấy phản ánh có mã «%(code)s». Vui lòng kiểm tra lại mã.") % {"code": code}
        )
        status = 404
    else:
        status = 400
    return render(request, "portal/lookup.html", {"nav": "lookup", "form": form}, status=status)


def _filters(form: PublicFilterForm) -> selectors.PublicFilters:
    """The valid filters of the query string; an unknown value (an old link) drops only its own filter."""
    form.is_valid()
    c = form.cleaned_data
    return selectors.PublicFilters(
        category=c.get("linh_vuc"),
        area=c.get("xa"),
        status=c.get("trang_thai") or "",
        period=c.get("thoi_gian") or "",
        text=c.get("q") or "",
    )


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """Every public report, newest first, with filters and pages."""
    now = timezone.now()
    form = PublicFilterForm(request.GET)
    filters = _filters(form)
    paginator = CappedPaginator(selectors.filtered_reports(filters, now=now), selectors.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    context = {
        "nav": "list",
        "form": form,
        "filters": filters,
        "page": page,
        "items": selectors.public_page_items(list(page.object_list), now=now),
        "query": query.urlencode(),
    }
    template = "portal/partials/report_list.html" if request.htmx else "portal/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_GET
def public_map(request: HttpRequest) -> HttpResponse:
    form = PublicFilterForm(request.GET)
    return render(
        request,
        "portal/map.html",
        {
            "nav": "map",
            "form": form,
            "filters": _filters(form),
            "data_url": reverse("portal:map_data") + "?" + request.GET.urlencode(),
        },
    )


@require_GET
@gzip_page
@cache_control(public=True, max_age=60)
def map_data(request: HttpRequest) -> HttpResponse:
    """Markers of public reports: code, place, category, state, a redacted summary. No personal data."""

    def build() -> HttpResponse:
        form = PublicFilterForm(request.GET)
        data = selectors.map_points(_filters(form), now=timezone.now())
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})

    return cached_public_response(request, namespace="portal:map", build=build)


@require_GET
def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One report's public page: its public timeline, deadlines met or missed, the result and its photos."""
    now = timezone.now()
    address = client_ip(request)
    wait = quota_wait("portal-detail", address)
    lookups = settings.PAKN_PORTAL_LOOKUPS_PER_ADDRESS
    if wait or rate_count("portal-lookup", address, window_seconds=600) >= lookups:
        response = render(
            request,
            "portal/lookup.html",
            {
                "nav": "lookup",
                "form": LookupForm(),
                "refusal": _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút."),
            },
            status=429,
        )
        response["Retry-After"] = str(wait or 600)
        return response
    try:
        report = selectors.public_report_by_code(code)
    except Http404:
        quota_wait("portal-lookup", address)  # trying codes is a look-up
        return render(request, "portal/not_found.html", {"nav": "", "code": code}, status=404)
    pr = public_report(report, now=now)
    photos = selectors.public_photos(report)
    return render(
        request,
        "portal/detail.html",
        {
            "nav": "list",
            "report": pr,
            "tone": STATE_TONES.get(pr.state, "new"),
            "state_label": state_label(pr.state),
            "current_step": STEP_LABELS.get(report.step, "") if report.step and report.is_open else "",
            "timeline": timeline(public_events(report)),
            "scene_photos": photos.scene,
            "result_photos": photos.result,
            "rating_label": RATING_LABELS.get(pr.rating, ""),
            "is_open": report.is_open,
            **follow_context(request, report),  # «Tôi cũng gặp» and following (issue 14, item 9)
        },
    )


@require_GET
def public_photo(request: HttpRequest, code: str, pk: int, size: str = "") -> FileResponse:
    """A public photo (EXIF-free copy) of a public report; never the original, never MEDIA_ROOT directly."""
    if size and size not in THUMB_SIDES:
        raise Http404(_("Không tìm thấy ảnh."))
    attachment = selectors.public_attachment(code, pk)
    return image_response(attachment, THUMB_SIDES[size] if size else None)
