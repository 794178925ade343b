"""The types of the action specs (pakn.reports.actions): an action, its inputs, its help texts with deadline
amounts from the policy rows, and the readiness predicates at a given `now`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext

# Labels and help texts are Vietnamese msgids marked for the catalogue; they are translated when shown
# (`spec.title()`, `spec.help_text()`), so the workflow's messages can quote the Vietnamese label.
from django.utils.translation import gettext_noop as _

from pakn.org.models import Agency
from pakn.reports import effects, sla
from pakn.reports.actors import Actor, Rule, the_reporter
from pakn.reports.checks import missing_information, missing_information_text
from pakn.reports.limits import limit_for
from pakn.reports.models import Event, Report, State, Step

Help = str | Callable[[Report], str]

# Limits of free text come from pakn.reports.limits (one list for every surface and for `workflow.apply`):
# a text input's `max_length` is its name's limit there unless the spec says otherwise.


class Kind(StrEnum):
    """What an input is; each surface renders a kind its own way (a list, a code, an id…)."""

    TEXT = "text"  # free text over several lines
    LINE = "line"  # one line of text
    CHOICE = "choice"  # one of `choices`
    FLAG = "flag"  # yes or no
    TOGGLE = "toggle"  # a mark's new value: the console flips the current one, the API takes `value`
    AGENCY = "agency"  # an agency to forward to (console: a list; API: its code)
    OFFICER = "officer"  # an official of the holding agency (console: a list; API: the user's id)
    DEPARTMENTS = "departments"  # departments to consult (console: check boxes; API: their codes)
    FILES = "files"  # photos and videos of a result (console: camera input; API: POST …/attachments)
    UPLOADS = "uploads"  # files the effect itself stores (console: file input; API: its multipart endpoint)
    STAFF_MEDIA = "staff_media"  # staff photos not yet public (console: check boxes; API: their ids)
    PUBLIC_IMAGE = "public_image"  # one image of the report with a public copy (console: a list; API: its id)
    IMAGE = "image"  # an image file (console: image input; not in the JSON API)


class Readers(StrEnum):
    """Who reads what is typed into a text input (issue 14, item 2): every text field says so."""

    STAFF = "staff"  # staff only (internal notes, marks, directions)
    OPT_IN = "opt_in"  # staff only, unless the author ticks «Công khai ghi chú này» (NOTE_PUBLIC)
    REPORTER = "reporter"  # sent to the reporter (and staff); never on the public page
    AGENCY = "agency"  # the reporter writes it: the agency's staff read it; never on the public page
    DEPARTMENTS = "departments"  # the departments asked for an opinion (and staff); not public
    PUBLIC = "public"  # published on the portal (phone and ID numbers masked)
    APPROVAL = "approval"  # a result the leader approves before it is published


# What each text field's help says about its readers (Vietnamese msgids, translated when shown).
READER_TEXTS: dict[str, str] = {
    Readers.STAFF: _("Chỉ cán bộ xem, không công khai."),
    Readers.OPT_IN: _("Chỉ cán bộ xem, trừ khi chọn «Công khai ghi chú này»."),
    Readers.REPORTER: _("Gửi cho người phản ánh; không công khai trên cổng."),
    Readers.AGENCY: _("Chỉ cơ quan xử lý xem, không công khai."),
    Readers.DEPARTMENTS: _("Sở, ngành được xin ý kiến và cán bộ xem; không công khai."),
    Readers.PUBLIC: _("Công khai trên cổng (số điện thoại, số định danh được che)."),
    Readers.APPROVAL: _("Công khai trên cổng sau khi lãnh đạo duyệt."),
}


class Group(StrEnum):
    PROCEDURE = "procedure"  # staff actions of Article 7, the case page's main panel
    MARK = "mark"  # staff marks and bans (theo Điều 15 Quy chế), their own panel
    REPORTER = "reporter"  # taken by the reporter through the private link
    SYSTEM = "system"  # taken by the sweep


def _text(value: Help, report: Report) -> str:
    if callable(value):
        return value(report)
    return gettext(value) if value else ""


@dataclass(frozen=True)
class Input:
    """One input of an action: its name is the effect's parameter."""

    name: str
    kind: Kind
    label: str
    required: bool = False
    max_length: int | None = None
    help: Help = ""
    missing: str = ""  # the message when a required input is empty
    choices: tuple[tuple[str, Any], ...] = ()
    default: Any = None
    rows: int = 3
    shown: Callable[[Report], bool] | None = None  # None: always
    initial: Callable[[Report], Any] | None = None
    readers: str = ""  # text inputs: who reads what is typed (Readers); said in the help text

    def __post_init__(self) -> None:
        if self.kind in (Kind.TEXT, Kind.LINE) and self.max_length is None:
            object.__setattr__(self, "max_length", limit_for(self.name))

    def help_text(self, report: Report) -> str:
        return " ".join(x for x in (_text(self.help, report), self.readers_text()) if x)

    def readers_text(self) -> str:
        """Who reads this field, in words (empty for inputs that are not text)."""
        return gettext(READER_TEXTS[self.readers]) if self.readers else ""

    def is_shown(self, report: Report) -> bool:
        return self.shown is None or self.shown(report)


