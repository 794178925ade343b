"""Writes of the console that are not the workflow's: a staff action applied exactly once, and the import
of staff accounts from a spreadsheet (R-3.1, R-13.1)."""

from __future__ import annotations

import csv
import io
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pakn.console.models import ClientSubmission
from pakn.org.models import Agency, User
from pakn.org.services import user_create
from pakn.reports.models import Event, Report

# --- Exactly once -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionOutcome:
    event: Event | None
    duplicate: bool = False


def action_once(
    *, key: str, user: User, report: Report, action: str, perform: Callable[[], Event]
) -> ActionOutcome:
    """Run `perform` unless a submission with this client key was already applied (a result queued offline
    and sent again when the connection returned). Without a key the action simply runs."""
    if not key:
        return ActionOutcome(perform())
    existing = ClientSubmission.objects.filter(key=key, user=user).select_related("event").first()
    if existing is not None:
        return ActionOutcome(existing.event, duplicate=True)
    try:
        with transaction.atomic():
            record = ClientSubmission.objects.create(key=key, user=user, report=report, action=action)
            event = perform()
            record.event = event
            record.save(update_fields=["event"])
    except IntegrityError:
        # The same key arrived twice at once; the other request applied it.
        again = ClientSubmission.objects.filter(key=key).select_related("event").first()
        if again is None:
            raise
        return ActionOutcome(again.event, duplicate=True)
    return ActionOutcome(event)


# --- Accounts from a spreadsheet --------------------------------------------------------------------------

COLUMNS = ("agency", "role", "full_name", "phone", "email", "username")
# Header names accepted for each column (Vietnamese or English, compared without accents and case).
HEADERS: dict[str, tuple[str, ...]] = {
    "agency": ("ma co quan", "co quan", "agency", "agency code"),
    "role": ("vai tro", "role"),
    "full_name": ("ho va ten", "ho ten", "full name", "name"),
    "phone": ("dien thoai", "so dien thoai", "phone"),
    "email": ("thu dien tu", "email", "e-mail"),
    "username": ("ten dang nhap", "username", "login"),
}
# Role names accepted besides the codes (operator, leader, …).
ROLE_WORDS: dict[str, str] = {
    "can bo tiep nhan": User.Role.OPERATOR,
    "tiep nhan": User.Role.OPERATOR,
    "lanh dao": User.Role.LEADER,
    "can bo xu ly": User.Role.OFFICER,
    "chuyen vien": User.Role.SPECIALIST,
    "chuyen vien so, nganh": User.Role.SPECIALIST,
    "giam sat": User.Role.SUPERVISOR,
    "quan tri": User.Role.ADMIN,
    "quan tri he thong": User.Role.ADMIN,
}
MAX_ROWS = 2000


def _plain(text: str) -> str:
    """Lower case without Vietnamese accents: «Mã cơ quan» → «ma co quan»."""
    text = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower().split())


@dataclass
class AccountRow:
    line: int
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    created: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_list(self) -> list[str]:
        labels = dict(
            zip(
                COLUMNS,
                ("Cơ quan", "Vai trò", "Họ và tên", "Điện thoại", "Thư điện tử", "Tên đăng nhập"),
                strict=True,
            )
        )
        out: list[str] = []
        for name, messages in self.errors.items():
            prefix = f"{labels[name]}: " if name in labels else ""
            out.extend(prefix + m for m in messages)
        return out


class SpreadsheetError(ValueError):
    """The file cannot be read as an account list; the message says why, in Vietnamese."""


