"""Every table as .xlsx and .csv (R-10.3, R-13.2): parsed back, they hold the hand-computed figures."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.stats.conftest import NOW

APRIL = {"period": "month", "year": "2026", "month": "4"}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def download(client, user, name, **params):
    client.force_login(user)
    response = client.get(reverse(f"stats:{name}"), params)
    assert response.status_code == 200, response.content[:300]
    return response


def workbook(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="pakn-')
    return load_workbook(io.BytesIO(response.content))


def rows(sheet):
    values = list(sheet.iter_rows(values_only=True))
    return values[0], values[1:]


def csv_rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark, so Excel reads Vietnamese"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_periodic_report_as_xlsx(client, dataset, frozen):
    wb = workbook(download(client, dataset.org.supervisor, "periodic", format="xlsx", **APRIL))
    assert wb.sheetnames == [
        "Thông tin",
        "Tổng hợp",
        "Tỷ lệ và thời gian",
        "Theo lĩnh vực",
        "Theo kênh",
        "Theo địa bàn",
        "Theo cơ quan",
        "Mức độ hài lòng",
        "Theo bước xử lý",
        "Cán bộ",  # each official's figures, for the supervisor and leaders
    ]
    assert rows(wb["Cán bộ"])[0][:4] == ("Cán bộ", "Vai trò", "Cơ quan", "Phản ánh đã xử lý")
    info = {r[0]: r[1] for r in wb["Thông tin"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert info["Phạm vi"] == "Toàn tỉnh" and info["Kỳ báo cáo"].startswith("tháng 4 năm 2026")

    sheet = wb["Tổng hợp"]
    header, body = rows(sheet)
    assert header == ("Chỉ tiêu", "Kỳ này", "Kỳ trước", "Tăng (+), giảm (−)", "Tỷ lệ tăng, giảm")
    table = {r[0].strip(): r[1:] for r in body}
    assert table["Số phản ánh tiếp nhận trong kỳ"][:3] == (10, 3, 7)
    assert table["Số phản ánh tiếp nhận trong kỳ"][3] == pytest.approx(7 / 3)
    # R6 is on time: its department's late opinion missed an internal target, not a deadline of Decision 826.
    assert table["trong đó: xử lý đúng hạn"][:3] == (3, 1, 2)
    assert table["trong đó: xử lý trễ hạn"][:3] == (2, 1, 1)
    assert table["trong đó: đã quá hạn"] == (1, 0, 1, None)
    assert table["Số phản ánh từ chối tiếp nhận"][:2] == (1, 0)
    assert table["Số phản ánh hủy do không bổ sung thông tin"][:2] == (1, 0)
    # Formatting: bold header, frozen header row, number formats, widths.
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet["B2"].number_format == "#,##0" and sheet["E2"].number_format == "0.0%"
    assert sheet.column_dimensions["A"].width > 30

    header, body = rows(wb["Theo lĩnh vực"])
    assert header[:5] == ("Lĩnh vực", "Tiếp nhận", "Đã xử lý", "Đúng hạn", "Trễ hạn")
    by_cat = {r[0]: r[1:] for r in body}
    assert by_cat["Vệ sinh môi trường"] == (5, 4, 3, 1, 1, 0, 0, 1)
    assert by_cat["An toàn giao thông"] == (3, 1, 0, 1, 2, 1, 0, 0)
    assert by_cat["An ninh, trật tự"] == (2, 0, 0, 0, 1, 0, 1, 0)
    assert by_cat["Tổng cộng"] == (10, 5, 3, 2, 4, 1, 1, 1)

    rates = {r[0]: r[1:] for r in rows(wb["Tỷ lệ và thời gian"])[1]}
    assert rates["Thời gian xử lý — trung vị (giờ)"][0] == pytest.approx(23)
    assert rates["Thời gian xử lý — 90% phản ánh trong vòng (giờ)"][0] == pytest.approx(78.6)
    assert rates["Tỷ lệ hài lòng (%)"] == (60.0, 0.0)

    agencies = {r[0]: r for r in rows(wb["Theo cơ quan"])[1]}
    c1 = agencies[dataset.c1.name]
    assert c1[2:10] == (6, 3, 3, 0, 3, 1, 0, 0)
    assert c1[10] == 10 and c1[11] == pytest.approx(1.0) and c1[12] == 3

    sat = {r[0]: r[1:] for r in rows(wb["Mức độ hài lòng"])[1]}
    assert sat["Hài lòng"][:2] == (3, pytest.approx(0.6))
    steps = {r[0]: r[1:] for r in rows(wb["Theo bước xử lý"])[1]}
    assert steps["Tổng cộng"][:3] == (23, 20, 3)  # steps with a deadline of Decision 826 only


def test_periodic_report_tables_as_csv(client, dataset, frozen):
    data = csv_rows(
        download(client, dataset.org.supervisor, "periodic", format="csv", table="channel", **APRIL)
    )
    assert data[0] == [
        "Kênh tiếp nhận",
        "Tiếp nhận",
        "Đã xử lý",
        "Đúng hạn",
        "Trễ hạn",
        "Đang xử lý cuối kỳ",
        "Quá hạn cuối kỳ",
        "Từ chối",
        "Hủy",
    ]
    by_channel = {r[0]: r[1:] for r in data[1:]}
    assert by_channel["Cổng thông tin"] == ["5", "2", "1", "1", "2", "0", "0", "1"]
    assert by_channel["Ứng dụng di động"] == ["4", "2", "1", "1", "2", "1", "1", "0"]
    assert by_channel["Cán bộ nhập"] == ["1", "1", "1", "0", "0", "0", "0", "0"]
    assert by_channel["Tổng cộng"] == ["10", "5", "3", "2", "4", "1", "1", "1"]
    summary = csv_rows(
        download(client, dataset.org.supervisor, "periodic", format="csv", table="summary", **APRIL)
    )
    assert summary[0][-1] == "Tỷ lệ tăng, giảm (%)"
    assert summary[1] == ["Số phản ánh tiếp nhận trong kỳ", "10", "3", "7", "233.3"]


def test_dashboard_as_xlsx(client, dataset, frozen):
    wb = workbook(download(client, dataset.org.supervisor, "dashboard", format="xlsx", **APRIL))
    per_day = {r[0]: r[1] for r in rows(wb["Theo ngày"])[1]}
    assert per_day["Tổng cộng"] == 10 and len(per_day) == 31
    handling = rows(wb["Thời gian xử lý"])[1][0]
    assert handling[0] == 5 and handling[1] == pytest.approx(23) and handling[2] == pytest.approx(78.6)
    assert handling[3] == pytest.approx(36.1)
    cells = {(r[0], r[1]): r[2] for r in rows(wb["Bản đồ"])[1]}
    assert cells == {(21.85, 106.76): 7, (21.84, 106.75): 2}
    overdue = {r[0]: r[1] for r in rows(wb["Quá hạn hiện nay"])[1]}
    assert overdue == {dataset.c1.name: 1, dataset.c2.name: 1, "Tổng cộng": 2}
    states = {r[0]: r[1] for r in rows(wb["Theo trạng thái"])[1]}
    assert states == {"Đã xử lý": 7, "Đang xử lý": 1, "Từ chối tiếp nhận": 1, "Đã hủy": 1, "Tổng cộng": 10}


def test_ranking_as_xlsx_and_csv(client, dataset, frozen, settings):
    settings.PAKN_RANK_WEIGHTS = {"on_time": 40, "resolution": 30, "satisfaction": 30, "overdue": 1}
    wb = workbook(download(client, dataset.org.supervisor, "ranking", format="xlsx", **APRIL))
    header, body = rows(wb["Xếp hạng"])
    assert header[:4] == ("Hạng", "Cơ quan", "Loại", "Điểm")
    ranked = [(r[0], r[1], r[3]) for r in body if r[0] is not None]
    assert ranked == [
        (1, dataset.org.ioc.name, 96.36),
        (2, dataset.c1.name, 79.0),
        (3, dataset.c2.name, 15.0),
    ]
    info = {r[0]: r[1] for r in wb["Thông tin"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert "40 × tỷ lệ bước đúng hạn" in info["Công thức"]
    data = csv_rows(
        download(client, dataset.org.supervisor, "ranking", format="csv", kind="commune", **APRIL)
    )
    c1 = next(r for r in data if r[1] == dataset.c1.name)
    assert c1[:4] == ["1", dataset.c1.name, "UBND cấp xã", "79.00"]
    assert c1[4:7] == ["10", "10", "100.0"]


def test_late_cases_as_xlsx_and_csv(client, dataset, frozen):
    wb = workbook(download(client, dataset.org.supervisor, "late", format="xlsx", **APRIL))
    header, body = rows(wb["Trễ hạn"])
    assert header == (
        "Mã phản ánh",
        "Cơ quan",
        "Bước",
        "Tình trạng",
        "Hạn",
        "Thực hiện lúc",
        "Trễ (giờ thực tế)",
        "Trễ (ngày làm việc)",
        "Giải trình của cơ quan",
        "Người giải trình",
    )
    assert len(body) == 4  # R4's assignment and verification, R5's triage, R9's verification pending
    r9 = next(r for r in body if r[0] == dataset.r["R9"].tracking_code)
    assert r9[3] == "Chưa thực hiện, đã quá hạn" and r9[5] is None and r9[7] == pytest.approx(5.87)
    assert r9[4].strftime("%d/%m/%Y %H:%M") == "21/04/2026 08:30"  # local time in the sheet
    data = csv_rows(download(client, dataset.org.supervisor, "late", format="csv", **APRIL))
    r4 = [r for r in data if r[0] == dataset.r["R4"].tracking_code]
    assert sorted((r[2], r[4], r[5], r[7]) for r in r4) == [
        ("Phân công xử lý", "2026-04-06 09:10", "2026-04-06 10:10", "0.13"),
        ("Xác minh, báo cáo kết quả", "2026-04-07 10:10", "2026-04-08 10:10", "1.00"),
    ]


def test_the_list_behind_a_figure_as_csv(client, dataset, frozen):
    data = csv_rows(download(client, dataset.org.supervisor, "reports", figure="open", format="csv", **APRIL))
    assert {r[0] for r in data[1:]} == dataset.code("R2", "R3", "R9", "R10")
    assert data[0][0] == "Mã phản ánh"


def test_a_leaders_export_holds_only_his_subtree(client, dataset, frozen):
    """R-14.2: C1's leader downloads the periodic report: his agency only, never C2 or the province."""
    wb = workbook(download(client, dataset.org.commune_leader, "periodic", format="xlsx", **APRIL))
    info = {r[0]: r[1] for r in wb["Thông tin"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert info["Phạm vi"] == dataset.c1.name
    agencies = [r[0] for r in rows(wb["Theo cơ quan"])[1]]
    assert agencies == [dataset.c1.name]
    summary = {r[0].strip(): r[1] for r in rows(wb["Tổng hợp"])[1]}
    assert summary["Số phản ánh tiếp nhận trong kỳ"] == 6
    everything = " ".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
    )
    assert dataset.c2.name not in everything and dataset.org.departments[1].name not in everything
