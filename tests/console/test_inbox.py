"""The inbox (R-7, R-10.1): what waits for me, sorted by deadline with working-time countdowns, tabs with
counts, filters, search by code / phone / ID number (recorded, R-3.2), keyset pagination, no N+1."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pakn.reports import inbox as selectors
from pakn.reports import services
from pakn.reports.countdown import Clock, Countdown
from pakn.reports.models import PersonalDataAccess, Report
from tests.conftest import at
from tests.console.conftest import Cases, signed_in

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:
    """Tracking codes in the order the list shows them."""
    return re.findall(
        r'class="c-code" href="/console/phan-anh/\d+/">([A-Z0-9-]+)<', response.content.decode()
    )


def tab_counts(response) -> dict[str, str]:
    return dict(re.findall(r'data-count="(\w+)">([^<]+)<', response.content.decode()))


def test_each_role_sees_what_waits_for_it(org, cases: Cases):
    """R-7: the IOC sees new reports, the leader cases to assign or approve, the officer his cases."""
    new = cases.received()
    routed = cases.routed()
    mine = cases.in_progress()
    approval = cases.awaiting_approval()
    assert codes(signed_in(org.operator).get("/console/")) == [new.tracking_code]
    leader = codes(signed_in(org.commune_leader).get("/console/"))
    assert set(leader) == {routed.tracking_code, approval.tracking_code}
    assert codes(signed_in(org.officer).get("/console/")) == [mine.tracking_code]
    assert codes(signed_in(org.officer2).get("/console/")) == []
    agency = codes(signed_in(org.officer2).get("/console/", {"tab": "agency"}))
    assert set(agency) == {routed.tracking_code, mine.tracking_code, approval.tracking_code}


def test_department_inbox_lists_the_opinions_asked_of_it(org, cases: Cases):
    report = cases.coordinating()
    client = signed_in(org.specialist(0))
    assert codes(client.get("/console/")) == [report.tracking_code]
    services.report_give_opinion(report=report, actor=org.specialist(0), answer="Đồng ý.")
    assert codes(client.get("/console/")) == []
    assert codes(client.get("/console/", {"tab": "done"})) == [report.tracking_code]


def test_a_clarification_request_waits_for_the_agency(org, cases: Cases):
    """R-8.2: a resolved case the reporter asked to clarify comes back to the leader's inbox."""
    from pakn.reports.workflow import ReporterActor

    report = cases.resolved()
    client = signed_in(org.commune_leader)
    assert report.tracking_code not in codes(client.get("/console/"))
    services.report_reply(report=report, actor=ReporterActor(report.pk), note="Khi nào xong?")
    response = client.get("/console/")
    assert report.tracking_code in codes(response)
    assert "Đề nghị làm rõ" in response.content.decode()


def test_lists_are_sorted_by_deadline_with_countdowns_and_overdue_marks(org, cases: Cases):
    """R-10.1: soonest deadline first; overdue marked; the countdown counts working time."""
    late = cases.routed(start=at("2026-03-02 08:00"))  # assign due 09:10 Monday
    later = cases.routed(start=at("2026-03-02 10:00"))  # due 11:10
    with time_machine.travel(at("2026-03-02 10:40"), tick=False):
        response = signed_in(org.commune_leader).get("/console/")
    assert codes(response) == [late.tracking_code, later.tracking_code]
    text = response.content.decode()
    assert "Quá hạn 1 giờ 30 phút làm việc" in text  # 09:10 → 10:40
    assert "Còn 30 phút làm việc" in text
    assert text.count('class="is-overdue"') == 1


def test_the_countdown_skips_nights_weekends_and_lunch(org, cases: Cases):
    report = cases.in_progress(start=at("2026-03-06 16:00"))  # Friday; handle due Monday afternoon
    now = at("2026-03-07 10:00")  # Saturday
    clock = Clock.start(now)
    countdown = clock.for_report(Report.objects.select_related("agency").get(pk=report.pk))
    # R-7.3a: assigned Friday 16:20, handling takes 1 working day: due Monday 16:20 (the weekend is off).
    assert report.due_at == at("2026-03-09 16:20")
    assert countdown is not None and not countdown.overdue and not countdown.due_soon
    # Monday 07:30–11:30 and 13:30–16:20 remain: 4 h + 2 h 50 min of office time.
    assert countdown.seconds == (6 * 60 + 50) * 60
    assert countdown.text == "Còn 6 giờ 50 phút làm việc"