def _read_table(name: str, data: bytes) -> list[list[str]]:
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds for a broken file
            raise SpreadsheetError("Không đọc được tệp Excel (.xlsx). Vui lòng kiểm tra lại tệp.") from e
        sheet = book.worksheets[0]
        return [
            ["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    for encoding in ("utf-8-sig", "cp1258", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def accounts_parse(*, name: str, data: bytes) -> list[AccountRow]:
    """Rows of an account list: a header row naming the columns (any order), then one account per row."""
    table = [row for row in _read_table(name, data) if any(cell for cell in row)]
    if not table:
        raise SpreadsheetError("Tệp không có dữ liệu.")
    header = [_plain(h) for h in table[0]]
    positions: dict[str, int] = {}
    for column, names in HEADERS.items():
        for i, h in enumerate(header):
            if h in names:
                positions[column] = i
                break
    missing = [c for c in ("agency", "role", "full_name", "username") if c not in positions]
    if missing:
        labels = {
            "agency": "mã cơ quan",
            "role": "vai trò",
            "full_name": "họ và tên",
            "username": "tên đăng nhập",
        }
        raise SpreadsheetError(
            "Dòng đầu của tệp phải là tên các cột; thiếu cột: " + ", ".join(labels[m] for m in missing) + "."
        )
    if len(table) - 1 > MAX_ROWS:
        raise SpreadsheetError(f"Mỗi lần nhập tối đa {MAX_ROWS} tài khoản.")
    rows = []
    for n, cells in enumerate(table[1:], start=2):
        values = {c: (cells[i] if i < len(cells) else "").strip() for c, i in positions.items()}
        for c in COLUMNS:
            values.setdefault(c, "")
        rows.append(AccountRow(line=n, values=values))
    return rows


def _role(text: str) -> str:
    plain = _plain(text)
    if plain in User.Role.values:
        return plain
    return ROLE_WORDS.get(plain, text)


class _DryRun(Exception):
    pass


def _create(actor: User, row: AccountRow, agencies: dict[str, Agency]) -> User:
    v = row.values
    agency = agencies.get(v["agency"].lower())
    if agency is None:
        raise ValidationError({"agency": f"Không có cơ quan mã “{v['agency']}”."})
    return user_create(
        actor=actor,
        username=v["username"],
        # A random password nobody knows; the official sets his own through the e-mailed link.
        password=secrets.token_urlsafe(24),
        full_name=v["full_name"],
        agency=agency,
        role=_role(v["role"]),
        email=v["email"],
        phone=v["phone"],
    )


def accounts_check(*, actor: User, rows: Iterable[AccountRow]) -> list[AccountRow]:
    """Check every row exactly as the import would (user_create in a rolled-back transaction)."""
    rows = list(rows)
    agencies = {a.code.lower(): a for a in Agency.objects.all()}
    seen: dict[str, int] = {}
    for row in rows:
        row.errors = {}
        username = row.values["username"].lower()
        if username and username in seen:
            row.errors["username"] = [f"Trùng tên đăng nhập với dòng {seen[username]}."]
            continue
        seen[username] = row.line
        try:
            with transaction.atomic():
                _create(actor, row, agencies)
                raise _DryRun
        except _DryRun:
            pass
        except ValidationError as e:
            row.errors = _errors_of(e)
    return rows


def _errors_of(e: ValidationError) -> dict[str, list[str]]:
    if hasattr(e, "error_dict"):
        out: dict[str, list[str]] = {}
        for name, errors in e.error_dict.items():
            key = (
                name
                if name in COLUMNS
                else (
                    "full_name"
                    if name in ("first_name", "last_name")
                    else "username"
                    if name == "password"
                    else name
                )
            )
            out.setdefault(key, []).extend(m for err in errors for m in err.messages)
        return out
    return {"__all__": e.messages}


def accounts_import(*, actor: User, rows: Iterable[AccountRow]) -> list[AccountRow]:
    """Create the accounts of the valid rows (each on its own); rows with errors are left out and say why."""
    rows = accounts_check(actor=actor, rows=rows)
    agencies = {a.code.lower(): a for a in Agency.objects.all()}
    for row in rows:
        if not row.ok:
            continue
        try:
            with transaction.atomic():
                _create(actor, row, agencies)
            row.created = True
        except ValidationError as e:
            row.errors = _errors_of(e)
    return rows


def rows_to_session(rows: list[AccountRow]) -> list[dict[str, Any]]:
    return [{"line": r.line, "values": r.values} for r in rows]


def rows_from_session(data: list[dict[str, Any]]) -> list[AccountRow]:
    return [
        AccountRow(line=int(d["line"]), values={c: str(d["values"].get(c, "")) for c in COLUMNS})
        for d in data
    ]


def account_invite(*, user: User, site_url: str) -> bool:
    """E-mail a new official a link to set his own password (Django's reset token); False without e-mail."""
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    if not user.email:
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = site_url.rstrip("/") + reverse("console:password_reset_confirm", args=[uid, token])
    context = {"user": user, "link": link, "login_url": site_url.rstrip("/") + reverse("console:login")}
    subject = render_to_string("console/email/invite_subject.txt", context).strip()
    body = render_to_string("console/email/invite_body.txt", context)
    send_mail(subject, body, None, [user.email])
    return True