def note_input(
    label: str = _("Ghi chú (không bắt buộc)"), *, readers: str = Readers.STAFF, help: Help = ""
) -> Input:
    """A short note that may be left empty, with who reads it (and, if given, when it is expected)."""
    return Input("note", Kind.TEXT, label, rows=2, help=help, readers=readers)


# The opt-in that publishes a staff note (issue 14, item 2): off unless the author ticks it.
NOTE_PUBLIC = Input(
    "note_public",
    Kind.FLAG,
    _("Công khai ghi chú này"),
    default=False,
    help=_("Ghi chú hiện trên trang công khai của phản ánh (số điện thoại, số định danh được che)."),
)


def public_note_inputs(
    label: str = _("Ghi chú (không bắt buộc)"), *, required: str = ""
) -> tuple[Input, ...]:
    """A staff note that stays internal unless its author publishes it; `required`: the missing message."""
    note = Input(
        "note", Kind.TEXT, label, required=bool(required), rows=2, missing=required, readers=Readers.OPT_IN
    )
    return note, NOTE_PUBLIC


def required_text(
    name: str, label: str, missing: str, rows: int = 3, *, readers: str = Readers.STAFF
) -> Input:
    """A text that must be given (a reason, a result, an answer)."""
    return Input(name, Kind.TEXT, label, required=True, rows=rows, missing=missing, readers=readers)


@dataclass(frozen=True)
class ActionSpec:
    """Everything about one workflow action; see the module's docstring for how to add one."""

    action: str
    label: str
    sources: frozenset[str]
    who: tuple[Rule, ...]
    target: str | None  # None: decided by the effect (escalation) or unchanged
    visibility: str
    effect: effects.Effect
    inputs: tuple[Input, ...] = ()
    ready: Callable[[Report, datetime], bool] | None = None  # beyond the state: may it be taken at `now`?
    help: Help = ""
    submit: str = ""  # the button; the label when empty
    danger: bool = False
    group: Group = Group.PROCEDURE
    summary: str = ""  # one line for the API documentation, with the articles it implements
    api_path: str = ""  # the staff endpoint POST /api/v1/staff/cases/{id}/<api_path>
    api_key: str = ""  # several actions behind one endpoint (the marks): this action's `mark`
    flag: str = ""  # toggles: the Report field the mark sets
    unset_label: str = ""  # toggles: the label when the mark is set (taking it clears the mark)
    templates: str = ""  # the purpose of the response templates offered for its first text input
    retry_stale: bool = False  # retried on a lost race that cannot change its outcome

    @property
    def for_reporter(self) -> bool:
        """Whether the reporter takes it (through the private link), not staff."""
        return the_reporter in self.who

    def may(self, actor: Actor, report: Report) -> bool:
        return any(rule(actor, report) for rule in self.who)

    def is_ready(self, report: Report, now: datetime) -> bool:
        return self.ready is None or self.ready(report, now)

    def title(self, report: Report | None = None) -> str:
        """The action's name; a toggle says whether it sets or clears its mark."""
        if report is not None and self.flag and getattr(report, self.flag):
            return gettext(self.unset_label)
        return gettext(self.label)

    def button(self) -> str:
        return gettext(self.submit or self.label)

    def help_text(self, report: Report) -> str:
        return _text(self.help, report)

    def shown_inputs(self, report: Report) -> list[Input]:
        return [i for i in self.inputs if i.is_shown(report)]

    def input(self, name: str) -> Input:
        return next(i for i in self.inputs if i.name == name)

    @property
    def note_readers(self) -> str:
        """Who reads the note of this action's timeline entries (issue 14, item 2).

        An internal entry's note is for staff; otherwise the note input says (an opt-in note is public only
        when its event says so, `Event.note_public`); a note the system writes (a reason the regulation
        gives, the departments asked) is read by whoever reads the entry."""
        if self.visibility == Event.Visibility.INTERNAL:
            return Readers.STAFF
        item = next((i for i in self.inputs if i.name == "note"), None)
        if item is not None and item.readers:
            return item.readers
        return Readers.PUBLIC if self.visibility == Event.Visibility.PUBLIC else Readers.REPORTER


