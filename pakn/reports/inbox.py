"""The staff inbox, read by the console and the REST API alike: tabs, filters, search by tracking code,
phone or ID number, keyset pages, bounded counts and the overdue board.

Everything starts from `pakn.reports.selectors.report_scope(viewer)`, so a page never shows a report its
viewer may not see (R-3.2, R-14.2). Lists never load the reporter's personal data (the columns are deferred).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Max, Min, Q, QuerySet, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pakn.core.crypto import lookup_hash
from pakn.core.paging import capped_counts
from pakn.org.models import Agency, Area, Category, User
from pakn.reports.checks import IDENTIFIERS

# The one countdown lives in the core (pakn.reports.countdown); re-exported for the console's pages.
from pakn.reports.countdown import Clock as Clock
from pakn.reports.countdown import Countdown as Countdown
from pakn.reports.countdown import countdown as countdown
from pakn.reports.countdown import due_soon_limit as due_soon_limit
from pakn.reports.models import (
    CLOSED_STATES,
    OPEN_STATES,
    PERSONAL_FIELDS,
    Event,
    OpinionRequest,
    PersonalDataAccess,
    Report,
    State,
)
from pakn.reports.selectors import agency_subtree_ids, can_see_personal_data, report_scope
from pakn.reports.services import normalize_tracking_code

Role = User.Role
PAGE_SIZE = 25
COUNT_CAP = 1000

TABS: tuple[tuple[str, str | Promise], ...] = (
    ("mine", _("Của tôi")),
    ("agency", _("Cơ quan tôi")),
    ("due_soon", _("Sắp đến hạn")),
    ("overdue", _("Quá hạn")),
    ("done", _("Đã xong")),
)
TAB_KEYS = tuple(key for key, _ in TABS)


# --- Who is responsible for what ------------------------------------------------------------------------


def sees_everything(viewer: User) -> bool:
    """The supervisor, the IOC and the administrator watch every agency (report_scope agrees)."""
    return viewer.role in (Role.SUPERVISOR, Role.ADMIN) or (
        viewer.agency is not None and viewer.agency.kind == Agency.Kind.IOC
    )


def watched_agency_ids(viewer: User) -> list[int] | None:
    """The agencies whose open cases are the viewer's agency work: None for everyone (supervisor, admin).

    Kept on the user object for the request, since every tab asks."""
    cached: list[int] | bool | None = getattr(viewer, "_console_watched", False)
    if cached is not False:
        return cached  # type: ignore[return-value]
    ids: list[int] | None
    if viewer.agency_id is None:
        ids = []
    elif viewer.role in (Role.SUPERVISOR, Role.ADMIN):
        ids = None
    elif viewer.role == Role.LEADER:
        ids = agency_subtree_ids(viewer.agency)  # type: ignore[arg-type]
    else:
        ids = [viewer.agency_id]
    viewer._console_watched = ids  # type: ignore[attr-defined]
    return ids


def _asked(viewer: User, *, pending: bool) -> Q:
    """The cases the viewer's department was asked about (only those still unanswered if `pending`), as a
    subquery. Opinions are asked and given only while the province coordinates a case (R-7.5), so it is
    used under `state = coordinating` only, which keeps the open ones.

    A subquery, not a list read first: a department asked about thousands of cases made every tab's query
    carry thousands of literals (15 ms of the request's CPU for the counts alone, issue 13)."""
    asked = OpinionRequest.objects.filter(department_id=viewer.agency_id)
    if pending:
        asked = asked.filter(answered_at__isnull=True)
    return Q(pk__in=asked.values("report_id"))


# A tab is written as state → condition, with no OR across states: each part then reads one range of the
# (state, due_at) and (agency, state, due_at) indexes, and the parts are merged (a hand-made merge append).
Parts = dict[str, Q]
# A pending clarification always has its step's deadline; asking for it keeps the index range small (the
# resolved reports without one are most of the table).
CLARIFY = Q(clarification_pending=True, due_at__isnull=False)


def waiting_for(viewer: User) -> Parts:
    """The cases that wait for this person's role at this person's agency now (the "mine" tab, R-7)."""
    here = Q(agency_id=viewer.agency_id)
    clarification: Parts = {State.RESOLVED: here & CLARIFY}
    if viewer.role == Role.OPERATOR:
        return {State.RECEIVED: here, State.COORDINATING: here, **clarification}
    if viewer.role == Role.SUPERVISOR:
        # The province's leadership consulted through its office (Điều 7 khoản 5): its pending opinions.
        asked = _asked(viewer, pending=True)
        return {**dict.fromkeys(OPEN_STATES, here), State.COORDINATING: here | asked, **clarification}
    if viewer.role == Role.LEADER:
        asked = _asked(viewer, pending=True)
        if viewer.agency is not None and viewer.agency.is_province_level:
            return {State.RECEIVED: here, State.COORDINATING: here | asked, **clarification}
        return {
            State.ROUTED: here,
            State.IN_PROGRESS: here & Q(assignee_id=viewer.pk),
            State.AWAITING_APPROVAL: here,
            State.COORDINATING: asked,  # a department's leader answers opinions too
            **clarification,
        }
    if viewer.role == Role.OFFICER:
        mine = here & Q(assignee_id=viewer.pk)
        return {State.IN_PROGRESS: mine, State.RESOLVED: mine & CLARIFY}
    if viewer.role == Role.SPECIALIST:
        return {State.COORDINATING: _asked(viewer, pending=True)}
    return {}


def _agency_work(viewer: User) -> Parts:
    """Open cases of the viewer's agencies (and clarifications asked of them)."""
    if viewer.role == Role.SPECIALIST:
        return {State.COORDINATING: _asked(viewer, pending=False)}
    ids = watched_agency_ids(viewer)
    where = Q() if ids is None else Q(agency_id__in=ids)
    return {**dict.fromkeys(OPEN_STATES, where), State.RESOLVED: where & CLARIFY}


def _done_parts(viewer: User) -> list[QuerySet[Report]]:
    """The done tab as disjoint querysets it is the union of, all within report_scope: the closed cases of
    the viewer's agencies, the others assigned to him, the others he acted on (a department: the cases it
    answered).

    Each part is read through its own index (agency and state; assignee; the viewer's timeline entries):
    as one condition with OR, PostgreSQL scanned the table for a commune's cases (issue 13). Disjoint, they
    are counted with UNION ALL, which stops at the cap."""
    scope = report_scope(viewer)
    if viewer.role == Role.SPECIALIST:
        answered = OpinionRequest.objects.filter(
            department_id=viewer.agency_id, answered_at__isnull=False
        ).values("report_id")
        return [scope.filter(pk__in=answered)]
    closed = scope.filter(state__in=CLOSED_STATES)
    ids = watched_agency_ids(viewer)
    if ids is None:
        return [closed]
    mine = Event.objects.filter(actor_id=viewer.pk).values("report_id")
    elsewhere = closed.exclude(agency_id__in=ids)
    # The viewer's own agencies lie within report_scope for a leader (his agency and those below), an officer
    # (his agency) and the IOC (everything): their part is read without the scope's OR, which made
    # PostgreSQL misjudge a commune's closed cases as a few hundred and sort all 13,000 of them.
    within = viewer.is_active and (viewer.role in (Role.LEADER, Role.OFFICER) or sees_everything(viewer))
    held = Report.objects.filter(state__in=CLOSED_STATES) if within else closed
    return [
        held.filter(agency_id__in=ids),
        elsewhere.filter(assignee_id=viewer.pk),
        elsewhere.exclude(assignee_id=viewer.pk).filter(pk__in=mine),
    ]


def tab_parts(viewer: User, tab: str, now: datetime, soon: datetime) -> Parts:
    """An open tab as state → condition."""
    if tab == "mine":
        return waiting_for(viewer)
    parts = _agency_work(viewer)
    if tab == "agency":
        return parts
    if tab == "due_soon":
        return {state: q & Q(due_at__gte=now, due_at__lte=soon) for state, q in parts.items()}
    if tab == "overdue":
        return {state: q & Q(due_at__lt=now) for state, q in parts.items() if state != State.RESOLVED}
    raise ValueError(tab)


def tab_condition(viewer: User, tab: str, now: datetime, soon: datetime) -> Q:
    """An open tab as one condition (for counting)."""
    condition = Q(pk__in=[])
    for state, q in tab_parts(viewer, tab, now, soon).items():
        condition |= Q(state=state) & q
    return condition


# --- Filters and search -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    category: Category | None = None
    area: Area | None = None
    state: str = ""
    channel: str = ""
    agency: Agency | None = None
    date_from: date | None = None
    date_to: date | None = None

    def condition(self) -> Q:
        q = Q()
        if self.category is not None:
            q &= Q(category_id=self.category.pk)
        if self.area is not None:
            q &= (
                Q(area_id=self.area.pk)
                if self.area.kind == Area.Kind.COMMUNE
                else Q(area__parent_id=self.area.pk)
            )
        if self.state:
            q &= Q(state=self.state)
        if self.channel:
            q &= Q(channel=self.channel)
        if self.agency is not None:
            q &= Q(agency_id=self.agency.pk)
        tz = timezone.get_current_timezone()
        if self.date_from:
            q &= Q(created_at__gte=datetime.combine(self.date_from, time.min, tzinfo=tz))
        if self.date_to:
            q &= Q(created_at__lt=datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=tz))
        return q

    @property
    def active(self) -> bool:
        return any(
            (self.category, self.area, self.state, self.channel, self.agency, self.date_from, self.date_to)
        )


