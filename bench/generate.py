"""A realistic province for benchmarks (issue 13): N reports over three years up to now, written with COPY
(PostgreSQL) or executemany (SQLite) into the benchmark's own database (bench/owndb.py).

Every report has its reporter's personal data encrypted as the application stores it (Fernet, keyed hashes of
phone and ID number), a timeline along one path of the workflow — triage (request_info and supplement, or
cancellation; rejection; forwarding), assignment (and reassignment), the result (returned once, sometimes),
approval, escalation to the province with departments' opinions and publication, the supervisor taking over,
overdue notes, marks (valuable, abusive, state secret), the reporter's rating, reply and the agency's
clarification — with each step's deadline and whether it was met; about 30 % have photos (attachment
metadata); the last 90 days' events have their outbox messages, deliveries and in-app notifications. About
10 % of the reports are still open, most of them recent. Timelines are not hash-chained (`pakn audit verify`
is not what is measured).

    .venv/bin/python bench/generate.py --reports 1000000 --postgres postgres://postgres@127.0.0.1:5432

Used by bench/suite.py, which then times every page on it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from pakn.core.crypto import encrypt, lookup_hash
from pakn.org.models import Agency, Category, User
from pakn.reports.search import search_text_of

BATCH = 10_000
CODE = "23456789ABCDEFGHJKMNPQRSTWXYZ"
NOTIFY_DAYS = 90
TABLES = ("reports_report", "reports_event", "reports_attachment", "reports_opinionrequest",
          "notify_outboxmessage", "notify_delivery", "notify_notification")  # fmt: skip
H = timedelta(hours=1)

REPORT_COLUMNS = (
    "id tracking_code secret_hash channel category_id title content public_title public_content text_public "
    "latitude longitude address_text area_id reporter_kind reporter_name reporter_address reporter_phone "
    "reporter_id_number reporter_email phone_hash id_number_hash declared_truthful state agency_id assignee_id "
    "agency_since step step_started_at due_at escalate_by overdue_noted is_complex is_state_secret is_valuable "
    "is_abusive result_text resolved_at closed_reason clarification_pending rating rated_at created_at "
    "updated_at version head_hash event_count step_statutory escalate_statutory overdue_at search_text"
).split()
EVENT_COLUMNS = (
    "id report_id seq at actor_id actor_kind agency_id target_agency_id action from_state to_state step "
    "step_due_at on_time due_at note visibility data prev_hash hash key_id sealed_fields statutory overdue_at "
    "note_public"
).split()
ATTACHMENT_COLUMNS = (
    "report_id event_id kind file public_file content_type size sha256 uploaded_by_reporter created_at redacted"
).split()
OPINION_COLUMNS = "report_id department_id question requested_by_id requested_at due_at statutory answer answered_by_id answered_at".split()
OUTBOX_COLUMNS = (
    "id uid kind report_id event_id dedupe_key step step_started_at context private_context created_at"
)
DELIVERY_COLUMNS = (
    "id outbox_id channel user_id to_reporter subscription_id address idempotency_key status attempts "
    "next_attempt_at lease_until last_error provider_ref sent_at created_at updated_at"
)
NOTIFICATION_COLUMNS = "user_id kind title body url report_id delivery_id created_at read_at step"
# The states whose pending step has a deadline Decision 826 sets (triage, supplement, assign, coordinate,
# handle; the approval, the clarification and the opinion have internal targets: reports.0006's policy).
STATUTORY_AT = {"received", "awaiting_info", "routed", "coordinating", "in_progress"}
PUBLIC = {"submit", "forward", "assign", "escalate", "approve", "publish_result", "rate", "take_over"}
REPORTER = {"request_info", "supplement", "reject", "reply", "clarify", "cancel_expired"}
KIND_OF = {
    "forward": "routed", "escalate": "escalated", "assign": "assigned", "reassign": "assigned",
    "report_result": "result_submitted", "return_result": "result_returned", "approve": "result_published",
    "publish_result": "result_published", "request_info": "info_requested", "supplement": "supplemented",
    "reject": "rejected", "cancel_expired": "cancelled", "take_over": "taken_over", "reply":
    "clarification_requested", "clarify": "clarified", "request_opinions": "opinion_requested",
    "give_opinion": "opinion_given", "note_overdue": "overdue",
}  # fmt: skip


@dataclass
class Org:
    ioc: Agency
    supervisor: Agency
    communes: list[Agency]
    departments: list[Agency]
    categories: list[Category]
    leaders: dict[int, list[int]]  # agency id → leader user ids
    officers: dict[int, list[int]]


def tracking_code(i: int) -> str:
    raw = ""
    for _ in range(8):
        raw += CODE[i % len(CODE)]
        i //= len(CODE)
    return f"{raw[:4]}-{raw[4:]}"


def staff(password: str = "Bench-password-2026!") -> Org:
    """Two leaders and three officers per commune, desks at the IOC, the supervisor's office, departments."""
    ioc = Agency.objects.get(kind=Agency.Kind.IOC, is_active=True)
    supervisor = Agency.objects.get(kind=Agency.Kind.SUPERVISOR, is_active=True)
    communes = list(Agency.objects.filter(kind=Agency.Kind.COMMUNE, is_active=True).order_by("pk"))
    departments = list(Agency.objects.filter(kind=Agency.Kind.DEPARTMENT, is_active=True).order_by("pk"))
    plan = [(ioc, User.Role.OPERATOR, 4), (ioc, User.Role.LEADER, 2), (supervisor, User.Role.SUPERVISOR, 2)]
    plan += [(c, User.Role.LEADER, 2) for c in communes] + [(c, User.Role.OFFICER, 3) for c in communes]
    plan += [(d, User.Role.SPECIALIST, 2) for d in departments]
    if not User.objects.filter(username__startswith="gen.").exists():
        hashed = make_password(password)
        User.objects.bulk_create(
            User(username=f"gen.{agency.code}.{role}.{k}", password=hashed, last_name="Cán bộ", first_name=str(k + 1),
                 agency=agency, role=role, is_active=True)
            for agency, role, count in plan for k in range(count)
        )  # fmt: skip
    leaders: dict[int, list[int]] = {}
    officers: dict[int, list[int]] = {}
    for pk, agency_id, role in User.objects.filter(username__startswith="gen.").values_list(
        "pk", "agency_id", "role"
    ):
        (officers if role == User.Role.OFFICER else leaders).setdefault(agency_id, []).append(pk)
    return Org(ioc, supervisor, communes, departments, list(Category.objects.filter(is_active=True)),
               leaders, officers)  # fmt: skip


