"""Lists people scan (issue 14, item 12; R-9.2, R-3.2): list thumbnails of public photos only, made once and
cached, gone with a moderator's replacement; the home page's reports near a point, rounded to about 1 km."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from pakn.reports import services
from pakn.reports.media import thumbnail_name
from tests.portal.conftest import add_photo, jpeg_bytes


def _items(client, path="/phan-anh/"):
    return {
        item.tracking_code: item for item in client.get(path).context["items" if path != "/" else "latest"]
    }


def test_a_list_thumbnail_is_a_small_copy_of_the_public_photo_made_once(client, org, reports):
    """R-9.2: the list shows a 160 px copy of the EXIF-free public copy (never the original), made on first
    request, kept, and served with a public cache lifetime."""
    report, _ = reports.resolved(now=timezone.now() - timedelta(days=1))
    photo = add_photo(report, jpeg_bytes(size=(1600, 1200), gps=True, artist="Nguyễn Văn An"))
    url = _items(client)[report.tracking_code].thumbnail
    assert url.startswith(
        reverse("portal:photo_sized", args=[report.tracking_code, photo.pk, "mini"]) + "?v="
    )
    assert _items(client, "/")[report.tracking_code].thumbnail == url
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=86400"
    image = Image.open(__import__("io").BytesIO(b"".join(response.streaming_content)))
    assert max(image.size) == 160 and not image.getexif()  # small, without the GPS and the author
    stored = thumbnail_name(photo, 160)
    assert default_storage.exists(stored)
    made = default_storage.get_modified_time(stored)
    assert client.get(url).status_code == 200
    assert default_storage.get_modified_time(stored) == made  # not made again


def test_no_thumbnail_before_triage_nor_of_a_withdrawn_photo(client, org, reports):
    """Issue 10: a photo is not public before the IOC accepts the report; a withdrawn one never again."""
    received, _ = reports.received(now=timezone.now() - timedelta(hours=1))
    early = add_photo(received, jpeg_bytes())
    resolved, _ = reports.resolved(now=timezone.now() - timedelta(days=1))
    photo = add_photo(resolved, jpeg_bytes())
    items = _items(client)
    assert items[received.tracking_code].thumbnail == ""
    assert items[resolved.tracking_code].thumbnail
    assert (
        client.get(reverse("portal:photo_sized", args=[received.tracking_code, early.pk, "mini"])).status_code
        == 404
    )

    services.report_redact_photo(report=resolved, actor=org.operator, attachment=photo.pk, note="Biển số xe.")
    assert _items(client)[resolved.tracking_code].thumbnail == ""
    assert (
        client.get(reverse("portal:photo_sized", args=[resolved.tracking_code, photo.pk, "mini"])).status_code
        == 404
    )


def test_a_moderators_replacement_gets_new_thumbnails_and_the_old_ones_are_deleted(
    client, org, reports, django_capture_on_commit_callbacks
):
    """R-3.2: after a photo is replaced by an edited copy, its earlier thumbnail is neither served nor kept;
    lists show no photo a moderator touched (the report's page shows the edited copy)."""
    report, _ = reports.resolved(now=timezone.now() - timedelta(days=1))
    photo = add_photo(report, jpeg_bytes())
    before = thumbnail_name(photo, 160)
    assert client.get(_items(client)[report.tracking_code].thumbnail).status_code == 200
    assert default_storage.exists(before)
    edited = SimpleUploadedFile("da-che.jpg", jpeg_bytes(size=(80, 60)), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_redact_photo(
            report=report, actor=org.operator, attachment=photo.pk, replacement=edited, note="Che mặt người."
        )
    photo.refresh_from_db()
    assert not default_storage.exists(before)
    assert thumbnail_name(photo, 160) != before
    assert _items(client)[report.tracking_code].thumbnail == ""
    detail = client.get(reverse("portal:photo_sized", args=[report.tracking_code, photo.pk, "nho"]))
    assert detail.status_code == 200 and default_storage.exists(thumbnail_name(photo, 480))


@pytest.mark.parametrize("query", [{}, {"lat": "abc", "lng": "106"}, {"lat": "95", "lng": "106"}])
def test_near_me_refuses_a_point_that_is_not_one(client, db, query):
    assert client.get(reverse("portal:map_near"), query).status_code == 400


def test_near_me_lists_public_reports_around_a_rounded_point_without_personal_data(client, org, reports):
    """The point is rounded to two decimals (about 1 km) by the server too, so answers are shared and cached;
    reports within the radius come nearest first, far ones and state secrets never."""
    near, _ = reports.routed(now=timezone.now() - timedelta(days=2))  # 21.8537, 106.7615
    close, _ = reports.routed(now=timezone.now() - timedelta(days=1), latitude=21.858, longitude=106.768)
    far, _ = reports.routed(now=timezone.now() - timedelta(days=1), latitude=22.3, longitude=106.3)
    secret, _ = reports.routed(now=timezone.now() - timedelta(days=1))
    services.report_mark(report=secret, actor=org.operator, mark="state_secret")
    response = client.get(reverse("portal:map_near"), {"lat": "21.85371234", "lng": "106.76149876"})
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    data = response.json()
    assert [p["code"] for p in data["reports"]] == [near.tracking_code, close.tracking_code]
    assert data["radius_km"] == 2.0
    body = response.content.decode()
    assert far.tracking_code not in body and secret.tracking_code not in body
    for private in ("Nguyễn Văn An", "0912345678", "020123456789", "Lê Lợi"):
        assert private not in body
    again = client.get(reverse("portal:map_near"), {"lat": "21.85", "lng": "106.76"})
    assert again.json() == data
