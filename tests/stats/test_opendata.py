"""The public open-data export (R-9.2, R-3.2): public reports only, public fields only, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.cache import cache

from pakn.stats.opendata import FIELDS

pytestmark = pytest.mark.urls("tests.stats.urls")
KEYS = [key for key, _ in FIELDS]


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def read_csv(response):
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def read_json(response):
    return json.loads(b"".join(response.streaming_content))


def test_csv_holds_every_public_report_with_its_public_fields(client, dataset):
    """R7 (abusive) and R13 (state secret) are left out; the other twelve are there, oldest first."""
    response = client.get("/du-lieu-mo/phan-anh.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(response)
    assert list(rows[0]) == KEYS
    names = {r.tracking_code: n for n, r in dataset.r.items()}
    assert [names[row["tracking_code"]] for row in rows] == [
        "R12", "R11", "R1", "R4", "R5", "R6", "R8", "R9", "R2", "R3", "R10", "R14",
    ]  # fmt: skip
    by_name = {names[row["tracking_code"]]: row for row in rows}
    r4 = by_name["R4"]
    assert r4["category"] == "Vệ sinh môi trường" and r4["commune"] == dataset.c2.area.name
    assert (r4["state"], r4["on_time"], r4["rating"]) == ("resolved", "false", "unsatisfied")
    assert (
        r4["created_at"] == "2026-04-06T08:00:00+07:00" and r4["resolved_at"] == "2026-04-08T11:00:00+07:00"
    )
    assert by_name["R1"]["on_time"] == "true" and by_name["R10"]["on_time"] == ""
    assert by_name["R8"]["state_label"] == "Đã hủy" and by_name["R8"]["resolved_at"] == ""


def test_no_personal_data_ever(client, dataset):
    """R-3.2: neither the reporter's name, address, phone, ID number nor the free text reaches open data."""
    from tests.conftest import VALID

    body = b"".join(client.get("/du-lieu-mo/phan-anh.csv").streaming_content).decode("utf-8-sig")
    body += b"".join(client.get("/du-lieu-mo/phan-anh.json").streaming_content).decode()
    for secret in (
        "Nguyễn Văn An",
        "Số 12 Lê Lợi",
        "0912345678",
        "912345678",
        "020123456789",
        VALID["content"][:20],
    ):
        assert secret not in body


def test_json_has_the_same_records(client, dataset):
    data = read_json(client.get("/du-lieu-mo/phan-anh.json"))
    assert set(data["fields"]) == set(KEYS)
    assert len(data["reports"]) == 12
    record = next(r for r in data["reports"] if r["tracking_code"] == dataset.r["R6"].tracking_code)
    assert record == {
        "tracking_code": dataset.r["R6"].tracking_code,
        "category": "Vệ sinh môi trường",
        "commune": dataset.org.commune_area.name,
        "state": "resolved",
        "state_label": "Đã xử lý",
        "created_at": "2026-04-09T08:00:00+07:00",
        "resolved_at": "2026-04-13T09:00:00+07:00",
        "agency": dataset.org.ioc.name,
        "on_time": True,  # a department's late opinion missed an internal target only (R-7.5 sets none)
        "rating": "satisfied",
        "rating_label": "Hài lòng",
    }


def test_a_date_range_in_local_days(client, dataset):
    """29 April: R2 at 08:00, R3 at 14:00 and R10 at 16:00 (09:00 UTC) are that local day."""
    data = read_json(client.get("/du-lieu-mo/phan-anh.json", {"from": "2026-04-29", "to": "2026-04-29"}))
    assert {r["tracking_code"] for r in data["reports"]} == dataset.code("R2", "R3", "R10")


def test_a_bad_range_is_refused_with_a_reason(client, dataset):
    response = client.get("/du-lieu-mo/phan-anh.json", {"from": "2026-04-30", "to": "2026-04-01"})
    assert response.status_code == 400
    assert response.json() == {"errors": {"to": "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."}}
    response = client.get("/du-lieu-mo/phan-anh.csv", {"from": "30/04/2026"})
    assert response.status_code == 400 and "YYYY-MM-DD" in response.content.decode()
    page = client.get("/du-lieu-mo/", {"from": "hôm qua"})
    assert page.status_code == 400 and "YYYY-MM-DD" in page.content.decode()


def test_the_index_page_explains_the_fields_and_links_the_files(client, dataset):
    html = client.get("/du-lieu-mo/").content.decode()
    assert "12 phản ánh" in html
    assert 'href="/du-lieu-mo/phan-anh.csv"' in html and 'href="/du-lieu-mo/phan-anh.json"' in html
    for key in KEYS:
        assert f"<code>{key}</code>" in html


def test_downloads_are_rate_limited(client, dataset, settings):
    settings.PAKN_OPENDATA_PER_ADDRESS = 2
    assert client.get("/du-lieu-mo/phan-anh.json").status_code == 200
    assert client.get("/du-lieu-mo/phan-anh.csv").status_code == 200
    refused = client.get("/du-lieu-mo/phan-anh.csv")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_the_export_is_read_in_a_fixed_number_of_queries(client, dataset, django_assert_max_num_queries):
    """No query per report: the CSV streams from one query (two with the rate limit's none)."""
    with django_assert_max_num_queries(3):
        read_csv(client.get("/du-lieu-mo/phan-anh.csv"))