def may_search_people(viewer: User) -> bool:
    """Searching by phone or ID number links a person to reports: only roles that handle personal data."""
    return viewer.role in (Role.OPERATOR, Role.LEADER, Role.OFFICER, Role.SUPERVISOR)


@dataclass(frozen=True)
class Search:
    kind: str  # "code", "phone", "id", "phone+id", "invalid"
    condition: Q
    message: str = ""
    hashes: tuple[str, ...] = ()


def parse_search(text: str) -> Search:
    """A tracking code, a phone number or an ID number (exact, through the keyed hash; R-3.2)."""
    raw = (text or "").strip()
    digits = "".join(ch for ch in raw if ch.isdigit())
    letters = any(ch.isalpha() for ch in raw)
    if letters or (len(digits) == 8 and not raw.startswith(("0", "+"))):
        code = normalize_tracking_code(raw)
        return Search("code", Q(tracking_code=code))
    condition = Q(pk__in=[])
    kinds, hashes = [], []
    for _field, hash_field, kind, normalize in IDENTIFIERS:
        try:
            hashes.append(lookup_hash(kind, normalize(raw)))
        except ValidationError:
            continue
        condition |= Q(**{hash_field: hashes[-1]})
        kinds.append(kind)
    if not kinds:
        return Search(
            "invalid",
            Q(pk__in=[]),
            "Không nhận ra nội dung tra cứu: hãy nhập mã phản ánh (ví dụ K7MP-4QX9), số điện thoại "
            "hoặc số định danh cá nhân đầy đủ.",
        )
    return Search("+".join(kinds), condition, hashes=tuple(hashes))


