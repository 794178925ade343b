"""The public list (R-9.2): filters by category, commune, status, period and text; pages; empty states."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.urls import reverse

from pakn.org.models import Category
from pakn.portal.selectors import PAGE_SIZE
from pakn.reports import services
from tests.conftest import at

URL = reverse("portal:list")
NOW = at("2026-03-20 10:00")


def codes(response):
    return [item.tracking_code for item in response.context["items"]]


def get(client, **params):
    with time_machine.travel(NOW, tick=False):
        return client.get(URL, params)


def test_an_empty_list_says_so_and_invites_a_first_report(client, db):
    response = get(client)
    assert response.status_code == 200
    assert "portal/list.html" in [t.name for t in response.templates]
    assert "Chưa có phản ánh nào được công khai." in response.content.decode()


def test_a_filter_with_no_match_says_so_and_offers_to_clear(client, reports):
    reports.received()
    html = get(client, q="không-có-từ-này").content.decode()
    assert "Không có phản ánh nào phù hợp với bộ lọc." in html and "Xóa bộ lọc" in html


def test_newest_first_without_secret_or_abusive_reports(client, org, reports):
    """R-9.2: state secrets and reports marked abusive are never listed."""
    older, _ = reports.received(now=at("2026-03-02 08:00"))
    newer, _ = reports.received(now=at("2026-03-03 08:00"))
    secret_one, _ = reports.received(now=at("2026-03-04 08:00"))
    abusive, _ = reports.received(now=at("2026-03-05 08:00"))
    services.report_mark(report=secret_one, actor=org.operator, mark="state_secret")
    services.report_mark(report=abusive, actor=org.operator, mark="abusive")
    assert codes(get(client)) == [newer.tracking_code, older.tracking_code]


def test_filter_by_category_and_commune(client, org, reports):
    other_category = Category.objects.exclude(pk=org.category.pk).first()
    a, _ = reports.received()
    b, _ = reports.received(category=other_category)
    c, _ = reports.received(area=org.other_commune.area)
    assert codes(get(client, linh_vuc=other_category.code)) == [b.tracking_code]
    assert codes(get(client, xa=org.other_commune.area.code)) == [c.tracking_code]
    assert set(codes(get(client, linh_vuc=org.category.code, xa=org.commune_area.code))) == {a.tracking_code}


def test_filter_by_status_a_state_open_or_overdue(client, reports):
    received, _ = reports.received(now=at("2026-03-20 09:30"))  # triage due 10:30: not overdue at 10:00
    late, _ = reports.received(now=at("2026-03-19 08:00"))  # due 09:00 yesterday: overdue
    done, _ = reports.resolved(now=at("2026-03-02 08:00"))
    assert set(codes(get(client, trang_thai="resolved"))) == {done.tracking_code}
    assert set(codes(get(client, trang_thai="open"))) == {received.tracking_code, late.tracking_code}
    assert codes(get(client, trang_thai="overdue")) == [late.tracking_code]
    assert "Quá hạn" in get(client, trang_thai="overdue").content.decode()


def test_filter_by_period(client, reports):
    this_week, _ = reports.received(now=NOW - timedelta(days=2))
    this_month, _ = reports.received(now=at("2026-03-02 08:00"))
    last_month, _ = reports.received(now=at("2026-02-10 08:00"))
    last_year, _ = reports.received(now=at("2025-12-30 08:00"))
    assert codes(get(client, thoi_gian="7d")) == [this_week.tracking_code]
    assert set(codes(get(client, thoi_gian="month"))) == {this_week.tracking_code, this_month.tracking_code}
    assert codes(get(client, thoi_gian="last_month")) == [last_month.tracking_code]
    assert len(codes(get(client, thoi_gian="year"))) == 3
    assert codes(get(client, thoi_gian="last_year")) == [last_year.tracking_code]


def test_filter_by_text_or_code(client, reports):
    pothole, _ = reports.routed(content="Ổ gà rất sâu trên đường Bà Triệu")  # triaged: its text is public
    rubbish, _ = reports.received(content="Rác thải tồn đọng ở chợ")
    assert codes(get(client, q="Bà Triệu")) == [pothole.tracking_code] == codes(get(client, q="ba trieu"))
    assert codes(get(client, q="rac thai")) == []  # not triaged yet: only its place is public text
    assert codes(get(client, q=rubbish.tracking_code.replace("-", "").lower())) == [rubbish.tracking_code]


def test_unknown_filter_values_are_ignored_not_an_error(client, org, reports):
    reports.received()
    response = get(client, linh_vuc="khong-co", trang_thai="bogus", thoi_gian="forever")
    assert response.status_code == 200 and len(codes(response)) == 1
    other = Category.objects.exclude(pk=org.category.pk).first()
    response = get(client, linh_vuc=other.code, trang_thai="bogus")  # the valid filter still applies
    assert codes(response) == []


def test_pages_keep_the_filters(client, org, reports):
    for i in range(PAGE_SIZE + 3):
        reports.received(now=at("2026-03-02 08:00") + timedelta(minutes=i))
    first = get(client, linh_vuc=org.category.code)
    assert len(codes(first)) == PAGE_SIZE
    html = first.content.decode()
    assert f'href="?linh_vuc={org.category.code}&amp;trang=2"' in html
    second = get(client, linh_vuc=org.category.code, trang=2)
    assert len(codes(second)) == 3
    assert not set(codes(first)) & set(codes(second))
    assert len(codes(get(client, trang=99))) == 3  # past the end: the last page


def test_htmx_gets_only_the_results(client, reports):
    reports.received()
    with time_machine.travel(NOW, tick=False):
        response = client.get(URL, {"q": "Trần"}, HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "portal/partials/report_list.html"
    assert "<html" not in response.content.decode()


def test_the_list_reads_a_bounded_number_of_queries(client, org, reports, django_assert_max_num_queries):
    """No N+1: category, commune and agency come with the reports."""
    for i in range(PAGE_SIZE):
        reports.resolved(now=at("2026-03-02 08:00") + timedelta(minutes=i))
    with django_assert_max_num_queries(8):
        response = get(client, trang_thai="resolved")
    assert len(codes(response)) == PAGE_SIZE
