"""Fixtures of the portal tests: a clean cache and media folder, valid form data, photos with EXIF, and reports
brought to the states the portal shows."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from pakn.reports import services
from pakn.reports.media import attachment_add
from pakn.reports.models import Attachment, Report
from pakn.reports.workflow import ReporterActor
from tests.conftest import VALID, Org, at

LOCALE_DIR = Path(__file__).resolve().parents[2] / "pakn" / "locale"


@pytest.fixture(autouse=True)
def _clean_cache_and_media(settings: Any, tmp_path: Path) -> Any:
    """Rate-limit counters and the summary live in the cache; files go to a folder of this test."""
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    cache.clear()


def jpeg_bytes(
    *, artist: str = "", description: str = "", gps: bool = False, size: tuple[int, int] = (64, 48)
) -> bytes:
    """A small JPEG, with EXIF tags naming a person and a GPS position when asked."""
    img = Image.new("RGB", size, (180, 60, 40))
    exif = img.getexif()
    if artist:
        exif[ExifTags.Base.Artist] = artist
    if description:
        exif[ExifTags.Base.ImageDescription] = description
    if gps:
        ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        ifd[ExifTags.GPS.GPSLatitude] = (21.0, 51.0, 13.0)
        ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        ifd[ExifTags.GPS.GPSLongitude] = (106.0, 45.0, 41.0)
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def jpeg_upload(name: str = "anh.jpg", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def mp4_bytes(size: int) -> bytes:
    """Bytes that sniff as an MP4 video (an «ftyp» box), padded to `size`."""
    head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    return head + b"\x00" * (size - len(head))


def form_data(org: Org, **overrides: Any) -> dict[str, Any]:
    """A complete, valid report form (R-5.1, R-5.2) as the browser posts it."""
    data = {
        "submission_key": "",
        "category": str(org.category.pk),
        "content": VALID["content"],
        "latitude": "21.8537",
        "longitude": "106.7615",
        "area": str(org.commune_area.pk),
        "address_text": VALID["address_text"],
        "reporter_kind": "person",
        "reporter_name": VALID["reporter_name"],
        "reporter_phone": VALID["reporter_phone"],
        "reporter_id_number": VALID["reporter_id_number"],
        "reporter_address": VALID["reporter_address"],
        "reporter_email": "",
        "declared_truthful": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class Reports:
    """Reports at the states the portal shows, moved only through the services."""

    def __init__(self, org: Org, submit: Any):
        self.org = org
        self._submit = submit

    def received(self, now: datetime | None = None, **fields: Any) -> tuple[Report, str]:
        sub = self._submit(now=now or at("2026-03-02 08:00"), **fields)
        return sub.report, sub.secret

    def awaiting_info(self, now: datetime | None = None, **fields: Any) -> tuple[Report, str]:
        start = now or at("2026-03-02 08:00")
        report, secret = self.received(now=start, **fields)
        services.report_request_info(
            report=report,
            actor=self.org.operator,
            note="Đề nghị bổ sung số nhà cụ thể.",
            now=start + timedelta(minutes=10),
        )
        return report, secret

    def routed(self, now: datetime | None = None, **fields: Any) -> tuple[Report, str]:
        start = now or at("2026-03-02 08:00")
        report, secret = self.received(now=start, **fields)
        services.report_forward(report=report, actor=self.org.operator, now=start + timedelta(minutes=30))
        return report, secret

    def resolved(
        self, now: datetime | None = None, *, result_photo: bytes | None = None, **fields: Any
    ) -> tuple[Report, str]:
        """Forwarded, assigned, handled and approved within the working day (2 March 2026, a Monday)."""
        start = now or at("2026-03-02 08:00")
        report, secret = self.routed(now=start, **fields)
        org = self.org
        services.report_assign(
            report=report, actor=org.commune_leader, officer=org.officer, now=start + timedelta(hours=1)
        )
        event = services.report_submit_result(
            report=report,
            actor=org.officer,
            result_text="Đã dọn sạch rác và lắp biển cấm đổ rác.",
            now=start + timedelta(hours=6),
        )
        if result_photo is not None:
            attachment_add(
                report=report,
                upload=SimpleUploadedFile("ket-qua.jpg", result_photo, content_type="image/jpeg"),
                by_reporter=False,
                event=event,
                uploaded_by=self.org.officer,
            )
        services.report_approve(report=report, actor=org.commune_leader, now=start + timedelta(hours=7))
        report.refresh_from_db()
        return report, secret

    def rated(self, rating: str = "satisfied", **kwargs: Any) -> tuple[Report, str]:
        report, secret = self.resolved(**kwargs)
        services.report_rate(
            report=report, actor=ReporterActor(report.pk), rating=rating, now=at("2026-03-02 16:00")
        )
        return report, secret


@pytest.fixture
def reports(org: Org, submit: Any) -> Reports:
    return Reports(org, submit)


def add_photo(report: Report, data: bytes, *, by_reporter: bool = True) -> Attachment:
    return attachment_add(
        report=report,
        upload=SimpleUploadedFile("hien-truong.jpg", data, content_type="image/jpeg"),
        by_reporter=by_reporter,
    )


def replay_data_migrations() -> None:
    """Run every data migration (RunPython) of the project again, as `migrate` did on the test database."""
    from django.apps import apps as global_apps
    from django.db import connection
    from django.db.migrations import RunPython
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    seen = set()
    with connection.schema_editor() as editor:
        for leaf in loader.graph.leaf_nodes():
            if leaf[0] not in _PROJECT_APPS:
                continue
            for key in loader.graph.forwards_plan(leaf):
                if key in seen or key[0] not in _PROJECT_APPS:
                    continue
                seen.add(key)
                for operation in loader.graph.nodes[key].operations:
                    if isinstance(operation, RunPython):
                        operation.code(global_apps, editor)


_PROJECT_APPS = {
    "org",
    "reports",
    "workdays",
    "portal",
    "console",
    "notify",
    "stats",
    "api",
    "open311",
    "core",
}


@pytest.fixture
def _reseeded(request: Any) -> None:
    """Transactional (browser) tests: the data migrations' rows are back after the previous test's flush.

    serialized_rollback cannot be relied on here: Playwright's sync API runs an event loop in this thread, and
    Django then hands out a new connection object (asgiref's Local) that lacks the serialized contents.
    """
    from pakn.org.models import Category

    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"live_server", "transactional_db"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        if not Category.objects.exists():
            replay_data_migrations()


@pytest.fixture
def org(_reseeded: None, org: Org) -> Org:
    return org