def search_reports(*, viewer: User, text: str, limit: int = 50) -> tuple[Search, list[Report]]:
    """Search in the viewer's scope; a search by phone or ID number is recorded (R-3.2)."""
    search = parse_search(text)
    if search.kind == "invalid":
        return search, []
    if search.kind != "code" and not may_search_people(viewer):
        return Search(
            "invalid", Q(pk__in=[]), "Vai trò của bạn không được tra cứu theo thông tin cá nhân."
        ), []
    rows = with_related(list(_plain(report_scope(viewer).filter(search.condition)).order_by("-id")[:limit]))
    if search.kind != "code":
        # Finding a report by a person's number tells who sent it: only reports whose personal data this
        # viewer may see answer (an officer's colleagues' cases, a leader's former cases do not; issue 10).
        rows = [r for r in rows if can_see_personal_data(viewer, r)]
        labels = {
            "phone": "số điện thoại",
            "id": "số định danh cá nhân",
            "phone+id": "số điện thoại hoặc số định danh cá nhân",
        }
        PersonalDataAccess.objects.create(
            user=viewer,
            report=rows[0] if len(rows) == 1 else None,
            kind=PersonalDataAccess.Kind.SEARCH,
            # The keyed hash (never the number) lets an auditor check who looked for whom.
            detail=(
                f"Tra cứu theo {labels[search.kind]} ({', '.join(h[:16] for h in search.hashes)}): "
                f"{len(rows)} kết quả"
            )[:200],
        )
    return search, rows


# --- Lists with keyset pagination ------------------------------------------------------------------------


def _plain(qs: QuerySet[Report]) -> QuerySet[Report]:
    """Report rows without joins (a join misleads SQLite's planner on big tables) nor personal data."""
    return qs.defer(*PERSONAL_FIELDS)


def with_related(rows: list[Report]) -> list[Report]:
    """Category, agency, area and assignee of a page of reports: one query each."""
    prefetch_related_objects(rows, "category", "agency", "area", "assignee")
    return rows