class Timeline:
    """One report's life: events appended along a path of the workflow, the report's fields kept in step."""

    def __init__(self, maker: Maker, report: dict[str, Any], now: datetime):
        self.m, self.r, self.now = maker, report, now
        self.t: datetime = report["created_at"]
        self.events: list[dict[str, Any]] = []
        self.opinions: list[tuple[Agency, datetime, datetime | None]] = []  # department, asked, answered
        self.done = False

    def add(self, action: str, agency: Agency, to_state: str, *, step: str = "", hours: float = 0,
            late: float = 0.0, target: Agency | None = None, next_hours: float | None = None,
            actor_kind: str = "staff", note: str = "") -> bool:  # fmt: skip
        """Append an event `hours` (a deadline) after the last; False (and the report stays open) if that
        moment is still to come."""
        if self.done:
            return False
        rng = self.m.rng
        due = self.t + timedelta(hours=hours) if hours else None
        if due is not None and rng.random() < late:
            at = due + timedelta(minutes=rng.uniform(5, 60 * 30))
        elif due is not None:
            at = self.t + timedelta(minutes=rng.uniform(2, hours * 60 * 0.9))
        else:
            at = self.t + timedelta(minutes=rng.uniform(1, 240))
        if at > self.now:
            self.done = True
            return False
        from_state = self.r["state"]
        closed_statutory = self.r["step_statutory"] if due else None
        next_due = at + timedelta(hours=next_hours) if next_hours else None
        statutory = bool(next_due) and to_state in STATUTORY_AT
        visibility = "public" if action in PUBLIC else "reporter" if action in REPORTER else "internal"
        self.events.append({
            "seq": len(self.events) + 1, "at": at, "actor_kind": actor_kind, "agency_id": agency.pk,
            "target_agency_id": target.pk if target else None, "action": action, "from_state": from_state,
            "to_state": to_state, "step": step, "step_due_at": due, "on_time": (at <= due) if due else None,
            "due_at": next_due, "note": note, "visibility": visibility, "statutory": closed_statutory,
            "overdue_at": next_due if statutory else None,
        })  # fmt: skip
        self.t = at
        self.r.update(state=to_state, due_at=next_due, step_started_at=at if next_due else None,
                      updated_at=at, step_statutory=statutory, overdue_at=next_due if statutory else None)  # fmt: skip
        return True


