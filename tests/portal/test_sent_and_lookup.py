"""After sending (R-7.1): the code, the private link and the first deadline; look-up by code (R-9.2)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import time_machine
from django.test import Client
from django.urls import reverse

from pakn.portal.models import PortalSubmission
from pakn.portal.services import portal_cleanup
from pakn.reports import services
from tests.conftest import at
from tests.portal.conftest import form_data


def _send(client, org, when="2026-03-02 08:00"):
    key = str(uuid.uuid4())
    with time_machine.travel(at(when), tick=False):
        client.get(reverse("portal:submit"))  # the form sets the browser's sender cookie
        client.post(reverse("portal:submit"), form_data(org, submission_key=key))
    return key


def test_the_sent_page_shows_the_code_the_private_link_and_the_first_deadline(client, org):
    key = _send(client, org, "2026-03-02 08:00")
    with time_machine.travel(at("2026-03-02 08:01"), tick=False):
        response = client.get(reverse("portal:sent", args=[key]))
    assert response.status_code == 200
    assert "portal/sent.html" in [t.name for t in response.templates]
    sub = PortalSubmission.objects.get(key=key)
    html = response.content.decode()
    assert sub.report.tracking_code in html
    assert f"/theo-doi/{sub.secret}/" in html
    assert "trước 09:00 ngày 02/03/2026" in html  # triage within 1 hour
    assert response["Referrer-Policy"] == "same-origin" and "no-cache" in response["Cache-Control"]


def test_the_sent_page_is_only_for_the_browser_that_sent(client, org):
    key = _send(client, org)
    assert Client().get(reverse("portal:sent", args=[key])).status_code == 404
    assert client.get(reverse("portal:sent", args=[uuid.uuid4()])).status_code == 404


def test_after_a_day_a_retry_no_longer_shows_the_private_link(client, org):
    key = _send(client, org, "2026-03-02 08:00")
    with time_machine.travel(at("2026-03-03 08:01"), tick=False):
        client.post(reverse("portal:submit"), form_data(org, submission_key=key))  # the retry, a day later
        result = portal_cleanup()
        response = client.get(reverse("portal:sent", args=[key]))
    assert result.secrets_wiped == 1
    assert PortalSubmission.objects.get(key=key).secret == ""
    html = response.content.decode()
    assert "/theo-doi/" not in html and "chỉ được hiển thị trong 24 giờ" in html


def test_lookup_page_without_a_code_shows_the_form(client, db):
    response = client.get(reverse("portal:lookup"))
    assert response.status_code == 200 and 'name="ma"' in response.content.decode()


def test_lookup_accepts_what_people_type_and_redirects_to_the_public_page(client, reports):
    report, _ = reports.received()
    typed = report.tracking_code.replace("-", " ").lower()
    response = client.get(reverse("portal:lookup"), {"ma": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:detail", args=[report.tracking_code])


def test_an_unknown_code_is_an_error_beside_the_field(client, db):
    response = client.get(reverse("portal:lookup"), {"ma": "ABCD-EFGH"})
    assert response.status_code == 404
    assert response.context["form"].errors["ma"] == [
        "Không tìm thấy phản ánh có mã «ABCD-EFGH». Vui lòng kiểm tra lại mã."
    ]


def test_an_empty_code_is_an_error_beside_the_field(client, db):
    response = client.get(reverse("portal:lookup"), {"ma": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["ma"] == ["Vui lòng nhập mã tra cứu."]


def test_a_state_secret_report_cannot_be_looked_up(client, org, reports):
    """R-9.2: state secrets never appear, not even as «found»."""
    report, _ = reports.received()
    services.report_mark(report=report, actor=org.operator, mark="state_secret")
    response = client.get(reverse("portal:lookup"), {"ma": report.tracking_code})
    assert response.status_code == 404


def test_lookups_are_rate_limited_per_address(client, db, settings):
    settings.PAKN_PORTAL_LOOKUPS_PER_ADDRESS = 2
    for _ in range(2):
        client.get(reverse("portal:lookup"), {"ma": "ABCD-EFGH"})
    response = client.get(reverse("portal:lookup"), {"ma": "ABCD-EFGH"})
    assert response.status_code == 429 and "quá nhiều lần" in response.content.decode()
    assert int(response["Retry-After"]) <= 600


def test_stashed_files_older_than_a_day_are_removed(client, org):
    from django.core.files.storage import default_storage

    from pakn.portal.models import StashedUpload
    from tests.portal.conftest import jpeg_upload

    with time_machine.travel(at("2026-03-02 08:00"), tick=False):
        client.post(reverse("portal:submit"), {**form_data(org, content=""), "attachments": [jpeg_upload()]})
    name = StashedUpload.objects.get().file.name
    with time_machine.travel(at("2026-03-02 08:00") + timedelta(hours=23), tick=False):
        assert portal_cleanup().stashed_files == 0
    with time_machine.travel(at("2026-03-02 08:00") + timedelta(hours=25), tick=False):
        assert portal_cleanup().stashed_files == 1
    assert not default_storage.exists(name) and StashedUpload.objects.count() == 0


def test_the_cleanup_command_reports_what_it_removed(org, client):
    import io

    from django.core.management import call_command

    _send(client, org, "2026-03-02 08:00")
    out = io.StringIO()
    with time_machine.travel(at("2026-03-04 08:00"), tick=False):
        call_command("portal_cleanup", stdout=out)
    assert "0 tệp tạm và 1 mã theo dõi" in out.getvalue()
