"""Accounts from a spreadsheet (R-3.1, R-13.1): .xlsx and .csv, a preview with per-row errors, creation of the
valid rows, and an e-mail with a link to set the password."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from pakn.console.services import SpreadsheetError, accounts_check, accounts_import, accounts_parse
from pakn.org.models import User
from tests.console.conftest import signed_in

pytestmark = pytest.mark.django_db
URL = "/console/quan-tri/nhap-tai-khoan/"

HEADER = ["Mã cơ quan", "Vai trò", "Họ và tên", "Điện thoại", "Thư điện tử", "Tên đăng nhập"]


def xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[str]], sep: str = ",") -> bytes:
    return "\n".join(sep.join(r) for r in [HEADER, *rows]).encode("utf-8-sig")


def good_rows(org) -> list[list[str]]:
    return [
        ["ioc", "operator", "Nguyễn Thị Hoa", "0912345678", "hoa@langson.gov.vn", "hoa.nt"],
        [org.commune.code, "Lãnh đạo", "Trần Văn Nam", "", "nam@langson.gov.vn", "nam.tv"],
    ]


def test_an_xlsx_file_is_read_with_headers_in_any_language(org, admin_user):
    rows = accounts_parse(name="ds.xlsx", data=xlsx(good_rows(org)))
    assert [r.values["username"] for r in rows] == ["hoa.nt", "nam.tv"]
    assert rows[0].line == 2 and rows[1].values["agency"] == org.commune.code
    checked = accounts_check(actor=admin_user, rows=rows)
    assert all(r.ok for r in checked)
    assert not User.objects.filter(username__in=["hoa.nt", "nam.tv"]).exists()  # checking creates nothing


def test_a_csv_with_semicolons_is_read(org, admin_user):
    rows = accounts_parse(name="ds.csv", data=csv_bytes(good_rows(org), sep=";"))
    assert [r.values["full_name"] for r in rows] == ["Nguyễn Thị Hoa", "Trần Văn Nam"]


def test_each_row_says_what_is_wrong(org, admin_user):
    User.objects.create_user(username="da.co", password="x-Da-co-12345")
    rows = accounts_parse(
        name="ds.csv",
        data=csv_bytes(
            [
                ["khong-co", "operator", "Lê A", "", "", "le.a"],
                [org.commune.code, "operator", "Lê B", "", "", "le.b"],
                ["ioc", "operator", "Lê C", "12345", "", "le.c"],
                ["ioc", "operator", "Lê D", "", "", "da.co"],
                ["ioc", "operator", "Lê E", "", "", "le.e"],
                ["ioc", "operator", "Lê E2", "", "", "LE.E"],
                ["ioc", "phi-cong", "Lê F", "", "", "le.f"],
            ]
        ),
    )
    checked = {r.values["username"]: r for r in accounts_check(actor=admin_user, rows=rows)}
    assert "Không có cơ quan mã “khong-co”" in " ".join(checked["le.a"].error_list())
    assert "không phù hợp với" in " ".join(checked["le.b"].error_list())
    assert "Số điện thoại không hợp lệ" in " ".join(checked["le.c"].error_list())
    assert "đã được dùng" in " ".join(checked["da.co"].error_list())
    assert checked["le.e"].ok
    assert "Trùng tên đăng nhập với dòng 6" in " ".join(checked["LE.E"].error_list())
    assert "Vai trò không hợp lệ" in " ".join(checked["le.f"].error_list())


def test_a_file_without_the_needed_columns_is_refused():
    with pytest.raises(SpreadsheetError, match="thiếu cột"):
        accounts_parse(name="ds.csv", data=b"ten,tuoi\nA,3\n")
    with pytest.raises(SpreadsheetError, match="Excel"):
        accounts_parse(name="ds.xlsx", data=b"not a zip")


def test_import_creates_the_valid_rows_only(org, admin_user):
    rows = accounts_parse(
        name="ds.csv", data=csv_bytes([*good_rows(org), ["x", "operator", "Sai", "", "", "sai"]])
    )
    done = accounts_import(actor=admin_user, rows=rows)
    assert [r.created for r in done] == [True, True, False]
    hoa = User.objects.get(username="hoa.nt")
    assert hoa.agency == org.ioc and hoa.role == "operator" and hoa.get_full_name() == "Nguyễn Thị Hoa"
    assert hoa.phone == "+84912345678" and hoa.has_usable_password()
    assert User.objects.get(username="nam.tv").role == "leader"


def test_only_the_administrator_imports(org):
    with pytest.raises(Exception, match="quản trị"):
        accounts_import(actor=org.operator, rows=accounts_parse(name="d.csv", data=csv_bytes(good_rows(org))))


def test_the_whole_flow_in_the_console_with_invitations(org, admin_user):
    client = signed_in(admin_user)
    upload = SimpleUploadedFile(
        "ds.xlsx", xlsx([*good_rows(org), ["ioc", "operator", "Lê X", "", "", "hoa.nt"]])
    )
    preview = client.post(URL, {"step": "upload", "file": upload, "send_email": "on"})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "2 dòng hợp lệ, 1 dòng có lỗi" in text and "Trùng tên đăng nhập với dòng 2" in text
    assert not User.objects.filter(username="hoa.nt").exists()
    result = client.post(URL, {"step": "confirm"})
    assert result.status_code == 200
    assert "Đã tạo 2 tài khoản; đã gửi 2 thư đặt mật khẩu" in result.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["hoa@langson.gov.vn", "nam@langson.gov.vn"]
    assert "/console/quen-mat-khau/" in mail.outbox[0].body
    # The preview is used once.
    again = client.post(URL, {"step": "confirm"})
    assert again.status_code == 302


def test_a_wrong_file_type_is_refused_beside_the_field(admin_user):
    client = signed_in(admin_user)
    response = client.post(URL, {"step": "upload", "file": SimpleUploadedFile("ds.pdf", b"%PDF-1.4")})
    assert response.status_code == 400 and "Chỉ nhận tệp .xlsx" in response.content.decode()