def test_triage_counts_clock_time(org, cases: Cases):
    """R-7.2a: the IOC's 1 hour is clock time, also at night."""
    report = cases.received(start=at("2026-03-07 21:00"))  # Saturday night
    clock = Clock.start(at("2026-03-07 21:20"))
    countdown = clock.for_report(Report.objects.select_related("agency").get(pk=report.pk))
    # Due Saturday 22:00 (clock time); within the due-soon window (4 working hours: until Monday 11:30).
    assert report.due_at == at("2026-03-07 22:00")
    assert countdown == Countdown(40 * 60, overdue=False, due_soon=True, text="Còn 40 phút")


def test_tabs_have_counts_and_due_soon_and_overdue(org, cases: Cases):
    first = cases.routed(start=at("2026-03-02 08:00"))  # due 09:10
    second = cases.routed(start=at("2026-03-02 10:00"))  # due 11:10
    cases.resolved(start=at("2026-03-02 07:00"))
    with time_machine.travel(at("2026-03-02 10:30"), tick=False):
        client = signed_in(org.commune_leader)
        response = client.get("/console/")
        assert tab_counts(response) == {
            "mine": "2",
            "agency": "2",
            "due_soon": "1",
            "overdue": "1",
            "done": "1",
        }
        assert codes(client.get("/console/", {"tab": "overdue"})) == [first.tracking_code]
        assert codes(client.get("/console/", {"tab": "due_soon"})) == [second.tracking_code]


def test_counts_are_capped(org, cases: Cases):
    """Counting stops at the cap so a tab's count stays a bounded query on a million reports."""
    for _ in range(4):
        cases.routed()
    user = org.commune_leader
    now = timezone.now()
    counts = selectors.inbox_counts(viewer=user, filters=selectors.InboxFilters(), now=now, soon=now, cap=3)
    agency = next(c for c in counts if c.key == "agency")
    assert agency.capped and agency.display == "3+"


def test_keyset_pagination_walks_forward_and_back_without_gaps(org, cases: Cases):
    made = [cases.routed(start=at("2026-03-02 08:00") + timedelta(minutes=i)) for i in range(7)]
    # Two share a deadline: the id breaks the tie.
    Report.objects.filter(pk=made[3].pk).update(due_at=made[2].due_at)
    user = org.commune_leader
    now = timezone.now()
    args = {
        "viewer": user,
        "tab": "agency",
        "filters": selectors.InboxFilters(),
        "now": now,
        "soon": now,
        "size": 3,
    }
    seen: list[int] = []
    page = selectors.inbox_page(**args)
    pages = [page]
    while page.next_cursor:
        page = selectors.inbox_page(**args, after=page.next_cursor)
        pages.append(page)
    seen = [r.pk for p in pages for r in p.rows]
    expected = list(Report.objects.order_by("due_at", "pk").values_list("pk", flat=True))
    assert seen == expected and len(pages) == 3
    back = selectors.inbox_page(**args, before=pages[2].prev_cursor)
    assert [r.pk for r in back.rows] == [r.pk for r in pages[1].rows]
    first = selectors.inbox_page(**args, before=back.prev_cursor)
    assert [r.pk for r in first.rows] == [r.pk for r in pages[0].rows] and first.prev_cursor == ""


def test_pagination_links_in_the_page(org, cases: Cases):
    for i in range(selectors.PAGE_SIZE + 2):
        cases.routed(start=at("2026-03-02 08:00") + timedelta(minutes=i))
    client = signed_in(org.commune_leader)
    first = client.get("/console/", {"tab": "agency"})
    assert len(codes(first)) == selectors.PAGE_SIZE
    link = re.search(r'rel="next" href="\?([^"]+)"', first.content.decode())
    assert link is not None
    second = client.get("/console/?" + link[1].replace("&amp;", "&"))
    assert len(codes(second)) == 2
    assert not set(codes(first)) & set(codes(second))
    assert 'rel="prev"' in second.content.decode()


