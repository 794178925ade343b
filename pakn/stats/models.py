"""The agencies' written explanations of late or unhandled steps (R-14.4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pakn.core.fields import optional_link
from pakn.org.models import Agency, Area, Category
from pakn.reports.models import Event, Report, Step


class LateExplanation(models.Model):
    """Why an agency did a step of a case late, or has not done it (R-14.4), written by its leader.

    A late item is identified by the report, the step, the step's deadline and the agency that held it, so an
    explanation written while the step was still pending stays attached once the step is done late.
    """

    report = models.ForeignKey(
        Report, verbose_name=_("phản ánh"), on_delete=models.PROTECT, related_name="late_explanations"
    )
    event = optional_link(
        Event, _("sự kiện hoàn thành bước"), help_text=_("Trống khi bước chưa được thực hiện")
    )
    step = models.CharField(_("bước"), max_length=20, choices=Step.choices)
    due_at = models.DateTimeField(_("hạn của bước"))
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="late_explanations"
    )
    text = models.TextField(_("nội dung giải trình"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người giải trình"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm giải trình"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật"), default=timezone.now)

    class Meta:
        verbose_name = _("giải trình trễ hạn")
        verbose_name_plural = _("giải trình trễ hạn")
        ordering = ["agency", "due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "step", "due_at", "agency"], name="late_explanation_unique_item"
            )
        ]
        indexes = [models.Index(fields=["agency", "due_at"], name="late_expl_agency_due")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.step} {self.agency_id}"


# --- Facts: the timeline pre-aggregated for the figures (docs/statistics.md, "Facts") -------------------------
#
# Written in the transaction of every event by pakn.stats.facts (a listener of pakn.reports.listeners) and
# rebuilt from the timeline by `pakn stats rebuild-facts`; `pakn stats check-facts` compares them with it.
# No foreign-key constraints: they are derived data, deleted and rewritten per report.

_LINK = {"on_delete": models.DO_NOTHING, "db_constraint": False, "related_name": "+"}


class ReportFact(models.Model):
    """One per report: what the figures group by (its own fields), and its state now."""

    report = models.OneToOneField(Report, primary_key=True, **_LINK)  # type: ignore[arg-type]
    created_at = models.DateTimeField()
    category = models.ForeignKey(Category, null=True, **_LINK)  # type: ignore[arg-type,misc]
    channel = models.CharField(max_length=10)
    area = models.ForeignKey(Area, null=True, **_LINK)  # type: ignore[arg-type,misc]
    state = models.CharField(max_length=20)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="fact_report_created")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.state}"


class Dimensions(models.Model):
    """The report's own fields, copied on every fact so that no figure joins the reports (they never change
    after submission)."""

    report = models.ForeignKey(Report, **_LINK)  # type: ignore[arg-type]
    category = models.ForeignKey(Category, null=True, **_LINK)  # type: ignore[arg-type,misc]
    channel = models.CharField(max_length=10)
    area = models.ForeignKey(Area, null=True, **_LINK)  # type: ignore[arg-type,misc]

    class Meta:
        abstract = True


class EventFact(Dimensions):
    """An event that a figure counts by report: the first arrival of a case at an agency (`agency` is the
    agency it arrived at), a result, a rejection, a cancellation."""

    class Kind(models.TextChoices):
        ARRIVAL = "arrival"
        RESULT = "result"
        REJECT = "reject"
        CANCEL = "cancel"

    event = models.OneToOneField(Event, primary_key=True, **_LINK)  # type: ignore[arg-type]
    kind = models.CharField(max_length=8, choices=Kind.choices)
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    agency = models.ForeignKey(Agency, null=True, **_LINK)  # type: ignore[arg-type,misc]
    # Results only: a statutory agency step was done late (at or before the result) by any agency / by the
    # agency that gave the result; submission to result; the time of the report's next result.
    late_any = models.BooleanField(default=False)
    late_self = models.BooleanField(default=False)
    duration = models.DurationField(null=True)
    next_result_at = models.DateTimeField(null=True)
    next_own_result_at = models.DateTimeField(null=True)  # the next result given by the same agency

    class Meta:
        indexes = [
            models.Index(fields=["kind", "at"], name="fact_event_kind_at"),
            models.Index(fields=["agency", "kind", "at"], name="fact_event_agency_kind_at"),
            models.Index(fields=["report", "kind"], name="fact_event_report_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class HeldFact(Dimensions):
    """Who held a case, in which state, between two events (a span), for the states the figures read at a
    cut-off (open states; resolved with a clarification pending past a statutory deadline).

    The span itself has `day` empty and runs from `start_at` (its event) to `end_at` (the next event that
    is not an opinion; empty while it is the case's last). A closed span has also one row per local
    midnight it covers (`day`: start_at < that midnight ≤ end_at), so the cases held at a period's end are
    one index range, whatever the period."""

    # The figures read a case's span from the report (pakn.stats.figures.situation), so this one is named.
    report = models.ForeignKey(
        Report, on_delete=models.DO_NOTHING, db_constraint=False, related_name="held_facts"
    )
    day = models.DateField(null=True)
    start_at = models.DateTimeField()
    end_at = models.DateTimeField(null=True)
    state = models.CharField(max_length=20)
    holder = models.ForeignKey(Agency, null=True, **_LINK)  # type: ignore[arg-type,misc]
    due_at = models.DateTimeField(null=True)
    overdue_at = models.DateTimeField(null=True)
    officer_id = models.IntegerField(null=True)  # in progress: the officer of the last assignment

    class Meta:
        indexes = [
            models.Index(fields=["day", "end_at", "start_at"], name="fact_held_day_end_start"),
            models.Index(fields=["report", "day"], name="fact_held_report_day"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.state} {self.day or self.start_at:%Y-%m-%d}"


class DayFact(models.Model):
    """Counts per local day and agency that add up over days: statutory agency steps done (`n`) and done on
    time (`ok`) per step; ratings given (`n`) per value."""

    day = models.DateField()
    agency = models.ForeignKey(Agency, null=True, **_LINK)  # type: ignore[arg-type,misc]
    kind = models.CharField(max_length=8)  # "step" or "rating"
    key = models.CharField(max_length=20)
    n = models.IntegerField(default=0)
    ok = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "agency", "kind", "key"], name="fact_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.kind} {self.key}: {self.n}"