@dataclass(frozen=True)
class Cursor:
    """A position in a list ordered by (due_at nulls last, id) or by id descending (the done tab)."""

    due_at: datetime | None
    pk: int

    def encode(self) -> str:
        due = self.due_at.isoformat() if self.due_at else ""
        return base64.urlsafe_b64encode(f"{due}|{self.pk}".encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        if not text:
            return None
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            due, pk = raw.split("|")
            return cls(datetime.fromisoformat(due) if due else None, int(pk))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None


def _after(c: Cursor) -> Q:
    if c.due_at is None:
        return Q(due_at__isnull=True, pk__gt=c.pk)
    return Q(due_at__gt=c.due_at) | Q(due_at=c.due_at, pk__gt=c.pk) | Q(due_at__isnull=True)


def _before(c: Cursor) -> Q:
    if c.due_at is None:
        return Q(due_at__isnull=False) | Q(due_at__isnull=True, pk__lt=c.pk)
    return Q(due_at__lt=c.due_at) | Q(due_at=c.due_at, pk__lt=c.pk)


@dataclass
class InboxPage:
    rows: list[Report]
    next_cursor: str = ""
    prev_cursor: str = ""


def _order_key(report: Report) -> tuple[bool, datetime, int]:
    return (report.due_at is None, report.due_at or datetime.min.replace(tzinfo=UTC), report.pk)


def inbox_page(
    *,
    viewer: User,
    tab: str,
    filters: InboxFilters,
    now: datetime,
    soon: datetime,
    after: str | None = None,
    before: str | None = None,
    size: int = PAGE_SIZE,
) -> InboxPage:
    """One page of a tab: open tabs by deadline (keyset on due_at, id), the done tab newest first.

    An open tab reads each state's part with its own ordered, limited query and merges them; the page is
    then checked against report_scope, so a tab's conditions can never show more than the viewer may see.
    """
    a, b = Cursor.decode(after), Cursor.decode(before)
    if tab == "done":
        parts = [_plain(part.filter(filters.condition())) for part in _done_parts(viewer)]
        return _scoped(viewer, _page_by_id(parts, a, b, size))
    backwards = b is not None
    order: list[Any] = (
        [F("due_at").desc(nulls_first=True), "-pk"] if backwards else [F("due_at").asc(nulls_last=True), "pk"]
    )
    candidates: list[Report] = []
    for state, condition in tab_parts(viewer, tab, now, soon).items():
        if filters.state and filters.state != state:
            continue
        qs = _plain(Report.objects.filter(condition, state=state).filter(filters.condition()))
        if b is not None:
            qs = qs.filter(_before(b))
        elif a is not None:
            qs = qs.filter(_after(a))
        candidates.extend(qs.order_by(*order)[: size + 1])
    candidates.sort(key=_order_key, reverse=backwards)
    rows = candidates[: size + 1]
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    page = InboxPage(rows)
    if rows:
        first, last = Cursor(rows[0].due_at, rows[0].pk), Cursor(rows[-1].due_at, rows[-1].pk)
        if backwards:
            page.next_cursor = last.encode()
            page.prev_cursor = first.encode() if more else ""
        else:
            page.next_cursor = last.encode() if more else ""
            page.prev_cursor = first.encode() if a is not None else ""
    return _scoped(viewer, page)


def _scoped(viewer: User, page: InboxPage) -> InboxPage:
    """Keep only rows within report_scope (one query on the page's ids) and load their related objects."""
    if page.rows:
        visible = set(
            report_scope(viewer).filter(pk__in=[r.pk for r in page.rows]).values_list("pk", flat=True)
        )
        page.rows = with_related([r for r in page.rows if r.pk in visible])
    return page


def _by_id(parts: list[QuerySet[Report]], after: Q, order: str, size: int) -> list[Report]:
    """The first `size` rows of the union of `parts` in `order` ("pk" or "-pk"): each part read in that
    order and limited, then merged."""
    rows = {r.pk: r for part in parts for r in part.filter(after).order_by(order)[:size]}
    return sorted(rows.values(), key=lambda r: r.pk, reverse=order == "-pk")[:size]


def _page_by_id(parts: list[QuerySet[Report]], a: Cursor | None, b: Cursor | None, size: int) -> InboxPage:
    if b is not None:
        rows = _by_id(parts, Q(pk__gt=b.pk), "pk", size + 1)
        more = len(rows) > size
        rows = rows[:size][::-1]
        page = InboxPage(rows)
        if rows:
            page.next_cursor = Cursor(None, rows[-1].pk).encode()
            if more:
                page.prev_cursor = Cursor(None, rows[0].pk).encode()
        return page
    rows = _by_id(parts, Q(pk__lt=a.pk) if a is not None else Q(), "-pk", size + 1)
    page = InboxPage(rows[:size])
    if len(rows) > size:
        page.next_cursor = Cursor(None, page.rows[-1].pk).encode()
    if a is not None and page.rows:
        page.prev_cursor = Cursor(None, page.rows[0].pk).encode()
    return page


@dataclass(frozen=True)
class TabCount:
    key: str
    label: str | Promise
    count: int
    capped: bool

    @property
    def display(self) -> str:
        return f"{self.count}+" if self.capped else str(self.count)


def inbox_counts(
    *, viewer: User, filters: InboxFilters, now: datetime, soon: datetime, cap: int = COUNT_CAP
) -> list[TabCount]:
    """How many cases each tab holds, counted up to `cap` (a bounded query on a million reports).

    The open tabs' conditions lie within report_scope by construction (the viewer's own agencies, the
    agencies below a leader's, a department's asked cases; tests/console/test_inbox.py checks it for every
    role), so they are counted without it; the done tab, which reads the viewer's past events, keeps it (a
    union of its parts, each read through its index). All five are counted in one query."""
    tabs: list[QuerySet[Report, Any]] = []
    for key, _label in TABS:
        if key == "done":
            # Counting `state`, in the parts' indexes (agency, state, …) and (assignee, state): read from
            # the index alone.
            first, *others = (
                p.filter(filters.condition()).order_by().values("state") for p in _done_parts(viewer)
            )
            tabs.append(first.union(*others, all=True) if others else first)
        else:
            condition = tab_condition(viewer, key, now, soon)
            tabs.append(Report.objects.filter(condition).filter(filters.condition()).values("pk"))
    counts = capped_counts(tabs, cap + 1)
    return [TabCount(key, label, min(n, cap), n > cap) for (key, label), n in zip(TABS, counts, strict=True)]


def tab_label(viewer: User, key: str) -> str:
    if key == "agency" and viewer.role == Role.SUPERVISOR:
        return str(_("Toàn tỉnh"))
    return str(dict(TABS)[key])


# --- The overdue board (R-10.1, R-4.4) --------------------------------------------------------------------


@dataclass
class OverdueRow:
    agency: Agency
    count: int
    oldest_due: datetime
    cases: list[Report] = field(default_factory=list)


def overdue_board(*, viewer: User, now: datetime, per_agency: int = 5) -> list[OverdueRow]:
    """Overdue open cases grouped by the agency holding them, the most overdue agencies first; the first few
    cases of each agency come from one query (a row number per agency).

    Both read the index of open cases by agency and deadline (report_open_agency_due) alone: the counts and
    the ranks need no report row, and only the cases shown are then loaded (issue 13: 70,000 overdue
    reports at a million cost a second when every row was read)."""
    overdue = report_scope(viewer).filter(state__in=sorted(OPEN_STATES), due_at__lt=now)
    groups = list(
        overdue.order_by()
        .values("agency_id")
        .annotate(n=Count("id"), oldest=Min("due_at"))
        .order_by("-n", "oldest")[:200]
    )
    agencies = Agency.objects.in_bulk([g["agency_id"] for g in groups])
    rows = {g["agency_id"]: OverdueRow(agencies[g["agency_id"]], g["n"], g["oldest"]) for g in groups}
    ranked = (
        overdue.filter(agency_id__in=list(rows))
        .order_by()
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("agency_id")], order_by=[F("due_at").asc(), F("pk").asc()]
            )
        )
        .filter(rank__lte=per_agency)
        .values_list("pk", flat=True)
    )
    shown = with_related(
        list(_plain(Report.objects.filter(pk__in=ranked)).order_by("agency_id", "due_at", "pk"))
    )
    urged = dict(
        Event.objects.filter(report__in=shown, action="urge")
        .values("report_id")
        .annotate(last=Max("at"))
        .values_list("report_id", "last")
    )
    for report in shown:
        # Urged during this step already ("Đôn đốc", pakn.reports.urging)? The board says when.
        last = urged.get(report.pk)
        started = report.step_started_at
        report.last_urged = last if last and started and last >= started else None  # type: ignore[attr-defined]
        rows[report.agency_id].cases.append(report)
    return list(rows.values())


def filter_agencies(viewer: User) -> QuerySet[Agency]:
    """The agencies a viewer may filter the inbox by."""
    ids = watched_agency_ids(viewer)
    qs = Agency.objects.filter(is_active=True).order_by("kind", "name")
    return qs if ids is None else qs.filter(pk__in=ids)