def test_a_broken_cursor_shows_the_first_page(org, cases: Cases):
    cases.routed()
    response = signed_in(org.commune_leader).get("/console/", {"tab": "agency", "sau": "%%%not-a-cursor"})
    assert response.status_code == 200 and len(codes(response)) == 1


def test_filters(org, cases: Cases):
    from pakn.org.models import Category

    water = Category.objects.exclude(pk=org.category.pk).first()
    a = cases.routed(channel="app")
    b = cases.routed(category=water)
    c = cases.routed(area=org.other_commune.area)
    client = signed_in(org.supervisor)  # watches every agency
    assert codes(client.get("/console/", {"tab": "done"})) == []
    everything = client.get("/console/", {"tab": "agency", "agency": org.commune.pk})
    assert set(codes(everything)) == {a.tracking_code, b.tracking_code}  # c went to the other commune
    assert codes(client.get("/console/", {"tab": "agency", "agency": org.commune.pk, "channel": "app"})) == [
        a.tracking_code
    ]
    assert codes(
        client.get("/console/", {"tab": "agency", "agency": org.commune.pk, "category": water.pk})
    ) == [b.tracking_code]
    assert codes(
        client.get(
            "/console/", {"tab": "agency", "agency": org.other_commune.pk, "area": org.other_commune.area.pk}
        )
    ) == [c.tracking_code]
    assert (
        codes(client.get("/console/", {"tab": "agency", "agency": org.commune.pk, "state": "resolved"})) == []
    )


