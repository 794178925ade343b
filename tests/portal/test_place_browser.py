"""Where it happened (issue 14.1, 14.11): the commune follows the pin until the citizen chooses, only imported
boundaries name it, a photo's GPS places the pin, and without boundaries nothing is pre-selected."""

from __future__ import annotations

from typing import Any

import pytest

from pakn.org.boundaries import boundaries_import
from pakn.org.models import Area
from tests.conftest import wait_until
from tests.console.test_browser import no_tiles
from tests.support_boundaries import IN_DONG_KINH, IN_LUONG_VAN_TRI, boundary_file, jpeg_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def selected_commune(page: Any) -> str:
    return page.eval_on_selector("#id_area", "el => el.value ? el.options[el.selectedIndex].text : ''")


def locate_at(page: Any, point: tuple[float, float]) -> None:
    page.context.set_geolocation({"latitude": point[0], "longitude": point[1]})
    page.click("#use-location")


def test_the_commune_follows_the_pin_until_the_citizen_chooses(phone_page, org):
    boundaries_import(data=boundary_file(), actor=None)
    no_tiles(phone_page)
    phone_page.goto("/gui-phan-anh/")
    hint = phone_page.locator("#area-suggestion")

    # A photo taken on the spot: its GPS places the pin (Lương Văn Tri), which names the commune.
    phone_page.set_input_files(
        "#id_attachments",
        files=[{"name": "anh.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps(*IN_LUONG_VAN_TRI)}],
    )
    wait_until(phone_page, "document.getElementById('id_area').value !== ''")
    assert selected_commune(phone_page) == "Phường Lương Văn Tri"
    assert "thuộc Phường Lương Văn Tri" in hint.inner_text()
    lat = float(phone_page.input_value("#id_latitude"))
    assert abs(lat - IN_LUONG_VAN_TRI[0]) < 0.0005

    # Moving the pin moves the commune, although the list has a value.
    locate_at(phone_page, IN_DONG_KINH)
    wait_until(
        phone_page, "document.getElementById('id_area').selectedOptions[0].text === 'Phường Đông Kinh'"
    )
    assert hint.inner_text() == "Theo ranh giới hành chính, vị trí đã ghim thuộc Phường Đông Kinh."

    # Once the citizen chooses, the choice stays; the hint asks to check it, it never pretends to agree.
    phone_page.select_option("#id_area", label="Phường Tam Thanh")
    locate_at(phone_page, IN_LUONG_VAN_TRI)
    wait_until(
        phone_page, "document.getElementById('area-suggestion').textContent.indexOf('Lương Văn Tri') >= 0"
    )
    assert selected_commune(phone_page) == "Phường Tam Thanh"
    assert "Vui lòng kiểm tra lại xã, phường bạn chọn" in hint.inner_text()


def test_without_boundaries_nothing_is_preselected(phone_page, org, reports):
    reports.received(latitude=IN_DONG_KINH[0], longitude=IN_DONG_KINH[1], area=org.other_commune.area)
    no_tiles(phone_page)
    phone_page.goto("/gui-phan-anh/")
    locate_at(phone_page, IN_DONG_KINH)
    wait_until(phone_page, "document.getElementById('id_latitude').value !== ''")
    phone_page.wait_for_load_state("networkidle")
    assert phone_page.input_value("#id_area") == ""
    assert phone_page.inner_text("#area-suggestion").strip() == ""
    assert Area.objects.filter(boundary__isnull=False).count() == 0
