"""Tables of figures, and their exports: .xlsx (openpyxl, formatted) and .csv (UTF-8 with BOM for Excel).

A page builds its Tables once; the HTML template, the workbook and the CSV file are all drawn from them, so
the three can never disagree.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pakn.core.exports import neutralise_formula
from pakn.stats.periods import local_zone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ("text", "int", "percent", "decimal", "datetime", "date")
NUMBER_FORMATS = {
    "int": "#,##0",
    "percent": "0.0%",
    "decimal": "#,##0.00",
    "datetime": "dd/mm/yyyy hh:mm",
    "date": "dd/mm/yyyy",
}


@dataclass(frozen=True)
class Column:
    header: str | Promise
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def csv_header(self) -> str:
        return f"{self.header} (%)" if self.kind == "percent" else str(self.header)

    @property
    def is_number(self) -> bool:
        return self.kind in ("int", "percent", "decimal")


@dataclass(frozen=True)
class Cell:
    """A value with the link to what is behind it (the list of reports of a figure)."""

    value: Any
    href: str = ""


def plain(value: Any) -> Any:
    return value.value if isinstance(value, Cell) else value


@dataclass
class Table:
    key: str  # a short ASCII name for URLs (?table=…) and file names
    name: str  # the sheet's name (31 characters at most) and the CSV file's suffix
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None  # a bold last row
    note: str = ""

    def __post_init__(self) -> None:
        if len(self.name) > 31:
            raise ValueError("an Excel sheet name has at most 31 characters")

    def add(self, *values: Any) -> None:
        if len(values) != len(self.columns):
            raise ValueError(f"{self.name}: {len(values)} values for {len(self.columns)} columns")
        self.rows.append(list(values))

    def only(self, *headers: str) -> Table:
        """The same table with only these columns (a narrower one for the printed page)."""
        keep = [i for i, c in enumerate(self.columns) if str(c.header) in headers]
        if len(keep) != len(headers):
            raise ValueError(f"{self.key}: unknown columns in {headers}")

        def pick(row: list[Any]) -> list[Any]:
            return [row[i] for i in keep]

        return Table(
            self.key,
            self.name,
            self.title,
            [self.columns[i] for i in keep],
            [pick(r) for r in self.rows],
            pick(self.total) if self.total is not None else None,
            self.note,
        )

    @property
    def all_rows(self) -> list[list[Any]]:
        return [*self.rows, *([self.total] if self.total is not None else [])]

    @property
    def numeric(self) -> list[bool]:
        return [c.is_number for c in self.columns]


# --- Values ---------------------------------------------------------------------------------------------------


def _local_naive(value: datetime) -> datetime:
    return timezone.localtime(value, local_zone()).replace(tzinfo=None) if timezone.is_aware(value) else value


def csv_value(value: Any, kind: str) -> Any:
    value = plain(value)
    if value is None:
        return ""
    if kind == "percent":
        return f"{float(value) * 100:.1f}"
    if kind == "decimal":
        return f"{float(value):.2f}"
    if isinstance(value, datetime):
        return _local_naive(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise_formula(str(value) if isinstance(value, Promise) else value)


def xlsx_value(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, Promise):
        return neutralise_formula(str(value))
    if isinstance(value, str):
        return neutralise_formula(value)
    if isinstance(value, datetime):
        return _local_naive(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    return value


# --- Files ------------------------------------------------------------------------------------------------------


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise_formula(str(c.csv_header)) for c in table.columns])
    for row in table.all_rows:
        writer.writerow([csv_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_response(table: Table, filename: str) -> HttpResponse:
    """One table as CSV, UTF-8 with a byte-order mark so Excel reads the Vietnamese letters right."""
    return _attachment(HttpResponse(csv_bytes(table), content_type="text/csv; charset=utf-8"), filename)


HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
TOTAL_FONT = Font(bold=True)


def _width(values: Iterable[Any], header: str | Promise) -> float:
    longest = max([len(str(header)), *(len(_shown(v)) for v in values)], default=10)
    return min(max(longest + 2, 8), 60)


def _shown(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return "00/00/0000 00:00"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def write_sheet(wb: Workbook, table: Table) -> None:
    ws = wb.create_sheet(str(table.name))
    ws.append([neutralise_formula(str(c.header)) for c in table.columns])
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in table.all_rows:
        ws.append([xlsx_value(v) for v in row])
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = _width((r[index - 1] for r in table.all_rows), column.header)
        fmt = NUMBER_FORMATS.get(column.kind)
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = fmt
    if table.total is not None:
        for cell in ws[ws.max_row]:
            cell.font = TOTAL_FONT
    ws.freeze_panes = "A2"
    if table.rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"


def xlsx_bytes(tables: Sequence[Table], *, title: str, info: Sequence[tuple[str, str]]) -> bytes:
    """A workbook: a first sheet «Thông tin» (what, for whom, which period, when), then one sheet per table."""
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = _("Thông tin")
    sheet.append([neutralise_formula(str(title))])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    for label, value in info:
        sheet.append([neutralise_formula(str(label)), neutralise_formula(str(value))])
        sheet.cell(sheet.max_row, 1).font = HEADER_FONT
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 90
    for table in tables:
        write_sheet(wb, table)
    wb.properties.title = str(title)
    wb.properties.creator = "PAKN"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response(
    tables: Sequence[Table], filename: str, *, title: str, info: Sequence[tuple[str, str]]
) -> HttpResponse:
    return _attachment(
        HttpResponse(xlsx_bytes(tables, title=title, info=info), content_type=XLSX_TYPE), filename
    )