class Maker:
    def __init__(self, org: Org, seed: int):
        self.org = org
        self.rng = random.Random(seed)
        self.names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"]

    def report(self, i: int, start: datetime, span: float) -> dict[str, Any]:
        r, org = self.rng, self.org
        commune = r.choice(org.communes)
        phone = f"+8491{i % 10_000_000:07d}"
        id_number = f"020{i:09d}"
        return {
            "id": i + 1, "tracking_code": tracking_code(i * 7919 + 13), "secret_hash": f"{i:064x}",
            "channel": r.choice(["web", "app", "app", "web", "open311", "staff"]),
            "category_id": r.choice(org.categories).pk, "title": "", "content":
            f"Phản ánh số {i}: rác thải tồn đọng, đường hỏng gần chợ thôn {i % 97}.", "public_title": "",
            "public_content": f"Phản ánh số {i}: rác thải tồn đọng, đường hỏng gần chợ thôn {i % 97}.",
            "text_public": True, "latitude": round(21.85 + r.uniform(-0.3, 0.3), 6),
            "longitude": round(106.76 + r.uniform(-0.3, 0.3), 6), "address_text": f"Thôn {i % 97}",
            "area_id": commune.area_id, "reporter_kind": "person",
            "reporter_name": encrypt(r.choice(self.names)), "reporter_address": encrypt(f"Số {i % 300} Lê Lợi"),
            "reporter_phone": encrypt(phone), "reporter_id_number": encrypt(id_number),
            "reporter_email": encrypt(f"nguoi{i}@example.vn") if i % 3 == 0 else "",
            "phone_hash": lookup_hash("phone", phone), "id_number_hash": lookup_hash("id", id_number),
            "declared_truthful": True, "state": "received", "agency_id": org.ioc.pk, "assignee_id": None,
            "agency_since": None, "step": "triage", "step_started_at": None, "due_at": None,
            "escalate_by": None, "overdue_noted": False, "is_complex": False, "is_state_secret": False,
            "is_valuable": False, "is_abusive": False, "result_text": "", "resolved_at": None,
            "closed_reason": "", "clarification_pending": False, "rating": "", "rated_at": None,
            "step_statutory": False, "escalate_statutory": False, "overdue_at": None,
            "created_at": start + timedelta(seconds=r.uniform(0, span)), "_commune": commune,
        }  # fmt: skip

    def life(self, report: dict[str, Any], now: datetime) -> Timeline:
        """The report's path through the workflow (docs/architecture.md, "States and actions")."""
        r, org, tl = self.rng, self.org, Timeline(self, report, now)
        commune, ioc = report.pop("_commune"), org.ioc
        tl.events.append({"seq": 1, "at": report["created_at"], "actor_kind": "reporter", "agency_id": ioc.pk,
                          "target_agency_id": None, "action": "submit", "from_state": "", "to_state": "received",
                          "step": "", "step_due_at": None, "on_time": None, "visibility": "public", "note": "",
                          "due_at": report["created_at"] + H, "statutory": None,
                          "overdue_at": report["created_at"] + H})  # fmt: skip
        report.update(
            due_at=report["created_at"] + H,
            step_statutory=True,
            overdue_at=report["created_at"] + H,
            updated_at=report["created_at"],
            agency_since=report["created_at"],
        )
        fate = r.random()
        asked = fate < 0.04
        if asked and tl.add(
            "request_info", ioc, "awaiting_info", step="triage", hours=1, late=0.1, next_hours=1
        ):
            if r.random() < 0.5:
                tl.add(
                    "cancel_expired",
                    ioc,
                    "cancelled",
                    step="supplement",
                    hours=1,
                    late=1,
                    actor_kind="system",
                )
                report["closed_reason"] = "Quá hạn bổ sung thông tin."
                return tl
            tl.add(
                "supplement",
                ioc,
                "received",
                step="supplement",
                hours=1,
                actor_kind="reporter",
                next_hours=1,
            )
        if fate > 0.96:
            tl.add("reject", ioc, "rejected", step="triage", hours=1, late=0.1, note="Nội dung khiếu nại.")
            report["closed_reason"] = "Nội dung khiếu nại."
            return tl
        if not tl.add(
            "forward", ioc, "routed", step="triage", hours=1, late=0.1, target=commune, next_hours=1
        ):
            return tl
        report.update(agency_id=commune.pk, agency_since=tl.t, step="assign")
        holder = commune
        if r.random() < 0.10:  # beyond the commune: escalated to the province, departments consulted
            if not tl.add("escalate", commune, "coordinating", step="escalate", hours=8, late=0.15, target=ioc,
                          next_hours=72):  # fmt: skip
                return tl
            report.update(agency_id=ioc.pk, agency_since=tl.t, step="coordinate", is_complex=True)
            holder = ioc
            if r.random() < 0.2:
                tl.add("take_over", org.supervisor, "coordinating", step="coordinate", target=org.supervisor,
                       next_hours=72)  # fmt: skip
                report["agency_id"] = org.supervisor.pk
                holder = org.supervisor
            department = r.choice(org.departments)
            if tl.add("request_opinions", holder, "coordinating", target=department, next_hours=48):
                asked = tl.t
                answered = tl.add(
                    "give_opinion", department, "coordinating", hours=24, late=0.2, next_hours=24
                )
                tl.opinions.append((department, asked, tl.t if answered else None))
            if not tl.add("publish_result", holder, "resolved", step="coordinate", hours=72, late=0.2):
                return tl
        else:
            officer = r.choice(org.officers[commune.pk])
            if not tl.add("assign", commune, "in_progress", step="assign", hours=1, late=0.15, next_hours=24):
                return tl
            report.update(assignee_id=officer, step="handle")
            if r.random() < 0.05:
                report["assignee_id"] = r.choice(org.officers[commune.pk])
                tl.add("reassign", commune, "in_progress", next_hours=24)
            if tl.events[-1]["step_due_at"] and r.random() < 0.1:
                tl.add("note_overdue", commune, "in_progress", actor_kind="system", hours=24, late=1)
            if not tl.add("report_result", commune, "awaiting_approval", step="handle", hours=24, late=0.2,
                          next_hours=24):  # fmt: skip
                return tl
            report["step"] = "approve"
            if r.random() < 0.08:
                tl.add("return_result", commune, "in_progress", step="approve", hours=24, next_hours=24)
                tl.add("report_result", commune, "awaiting_approval", step="handle", hours=24, late=0.2,
                       next_hours=24)  # fmt: skip
            if not tl.add("approve", commune, "resolved", step="approve", hours=24, late=0.05):
                return tl
        report.update(resolved_at=tl.t, result_text="Đã kiểm tra, xử lý xong tại hiện trường.", step="",
                      due_at=None, step_started_at=None, step_statutory=False, overdue_at=None)  # fmt: skip
        if r.random() < 0.05 and tl.add("reply", holder, "resolved", actor_kind="reporter", next_hours=24):
            report["clarification_pending"] = True
            if tl.add("clarify", holder, "resolved", step="clarify", hours=24, late=0.2):
                report.update(clarification_pending=False, due_at=None)
        if r.random() < 0.6 and tl.add("rate", holder, "resolved", actor_kind="reporter"):
            report["rating"] = r.choices(["satisfied", "acceptable", "unsatisfied"], weights=[60, 25, 15])[0]
            report["rated_at"] = tl.t
        mark = r.random()
        for flag, share in (("is_valuable", 0.005), ("is_abusive", 0.002), ("is_state_secret", 0.001)):
            if mark < share and tl.add(f"mark_{flag[3:]}", ioc, report["state"]):
                report[flag] = True
                break
            mark -= share
        return tl