def test_operator_agency_tab_filters_by_period(org, cases: Cases):
    march = cases.received(start=at("2026-03-02 08:00"))
    april = cases.received(start=at("2026-04-06 08:00"))
    client = signed_in(org.operator)
    got = codes(
        client.get("/console/", {"tab": "agency", "date_from": "2026-04-01", "date_to": "2026-04-30"})
    )
    assert got == [april.tracking_code]
    got = codes(client.get("/console/", {"tab": "agency", "date_to": "2026-03-02"}))
    assert got == [march.tracking_code]
    bad = client.get("/console/", {"tab": "agency", "date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert "Ngày kết thúc phải sau ngày bắt đầu" in bad.content.decode()


def test_search_by_tracking_code_opens_the_case(org, cases: Cases):
    report = cases.routed()
    typed = report.tracking_code.lower().replace("-", " ")
    response = signed_in(org.commune_leader).get("/console/", {"q": typed})
    assert response.status_code == 302 and response["Location"] == f"/console/phan-anh/{report.pk}/"
    assert not PersonalDataAccess.objects.exists()  # a code is not personal data


@pytest.mark.parametrize("typed", ["0987654321", "+84 987 654 321", "020199900123"])
def test_search_by_phone_or_id_number_is_exact_and_recorded(org, cases: Cases, typed):
    """R-3.2: found through the keyed hash only, and every such search is written to the access log."""
    report = cases.routed()
    cases.routed(reporter_phone="0912000111", reporter_id_number="020188800456")
    response = signed_in(org.commune_leader).get("/console/", {"q": typed})
    assert codes(response) == [report.tracking_code]
    log = PersonalDataAccess.objects.get()
    assert log.user == org.commune_leader and log.kind == PersonalDataAccess.Kind.SEARCH
    assert "1 kết quả" in log.detail and typed not in log.detail and "987654321" not in log.detail


def test_a_partial_number_finds_nothing(org, cases: Cases):
    cases.routed()
    response = signed_in(org.commune_leader).get("/console/", {"q": "98765"})
    assert codes(response) == []
    assert "Không nhận ra nội dung tra cứu" in response.content.decode()


def test_a_department_may_not_search_by_phone(org, cases: Cases):
    cases.coordinating()
    response = signed_in(org.specialist(0)).get("/console/", {"q": "0987654321"})
    assert codes(response) == []
    assert "không được tra cứu theo thông tin cá nhân" in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def _inbox_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/console/", params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["operator", "commune_leader", "officer", "supervisor"])
def test_the_inbox_has_no_n_plus_one(org, cases: Cases, role):
    """The number of queries does not grow with the rows shown (related rows per page, no per-row lookups)."""

    def some() -> None:
        cases.received()
        cases.routed()
        cases.in_progress()
        cases.awaiting_approval()

    some()
    # The clock stands still: the console rewrites the session's activity time every 30 seconds, and a loaded
    # machine took longer than that between the two measures (3 more queries on the last tab, on PostgreSQL).
    with time_machine.travel(timezone.now(), tick=False):
        client = signed_in(getattr(org, role))
        client.get("/console/")  # the first request of a session records its activity time
        few = {tab: _inbox_queries(client, tab=tab) for tab in selectors.TAB_KEYS}
        for _ in range(5):
            some()
        many = {tab: _inbox_queries(client, tab=tab) for tab in selectors.TAB_KEYS}
    assert many == few
    # Per page: one query per state of the tab, the scope check, four related tables, five counts, and the
    # session, user, second factor, calendar, deadline policies, badge and filter choices.
    assert max(many.values()) <= 32


def test_the_case_page_has_no_n_plus_one(org, cases: Cases):
    report = cases.coordinating()
    with time_machine.travel(timezone.now(), tick=False):  # no activity-time write between the measures
        client = signed_in(org.operator)
        client.get("/console/")
        with CaptureQueriesContext(connection) as few:
            client.get(f"/console/phan-anh/{report.pk}/")
        for i in range(4):
            services.report_mark(report=report, actor=org.operator, mark="valuable", value=i % 2 == 0)
        services.report_request_opinions(
            report=report,
            actor=org.operator,
            departments=[org.departments[1], org.departments[2]],
            question="Cho ý kiến.",
        )
        with CaptureQueriesContext(connection) as many:
            client.get(f"/console/phan-anh/{report.pk}/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_empty_states_say_so(org):
    client = signed_in(org.officer)
    assert "Không có việc nào đang chờ bạn" in client.get("/console/").content.decode()
    assert "Không có phản ánh quá hạn" in client.get("/console/", {"tab": "overdue"}).content.decode()


def test_the_header_shows_the_unread_badge(org, cases: Cases):
    """The notification badge comes from pakn.notify (issue 7)."""
    from pakn.notify.selectors import unread_count

    cases.routed()  # forwarding notifies the commune's leader
    n = unread_count(org.commune_leader)
    response = signed_in(org.commune_leader).get("/console/")
    if n:
        assert f'data-needs-action="{n}"' in response.content.decode()
    else:
        assert "data-needs-action" not in response.content.decode()


def test_the_console_speaks_english_when_asked(org, cases: Cases):
    """The English catalogue (pakn/locale/en) covers the console's pages."""
    report = cases.routed()
    client = signed_in(org.commune_leader)
    client.cookies["django_language"] = "en"
    inbox = client.get("/console/").content.decode()
    assert "To do" in inbox and "My agency" in inbox and "Due soon" in inbox
    case = client.get(f"/console/phan-anh/{report.pk}/").content.decode()
    assert "Timeline" in case and "Assign within 1 working hour" in case


@pytest.mark.parametrize(
    "key",
    [
        "operator",
        "ioc_leader",
        "supervisor",
        "commune_leader",
        "officer",
        "officer2",
        "other_leader",
        "district_leader",
        "district_officer",
        "specialist0",
        "specialist1",
    ],
)
def test_every_tab_stays_within_the_viewers_scope(org2022, cases2022: Cases, key):
    """R-3.2, R-14.2: the tabs' conditions (counted without report_scope) never reach beyond it."""
    from pakn.reports.selectors import report_scope
    from pakn.reports.workflow import ReporterActor
    from tests.console.test_access import person

    for state in ("received", "routed", "in_progress", "awaiting_approval", "coordinating"):
        getattr(cases2022, state)()
        getattr(cases2022, state)(area=org2022.other_commune.area)
    asked_elsewhere = cases2022.resolved(area=org2022.other_commune.area)
    services.report_reply(report=asked_elsewhere, actor=ReporterActor(asked_elsewhere.pk), note="Làm rõ?")
    viewer = person(org2022, key)
    now = timezone.now()
    visible = set(report_scope(viewer).values_list("pk", flat=True))
    for tab in ("mine", "agency", "due_soon", "overdue"):
        rows = set(
            Report.objects.filter(selectors.tab_condition(viewer, tab, now, now)).values_list("pk", flat=True)
        )
        assert rows <= visible, (key, tab)
