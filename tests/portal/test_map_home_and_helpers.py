"""The map and its data (R-9.2), the home page's public summary, and the helpers of the form: reports nearby
("is it one of these?") and a commune suggested from the pin."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.urls import reverse

from pakn.org.models import Category
from pakn.portal.selectors import public_summary
from pakn.reports import services
from pakn.reports.workflow import ReporterActor
from tests.conftest import VALID, at, page_text

NOW = at("2026-03-20 10:00")


def test_the_map_page_loads_leaflet_lazily_from_our_static_files(client, db):
    response = client.get(reverse("portal:map"), {"linh_vuc": "y-te"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-leaflet-js="/static/vendor/leaflet/leaflet.js"' in html
    assert '<script src="/static/vendor/leaflet' not in html  # loaded by map.js only when needed
    assert 'data-points="/ban-do/du-lieu.json?linh_vuc=y-te"' in html
    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html


def test_the_tile_server_is_a_setting(client, db, settings):
    settings.PAKN_TILE_URL = "https://ban-do.langson.gov.vn/tiles/{z}/{x}/{y}.png"
    assert (
        'data-tiles="https://ban-do.langson.gov.vn/tiles/{z}/{x}/{y}.png"'
        in client.get(reverse("portal:map")).content.decode()
    )


def test_map_data_has_only_public_fields_of_public_reports_with_a_place(client, org, reports):
    shown, _ = reports.routed(content="Cây đổ chắn đường, gọi 0912 000 111")  # text public once triaged
    reports.received(latitude=None, longitude=None)  # no pin: not on the map
    hidden, _ = reports.received()
    services.report_mark(report=hidden, actor=org.operator, mark="state_secret")
    data = client.get(reverse("portal:map_data")).json()
    assert data["count"] == 1 and data["truncated"] is False
    point = data["reports"][0]
    assert set(point) == {
        "code",
        "lat",
        "lng",
        "state",
        "state_label",
        "tone",
        "category",
        "area",
        "summary",
        "date",
        "url",
    }
    assert point["code"] == shown.tracking_code and point["lat"] == 21.8537 and point["lng"] == 106.7615
    assert point["url"] == f"/phan-anh/{shown.tracking_code}/" and point["state_label"] == "Chờ phân công"
    assert "0912 000 111" not in point["summary"] and "[số đã ẩn]" in point["summary"]


def test_map_data_follows_the_filters_and_is_bounded(client, org, reports):
    from pakn.portal import selectors

    other = Category.objects.exclude(pk=org.category.pk).first()
    reports.received()
    b, _ = reports.received(category=other)
    data = client.get(reverse("portal:map_data"), {"linh_vuc": other.code}).json()
    assert [p["code"] for p in data["reports"]] == [b.tracking_code]
    capped = selectors.map_points(selectors.PublicFilters(), now=NOW, limit=1)
    assert capped["count"] == 1 and capped["truncated"] is True


def test_the_map_data_is_compressed_for_slow_connections(client, reports):
    for _ in range(5):
        reports.received()
    response = client.get(reverse("portal:map_data"), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < len(client.get(reverse("portal:map_data")).content) / 2


def test_the_home_page_has_the_button_the_lookup_and_an_empty_summary(client, db):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("portal:submit")}"' in html and 'name="ma"' in html
    assert "Chưa có phản ánh nào được công khai." in html
    assert response.context["summary"].on_time_percent is None


def test_the_public_summary_counts_this_month_this_year_on_time_and_satisfaction(client, org, reports):
    """R-9.2 summary: a report is on time when every step met its deadline; satisfaction from ratings."""
    reports.rated("satisfied", now=at("2026-03-02 08:00"))  # every step on time
    late, _ = reports.received(now=at("2026-03-03 08:00"))
    services.report_forward(report=late, actor=org.operator, now=at("2026-03-03 11:00"))  # triage late
    services.report_assign(
        report=late, actor=org.commune_leader, officer=org.officer, now=at("2026-03-03 11:10")
    )
    services.report_submit_result(
        report=late, actor=org.officer, result_text="Xong.", now=at("2026-03-03 14:00")
    )
    services.report_approve(report=late, actor=org.commune_leader, now=at("2026-03-03 15:00"))
    services.report_rate(
        report=late,
        actor=ReporterActor(late.pk),
        rating="unsatisfied",
        note="Chưa xong.",
        now=at("2026-03-03 16:00"),
    )
    reports.received(now=at("2026-02-10 08:00"))  # this year, not this month
    reports.received(now=at("2025-12-10 08:00"))  # last year
    hidden, _ = reports.received(now=at("2026-03-05 08:00"))
    services.report_mark(report=hidden, actor=org.operator, mark="state_secret")

    summary = public_summary(now=NOW, use_cache=False)
    assert (summary.this_month, summary.this_year) == (2, 3)
    assert (summary.resolved_this_year, summary.on_time_this_year, summary.on_time_percent) == (2, 1, 50)
    assert (
        summary.rated_this_year == 2 and summary.satisfied_percent == 50 and summary.unsatisfied_percent == 50
    )
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("portal:home")).content.decode()
    assert "50%" in html and "trên 2 phản ánh có kết quả" in html and "2 lượt đánh giá" in html


def test_nearby_reports_of_the_same_category_are_offered_before_sending(client, org, reports):
    """«Is it one of these?»: same category, open and sent in the last 30 days or resolved in the last 30
    days (issue 14, item 9: marked resolved), within 1 km of the pin or in the commune."""
    other = Category.objects.exclude(pk=org.category.pk).first()
    near, _ = reports.received(now=NOW - timedelta(days=3), latitude=21.8540, longitude=106.7620, area=None)
    reports.received(now=NOW - timedelta(days=3), category=other)  # another category
    reports.received(now=NOW - timedelta(days=40))  # too old
    far, _ = reports.received(now=NOW - timedelta(days=2), latitude=21.95, longitude=106.9, area=None)
    done, _ = reports.resolved(now=at("2026-03-16 08:00"))  # resolved four days ago: offered, marked
    long_done, _ = reports.resolved(now=at("2026-02-02 08:00"))  # resolved 46 days ago
    params = {"category": org.category.pk, "latitude": "21.8537", "longitude": "106.7615"}
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("portal:duplicates"), params)
    found = [n.report.tracking_code for n in response.context["nearby"]]
    assert found == [done.tracking_code, near.tracking_code]  # nearest first (the resolved one is at the pin)
    html = response.content.decode()
    assert "Có phải sự việc bạn định phản ánh" in html
    assert html.count("Đã xử lý xong ngày 16/03/2026") == 1
    assert far.tracking_code not in found and long_done.tracking_code not in found


def test_the_same_commune_counts_as_nearby_without_a_pin(client, org, reports):
    in_commune, _ = reports.received(now=NOW - timedelta(days=1), latitude=None, longitude=None)
    with time_machine.travel(NOW, tick=False):
        response = client.get(
            reverse("portal:duplicates"), {"category": org.category.pk, "area": org.commune_area.pk}
        )
    assert [n.report.tracking_code for n in response.context["nearby"]] == [in_commune.tracking_code]


def test_nothing_nearby_says_so(client, org, db):
    response = client.get(
        reverse("portal:duplicates"), {"category": org.category.pk, "area": org.commune_area.pk}
    )
    assert response.context["nearby"] == []
    assert "Chưa thấy phản ánh tương tự" in response.content.decode()
    assert client.get(reverse("portal:duplicates")).context["nearby"] == []  # no category yet


def test_no_commune_is_guessed_from_earlier_reports_without_boundaries(client, org, reports):
    """Issue 14.1: the old guess (the commune of the nearest earlier report) misrouted reports."""
    reports.received(latitude=21.8537, longitude=106.7615, area=org.other_commune.area)
    data = client.get(reverse("portal:commune_suggest"), {"lat": "21.8540", "lng": "106.7617"}).json()
    assert data == {"area": None}


def test_the_commune_is_the_one_whose_boundary_holds_the_pin(client, org):
    from pakn.org.boundaries import boundaries_import
    from tests.support_boundaries import IN_LUONG_VAN_TRI, OUTSIDE, boundary_file

    boundaries_import(data=boundary_file(), actor=None)
    lat, lng = IN_LUONG_VAN_TRI
    data = client.get(reverse("portal:commune_suggest"), {"lat": str(lat), "lng": str(lng)}).json()
    assert data["name"] == "Phường Lương Văn Tri"
    assert data["area"] == org.other_commune.area.pk
    lat, lng = OUTSIDE
    assert client.get(reverse("portal:commune_suggest"), {"lat": str(lat), "lng": str(lng)}).json() == {
        "area": None
    }
    assert client.get(reverse("portal:commune_suggest"), {"lat": "abc", "lng": "1"}).status_code == 400
    assert client.get(reverse("portal:commune_suggest"), {"lat": "91", "lng": "1"}).status_code == 400


def test_personal_data_is_not_even_loaded_for_public_pages(client, reports, django_assert_max_num_queries):
    """The public selectors defer every personal column: no page decrypts a reporter's data."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reports.resolved()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("portal:list"))
        client.get(reverse("portal:map_data"))
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "reporter_name" not in sql and "reporter_phone" not in sql and "reporter_id_number" not in sql
    assert VALID["reporter_name"] not in page_text(client.get(reverse("portal:list")))


def test_file_sizes_read_as_people_read_them():
    """Issue 14.6: a 40 kB photo showed as "(0,0 MB)"."""
    from pakn.portal.templatetags.portal import megabytes

    assert megabytes(40 * 1024) == "40 kB"
    assert megabytes(300) == "300 B"
    assert megabytes(1536 * 1024) == "1,5 MB"
    assert megabytes(0) == "0 B"