class Writer:
    """Rows into tables: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql"

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        cols = ", ".join(columns)
        with connection.cursor() as cursor:
            if self.pg:
                raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
                with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                adapt = connection.ops.adapt_datetimefield_value
                values = [
                    tuple(
                        adapt(v) if isinstance(v, datetime) else v.hex if isinstance(v, uuid.UUID) else v
                        for v in row
                    )
                    for row in rows
                ]
                cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", values)

    @contextlib.contextmanager
    def bulk_load(self, tables: Sequence[str]) -> Iterator[None]:
        """PostgreSQL: drop the tables' secondary indexes and skip foreign-key triggers while loading (the
        rows are consistent by construction), then build the indexes once, sorted: 3-4 times faster. Only
        ever on the benchmark's own database; an interrupted load needs --fresh."""
        if not self.pg:
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [list(tables)],
            )
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            with contextlib.suppress(DatabaseError), transaction.atomic():
                cursor.execute("SET session_replication_role = replica")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
                for _, definition in indexes:
                    cursor.execute(definition)

    def reset_sequences(self, tables: Sequence[str]) -> None:
        if not self.pg:
            return
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}"
                )


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        return int(cursor.fetchone()[0]) + 1


def _notifications(org: Org, report: dict[str, Any], events: list[dict[str, Any]], ids: dict[str, int],
                   out: dict[str, list[tuple[Any, ...]]], since: datetime) -> None:  # fmt: skip
    """Outbox messages, deliveries (sent) and in-app notifications of the recent events, as the hook writes."""
    for e in events:
        kind = KIND_OF.get(e["action"])
        if kind is None or e["at"] < since:
            continue
        recipients = org.leaders.get(e["target_agency_id"] or e["agency_id"], [])[:2]
        if e["action"] in ("assign", "reassign", "return_result") and report["assignee_id"]:
            recipients = [report["assignee_id"]]
        outbox = ids["outbox"]
        ids["outbox"] += 1
        uid = uuid.UUID(int=outbox)
        out["outbox"].append((outbox, uid, kind, report["id"], e["id"], f"gen:{outbox}:{kind}", e["step"], None,
                              json.dumps({"code": report["tracking_code"]}), "", e["at"]))  # fmt: skip
        for user in recipients:
            delivery = ids["delivery"]
            ids["delivery"] += 1
            out["delivery"].append((delivery, outbox, "console", user, False, None, "",
                                    f"{uid.hex}-console-u{user}", "sent", 1, e["at"], None, "", "", e["at"],
                                    e["at"], e["at"]))  # fmt: skip
            out["notification"].append((user, kind, f"{kind} {report['tracking_code']}", "", "", report["id"],
                                         delivery, e["at"], e["at"] + H if e["at"] < since + timedelta(days=80) else None, ""))  # fmt: skip