# --- Help texts with deadlines from the policy rows ----------------------------------------------------------


def within(step: str, text: str, *, kind: str = "") -> Callable[[Report], str]:
    """A help text quoting a step's allowed time at the report's agency (or at agencies of `kind`)."""

    def help_text(report: Report) -> str:
        agency_kind = kind or report.agency.kind
        duration = sla.duration_text(step, agency_kind, is_complex=report.is_complex)
        return gettext(text).format(duration=duration)

    return help_text


def escalate_help(report: Report) -> str:
    parent = report.agency.parent
    if parent is None:
        return gettext("Cơ quan này không có cấp trên.")
    return gettext("Phản ánh vượt thẩm quyền sẽ được chuyển đến {name} (theo Điều 7 Quy chế).").format(
        name=parent.name
    )


def is_incomplete(report: Report) -> bool:
    """The report lacks something R-5.1 requires (name, contact address, phone, ID number, place)."""
    return bool(missing_information(report))


def incomplete_help(report: Report) -> str:
    return gettext(
        "Phản ánh còn thiếu: {missing}. Nên đề nghị người phản ánh bổ sung thông tin trước; chỉ chuyển xử lý "
        "khi chưa đủ thông tin nếu có lý do, lý do được ghi lại (theo Điều 5, Điều 7 Quy chế)."
    ).format(missing=missing_information_text(report))


def complex_help(report: Report) -> str:
    duration = sla.duration_text(Step.ESCALATE, report.agency.kind, is_complex=True)
    return gettext(
        "Vụ việc phức tạp được chuyển cấp trên trong tối đa {duration} (theo Điều 7 Quy chế)."
    ).format(duration=duration)


# --- Readiness at `now`: beyond the state, so no button is offered for what the effect would refuse -------


def supplement_open(report: Report, now: datetime) -> bool:
    return report.due_at is None or report.due_at >= now


def supplement_expired(report: Report, now: datetime) -> bool:
    return report.due_at is not None and report.due_at <= now


def step_overdue_unnoted(report: Report, now: datetime) -> bool:
    return effects.overdue_to_note(report, now) is not None


def retention_due(report: Report, now: datetime) -> bool:
    """R-13.2: the personal data's retention time since closing has passed."""
    from pakn.reports.erasure import retention_cutoff

    return report.updated_at < retention_cutoff(now)


def has_parent(report: Report, now: datetime) -> bool:
    return report.agency.parent_id is not None


def clarification_asked(report: Report, now: datetime) -> bool:
    return report.clarification_pending


def not_rated(report: Report, now: datetime) -> bool:
    return not report.rating


def not_coordinated_by_supervisor(report: Report, now: datetime) -> bool:
    """The supervisor takes over what it does not already coordinate (theo Điều 4 Quy chế)."""
    return not (report.state == State.COORDINATING and report.agency.kind == Agency.Kind.SUPERVISOR)
