"""Debug off by default, Vietnamese error pages, and one language per page whatever the browser says."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_a_wrong_address_gets_a_vietnamese_404_without_the_list_of_urls(client):
    response = client.get("/khong-co-trang-nay/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page
    assert "Về trang chủ" in page
    assert "URLconf" not in page and "admin/" not in page


def test_the_500_page_is_vietnamese_and_needs_no_context():
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in page
    assert "Traceback" not in page


def test_the_console_does_not_switch_to_english_for_an_english_browser(client):
    response = client.get("/console/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()


def test_the_language_switch_still_chooses_english(client):
    client.cookies["django_language"] = "en"
    response = client.get("/khong-co-trang-nay/")
    assert response["Content-Language"] == "en"


def test_an_unknown_language_cookie_falls_back_to_vietnamese(client):
    client.cookies["django_language"] = "xx"
    response = client.get("/khong-co-trang-nay/")
    assert response["Content-Language"] == "vi"