def generate(total: int, *, seed: int = 13, now: datetime | None = None, log: Any = print) -> None:
    """Fill the database up to `total` reports (three years up to `now`)."""
    now = now or timezone.now()
    start = now - timedelta(days=3 * 365)
    org = staff()
    writer = Writer()
    have = _next_id("reports_report") - 1
    if have >= total:
        return
    maker = Maker(org, seed + have)
    ids = {"event": _next_id("reports_event"), "outbox": _next_id("notify_outboxmessage"),
           "delivery": _next_id("notify_delivery")}  # fmt: skip
    began = time.perf_counter()
    with writer.bulk_load(TABLES):
        _fill(maker, org, writer, ids, have, total, now, start, began, log)
    log(f"  indexes built ({time.perf_counter() - began:.0f} s)")
    writer.reset_sequences(TABLES)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum leaves a live database: visibility map set


def _fill(maker: Maker, org: Org, writer: Writer, ids: dict[str, int], have: int, total: int, now: datetime,
          start: datetime, began: float, log: Any) -> None:  # fmt: skip
    """The batches: generate BATCH reports with their rows, write them in one transaction."""
    since = now - timedelta(days=NOTIFY_DAYS)
    for first in range(have, total, BATCH):
        reports, events, attachments, opinions = [], [], [], []
        out: dict[str, list[tuple[Any, ...]]] = {"outbox": [], "delivery": [], "notification": []}
        for i in range(first, min(first + BATCH, total)):
            report = maker.report(i, start, (now - start).total_seconds())
            tl = maker.life(report, now)
            for e in tl.events:
                e.update(id=ids["event"], report_id=report["id"])
                ids["event"] += 1
                digest = hashlib.sha256(f"{report['id']}:{e['seq']}".encode()).hexdigest()
                events.append((e["id"], report["id"], e["seq"], e["at"], None, e["actor_kind"], e["agency_id"],
                               e["target_agency_id"], e["action"], e["from_state"], e["to_state"], e["step"],
                               e["step_due_at"], e["on_time"], e.get("due_at"), e["note"], e["visibility"], "{}",
                               "", digest, "", "{}", e.get("statutory"), e.get("overdue_at"), False))  # fmt: skip
            report.update(event_count=len(tl.events), version=len(tl.events), head_hash=events[-1][19],
                          search_text=search_text_of(report))  # fmt: skip
            for department, asked, answered in tl.opinions:
                requester = (org.leaders.get(report["agency_id"]) or org.leaders[org.ioc.pk])[0]
                answerer = (org.leaders.get(department.pk) or [None])[0] if answered else None
                opinions.append((report["id"], department.pk, "Đề nghị cho ý kiến.", requester, asked,
                                 asked + timedelta(hours=24), False, "Thống nhất." if answered else "", answerer,
                                 answered))  # fmt: skip
            reports.append(tuple(report[c] for c in REPORT_COLUMNS))
            if maker.rng.random() < 0.3:
                for k in range(1 + (maker.rng.random() < 0.3)):
                    name = f"{report['created_at']:%Y/%m}/{report['id']}-{k}.jpg"
                    attachments.append((report["id"], tl.events[0]["id"], "image", f"private/{name}",
                                        f"public/{name}", "image/jpeg", 180_000 + k, f"{report['id']:064x}",
                                        True, report["created_at"], False))  # fmt: skip
            _notifications(org, report, tl.events, ids, out, since)
        with transaction.atomic():
            writer.write("reports_report", REPORT_COLUMNS, reports)
            writer.write("reports_event", EVENT_COLUMNS, events)
            writer.write("reports_attachment", ATTACHMENT_COLUMNS, attachments)
            writer.write("reports_opinionrequest", OPINION_COLUMNS, opinions)
            writer.write("notify_outboxmessage", OUTBOX_COLUMNS.split(), out["outbox"])
            writer.write("notify_delivery", DELIVERY_COLUMNS.split(), out["delivery"])
            writer.write("notify_notification", NOTIFICATION_COLUMNS.split(), out["notification"])
        done = min(first + BATCH, total)
        if done % 100_000 == 0 or done == total:
            log(f"  {done:>9,} reports, {ids['event'] - 1:,} events ({time.perf_counter() - began:.0f} s)")
