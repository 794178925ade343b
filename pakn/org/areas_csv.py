"""The CSV format of a province's areas and agencies (`pakn import-areas --csv FILE`), read and validated.

One row per administrative unit (level province, district or commune) and, optionally, one row per extra
handling agency of the province (level department or enterprise). Columns (header row required, UTF-8):

    level,code,name,type,parent_code,legacy_codes,email,phone,categories

`level`, `code`, `name` and `parent_code` are required columns; the others may be left out. The bundled
files `pakn/org/data/lang-son-units-*.csv` are examples. Every problem is reported with its line number, in
Vietnamese, and nothing is imported while one remains. docs/configuration.md ("Any province") describes it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

AREA_LEVELS = ("province", "district", "commune")
AGENCY_LEVELS = ("department", "enterprise")
REQUIRED_COLUMNS = ("level", "code", "name", "parent_code")
OPTIONAL_COLUMNS = ("type", "legacy_codes", "email", "phone", "categories")
# Which level an area's parent may have (R-7.6: 2022 communes sit under districts, 2025 ones under the province).
AREA_PARENT_LEVELS = {"province": (), "district": ("province",), "commune": ("province", "district")}
AREA_CODE = re.compile(r"^[0-9A-Za-z]{1,10}$")
AGENCY_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ERRORS = 50


@dataclass
class OrgRows:
    """The rows of a valid file: areas (parents first) and extra agencies, each with its line number."""

    areas: list[dict[str, str]] = field(default_factory=list)
    agencies: list[dict[str, str]] = field(default_factory=list)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ValidationError(
            [f"Dòng {line}: tệp không phải mã UTF-8 (hãy lưu lại tệp CSV với mã UTF-8)."], code="encoding"
        ) from e


def _check_header(names: Sequence[str] | None) -> list[str]:
    if not names:
        raise ValidationError(["Dòng 1: tệp trống hoặc thiếu dòng tiêu đề cột."], code="empty")
    columns = [name.strip() for name in names]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    problems = []
    if missing:
        problems.append(f"Dòng 1: thiếu cột {', '.join(missing)}.")
    if unknown:
        allowed = ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
        problems.append(f"Dòng 1: cột không hợp lệ {', '.join(unknown)} (các cột dùng được: {allowed}).")
    if problems:
        raise ValidationError(problems, code="header")
    return columns


def _row_problems(row: dict[str, str], line: int, seen: dict[tuple[str, str], int]) -> list[str]:
    """The problems of one row that can be seen without the other rows."""
    level, code, name = row["level"], row["code"], row["name"]
    problems: list[str] = []
    if level not in AREA_LEVELS + AGENCY_LEVELS:
        choices = ", ".join(AREA_LEVELS + AGENCY_LEVELS)
        return [f"Dòng {line}: cấp “{level}” không hợp lệ (chọn một trong: {choices})."]
    is_area = level in AREA_LEVELS
    pattern = AREA_CODE if is_area else AGENCY_CODE
    if not pattern.match(code):
        rule = "1–10 chữ số hoặc chữ cái" if is_area else "chữ thường không dấu, số và dấu gạch ngang"
        problems.append(f"Dòng {line}: mã “{code}” không hợp lệ ({rule}).")
    key = ("area" if is_area else "agency", code)
    if code and key in seen:
        problems.append(f"Dòng {line}: mã “{code}” trùng với dòng {seen[key]}.")
    seen.setdefault(key, line)
    if not name:
        problems.append(f"Dòng {line}: thiếu tên.")
    elif len(name) > 200:
        problems.append(f"Dòng {line}: tên dài quá 200 ký tự.")
    if row.get("email"):
        try:
            validate_email(row["email"])
        except ValidationError:
            problems.append(f"Dòng {line}: thư điện tử “{row['email']}” không hợp lệ.")
    if is_area and (row.get("email") or row.get("phone") or row.get("categories")):
        problems.append(f"Dòng {line}: đơn vị hành chính không dùng các cột email, phone, categories.")
    return problems


def _area_problems(areas: list[dict[str, str]]) -> list[str]:
    problems: list[str] = []
    by_code = {row["code"]: row for row in areas}
    provinces = [row for row in areas if row["level"] == "province"]
    if len(provinces) != 1:
        lines = ", ".join(row["_line"] for row in provinces) or "không có"
        problems.append(f"Tệp phải có đúng một dòng cấp province (tỉnh); hiện có: {lines}.")
    for row in provinces:
        if row["code"] != settings.PAKN_PROVINCE_CODE:
            problems.append(
                f"Dòng {row['_line']}: mã tỉnh {row['code']} khác mã tỉnh đã cấu hình "
                f"(PAKN_PROVINCE_CODE={settings.PAKN_PROVINCE_CODE})."
            )
    for row in areas:
        allowed = AREA_PARENT_LEVELS[row["level"]]
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        if not allowed and row["parent_code"]:
            problems.append(f"Dòng {row['_line']}: cấp tỉnh không thuộc đơn vị nào (để trống parent_code).")
        elif allowed and not row["parent_code"]:
            problems.append(f"Dòng {row['_line']}: thiếu parent_code (mã đơn vị cấp trên).")
        elif allowed and parent is None:
            problems.append(
                f"Dòng {row['_line']}: đơn vị cấp trên “{row['parent_code']}” không có trong tệp."
            )
        elif parent is not None and parent["level"] not in allowed:
            problems.append(
                f"Dòng {row['_line']}: {row['level']} không thể thuộc {parent['level']} "
                f"(dòng {parent['_line']})."
            )
    return problems


def _agency_problems(
    agencies: list[dict[str, str]], known_agencies: set[str], categories: set[str]
) -> list[str]:
    problems: list[str] = []
    codes = known_agencies | {row["code"] for row in agencies}
    for row in agencies:
        if row["parent_code"] and row["parent_code"] not in codes:
            problems.append(
                f"Dòng {row['_line']}: cơ quan cấp trên “{row['parent_code']}” không có trong tệp "
                "và chưa có trong hệ thống."
            )
        for category in row.get("categories", "").split():
            if category not in categories:
                problems.append(f"Dòng {row['_line']}: lĩnh vực “{category}” không có trong hệ thống.")
    return problems


def org_rows_read(path: Path, *, known_agencies: set[str], categories: set[str]) -> OrgRows:
    """Read and check a whole file; raise one ValidationError listing every problem (line by line)."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ValidationError([f"Không đọc được tệp {path}: {e.strerror}."], code="unreadable") from e
    reader = csv.DictReader(io.StringIO(_decode(raw), newline=""))
    columns = _check_header(reader.fieldnames)
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    result = OrgRows()
    for values in reader:
        line = reader.line_num
        if None in values:
            problems.append(f"Dòng {line}: nhiều cột hơn dòng tiêu đề ({len(columns)} cột).")
            continue
        row = {c: (values.get(c) or "").strip() for c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
        if not any(row.values()):
            continue
        row["_line"] = str(line)
        row["name"] = row["name"][:1].upper() + row["name"][1:]  # "xã Bắc Sơn" (2025 list) reads "Xã Bắc Sơn"
        problems += _row_problems(row, line, seen)
        (result.areas if row["level"] in AREA_LEVELS else result.agencies).append(row)
    if not problems:
        problems += _area_problems(result.areas)
        problems += _agency_problems(result.agencies, known_agencies, categories)
    if problems:
        more = len(problems) - MAX_ERRORS
        shown = problems[:MAX_ERRORS] + ([f"… và {more} lỗi khác."] if more > 0 else [])
        raise ValidationError(shown, code="invalid_csv")
    result.areas.sort(key=lambda row: AREA_LEVELS.index(row["level"]))
    return result
