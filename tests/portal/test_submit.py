"""The report form (R-5.1, R-5.2, R-7.1): sending, errors beside fields, what was typed kept, rate limits."""

from __future__ import annotations

import threading
import uuid

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.urls import reverse

from pakn.core.crypto import lookup_hash
from pakn.portal.models import PortalSubmission, StashedUpload
from pakn.reports.models import Attachment, Channel, Report, ReporterBan, State
from tests.conftest import at
from tests.portal.conftest import form_data, jpeg_upload

URL = reverse("portal:submit")


def test_the_form_offers_active_categories_and_communes_and_a_fresh_key(client, org):
    """R-5.1: category, content, place, media, the reporter's data; R-5.2 declaration; a submission key."""
    response = client.get(URL)
    assert response.status_code == 200
    assert "portal/submit.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert org.category.name in html and org.commune_area.name in html
    for name in (
        "content",
        "latitude",
        "longitude",
        "address_text",
        "reporter_name",
        "reporter_phone",
        "reporter_id_number",
        "reporter_address",
        "declared_truthful",
        "attachments",
    ):
        assert f'name="{name}"' in html
    assert "Luật Bảo vệ dữ liệu cá nhân" in html and "cam đoan" in html
    uuid.UUID(response.context["form"].initial["submission_key"].hex)


def test_a_valid_report_is_created_and_the_browser_goes_to_the_sent_page(client, org):
    """R-7.1: the report enters triage at the IOC; the reporter is sent to the confirmation page."""
    key = uuid.uuid4()
    with time_machine.travel(at("2026-03-02 08:00"), tick=False):
        response = client.post(URL, form_data(org, submission_key=str(key)))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:sent", args=[key])
    report = Report.objects.get()
    assert report.channel == Channel.WEB and report.state == State.RECEIVED and report.agency == org.ioc
    assert report.area == org.commune_area and report.declared_truthful
    assert str(report.latitude) == "21.853700" and report.reporter_phone == "+84912345678"
    assert PortalSubmission.objects.get(key=key).report == report


def test_a_missing_key_or_a_malformed_one_still_sends_once(client, org):
    response = client.post(URL, form_data(org, submission_key="not-a-uuid"))
    assert response.status_code == 302
    assert Report.objects.count() == 1


def test_every_missing_field_gets_its_own_vietnamese_error_beside_it(client, org):
    """Errors are shown beside their fields, and nothing is created."""
    response = client.post(URL, {"submission_key": str(uuid.uuid4())})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["category"] == ["Vui lòng chọn lĩnh vực."]
    assert form.errors["content"] == ["Vui lòng nhập nội dung phản ánh."]
    assert form.errors["reporter_name"] == ["Vui lòng nhập họ và tên."]
    assert form.errors["reporter_phone"] == ["Vui lòng nhập số điện thoại."]
    assert form.errors["reporter_id_number"] == ["Vui lòng nhập số định danh cá nhân (12 chữ số)."]
    assert form.errors["reporter_address"] == ["Vui lòng nhập địa chỉ liên hệ."]
    assert form.errors["declared_truthful"] == ["Vui lòng cam kết thông tin phản ánh là trung thực."]
    assert "nơi xảy ra sự việc" in form.errors["address_text"][0]
    html = response.content.decode()
    # Beside the field: the error list follows the input it describes and is referenced by it.
    assert 'aria-describedby="id_reporter_phone_error"' in html
    assert (
        '<ul class="errorlist" id="id_reporter_phone_error"><li>Vui lòng nhập số điện thoại.</li></ul>'
        in html
    )
    assert Report.objects.count() == 0


def test_what_was_typed_is_kept_when_the_form_comes_back(client, org):
    data = form_data(
        org, reporter_phone="12345", reporter_id_number="020123", submission_key=str(uuid.uuid4())
    )
    response = client.post(URL, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["reporter_phone"] == ["Số điện thoại không hợp lệ. Ví dụ đúng: 0912 345 678."]
    assert form.errors["reporter_id_number"] == ["Số định danh cá nhân gồm 12 chữ số."]
    html = response.content.decode()
    for value in (data["content"], data["reporter_name"], data["address_text"], "12345", "020123", "21.8537"):
        assert value in html
    assert f'<option value="{org.category.pk}" selected>' in html
    assert f'<option value="{org.commune_area.pk}" selected>' in html
    assert 'name="declared_truthful" required id="id_declared_truthful" checked' in html
    assert f'value="{data["submission_key"]}"' in html  # the same key: its files stay with it


def test_latitude_without_longitude_is_refused_beside_the_latitude(client, org):
    response = client.post(URL, form_data(org, longitude=""))
    assert response.status_code == 400
    assert "vĩ độ và kinh độ" in response.context["form"].errors["latitude"][0]


def test_a_place_may_be_only_a_pin_or_only_a_commune_or_only_an_address(client, org):
    for overrides in (
        {"area": "", "address_text": ""},
        {"latitude": "", "longitude": "", "address_text": ""},
        {"latitude": "", "longitude": "", "area": ""},
    ):
        response = client.post(URL, form_data(org, submission_key=str(uuid.uuid4()), **overrides))
        assert response.status_code == 302, overrides
    assert Report.objects.count() == 3


def test_a_barred_reporter_is_told_why_and_nothing_is_created(client, org):
    """R-15.2: a reporter restricted after abusive reports cannot send."""
    ReporterBan.objects.create(
        phone_hash=lookup_hash("phone", "+84912345678"),
        reason="Sai sự thật nhiều lần",
        created_by=org.operator,
    )
    response = client.post(URL, form_data(org))
    assert response.status_code == 400
    assert "bị hạn chế gửi phản ánh" in response.context["form"].non_field_errors()[0]
    assert Report.objects.count() == 0


def test_the_same_key_twice_gives_the_first_report_not_a_second(client, org):
    """R-6.2 exactly once: a retry (lost answer, double tap, offline queue) gets the first result."""
    key = str(uuid.uuid4())
    first = client.post(URL, form_data(org, submission_key=key))
    second = client.post(URL, form_data(org, submission_key=key, content="Một nội dung khác"))
    assert first["Location"] == second["Location"]
    assert Report.objects.count() == 1


def test_the_offline_queue_gets_json_201_then_200_with_the_same_answer(client, org):
    key = str(uuid.uuid4())
    with time_machine.travel(at("2026-03-02 08:00"), tick=False):
        first = client.post(URL, form_data(org, submission_key=key), HTTP_ACCEPT="application/json")
        again = client.post(URL, form_data(org, submission_key=key), HTTP_ACCEPT="application/json")
    assert first.status_code == 201 and again.status_code == 200
    a, b = first.json(), again.json()
    assert a["created"] is True and b["created"] is False
    report = Report.objects.get()
    assert a["tracking_code"] == b["tracking_code"] == report.tracking_code
    assert a["follow_up_url"] == b["follow_up_url"] and "/theo-doi/" in a["follow_up_url"]
    assert a["due_at"] == b["due_at"] == "2026-03-02T09:00:00+07:00"  # triage within 1 hour


def test_json_errors_name_their_fields(client, org):
    response = client.post(URL, form_data(org, reporter_phone=""), HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["reporter_phone"] == ["Vui lòng nhập số điện thoại."]


def test_a_race_on_the_same_key_returns_the_winners_report(client, org, monkeypatch):
    """Two posts with one key at once: the loser's claim hits the unique key (IntegrityError) and it answers
    with the winner's report. Simulated here: the early look-up misses although the winner has committed."""
    key = uuid.uuid4()
    client.post(URL, form_data(org, submission_key=str(key)))
    winner = Report.objects.get()
    from pakn.portal import submit_views

    real = submit_views.submission_replay
    calls = []

    def miss_first_time(k, **kw):
        calls.append(k)
        return None if len(calls) == 1 else real(k, **kw)

    monkeypatch.setattr(submit_views, "submission_replay", miss_first_time)
    response = client.post(URL, form_data(org, submission_key=str(key)), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["tracking_code"] == winner.tracking_code
    assert Report.objects.count() == 1 and Attachment.objects.count() == 0


def test_rate_limit_per_address_refuses_with_429_and_keeps_what_was_typed(client, org, settings):
    """Floods are stopped per client address; the person keeps what he typed."""
    settings.PAKN_PORTAL_SUBMITS_PER_ADDRESS_HOUR = 2
    for _ in range(2):
        assert client.post(URL, form_data(org, submission_key=str(uuid.uuid4()))).status_code == 302
    data = form_data(org, submission_key=str(uuid.uuid4()), content="Nội dung thứ ba, chưa gửi được")
    response = client.post(URL, data)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "quá nhiều phản ánh" in html and "Nội dung thứ ba, chưa gửi được" in html
    assert Report.objects.count() == 2
    other = client.post(URL, form_data(org, submission_key=str(uuid.uuid4())), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_rate_limit_per_phone_counts_the_same_number_written_differently(client, org, settings):
    settings.PAKN_PORTAL_SUBMITS_PER_PHONE_DAY = 1
    assert client.post(URL, form_data(org, submission_key=str(uuid.uuid4()))).status_code == 302
    response = client.post(
        URL,
        form_data(org, submission_key=str(uuid.uuid4()), reporter_phone="+84 912 345 678"),
        REMOTE_ADDR="10.9.9.9",
    )
    assert response.status_code == 429
    assert Report.objects.count() == 1


def test_rate_limit_in_json_is_a_429_with_a_message(client, org, settings):
    settings.PAKN_PORTAL_SUBMITS_PER_ADDRESS_HOUR = 0
    response = client.post(URL, form_data(org), HTTP_ACCEPT="application/json")
    assert response.status_code == 429 and "quá nhiều" in response.json()["message"]


def test_files_are_kept_when_the_form_comes_back_and_sent_with_the_report(client, org):
    """What was attached is kept server-side under the form's key, listed, and attached on success."""
    key = str(uuid.uuid4())
    response = client.post(
        URL, {**form_data(org, submission_key=key, content=""), "attachments": [jpeg_upload("cho-rac.jpg")]}
    )
    assert response.status_code == 400
    assert "cho-rac.jpg" in response.content.decode()
    stashed = StashedUpload.objects.get()
    assert stashed.name == "cho-rac.jpg" and str(stashed.form_key) == key

    response = client.post(URL, form_data(org, submission_key=key))
    assert response.status_code == 302
    report = Report.objects.get()
    attachment = report.attachments.get()
    assert attachment.kind == Attachment.Kind.IMAGE and attachment.public_file
    assert StashedUpload.objects.count() == 0
    assert not default_storage.exists(stashed.file.name)


def test_a_kept_file_can_be_removed_before_sending(client, org):
    key = str(uuid.uuid4())
    client.post(URL, {**form_data(org, submission_key=key, content=""), "attachments": [jpeg_upload()]})
    stashed = StashedUpload.objects.get()
    response = client.post(URL, {**form_data(org, submission_key=key), "remove_stash": [str(stashed.pk)]})
    assert response.status_code == 302
    assert Report.objects.get().attachments.count() == 0
    assert StashedUpload.objects.count() == 0


def test_more_files_than_allowed_are_refused_beside_the_file_field(client, org, settings):
    settings.PAKN_MAX_ATTACHMENTS = 2
    files = [jpeg_upload(f"anh-{i}.jpg") for i in range(3)]
    response = client.post(URL, {**form_data(org), "attachments": files})
    assert response.status_code == 400
    assert "tối đa 2 tệp" in response.context["upload_errors"][0]
    assert Report.objects.count() == 0
    assert StashedUpload.objects.count() == 2  # the two that fit are kept for the next try


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_not_allowed(client, org, method):
    assert getattr(client, method)(URL).status_code == 405


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_posts_with_the_same_key_at_once_make_one_report_on_postgresql(org):
    """R-6.2 exactly once under a real race: two threads, two connections, one barrier, one key. The second
    claim waits on the unique index, fails with IntegrityError and answers with the first report."""
    for _ in range(3):
        key = str(uuid.uuid4())
        barrier = threading.Barrier(2)
        answers: list[tuple[int, str]] = []
        lock = threading.Lock()

        def post(
            i: int,
            key: str = key,
            barrier: threading.Barrier = barrier,
            lock: threading.Lock = lock,
            answers: list[tuple[int, str]] = answers,
        ) -> None:
            try:
                c = Client(REMOTE_ADDR=f"10.0.0.{i + 1}")
                barrier.wait(timeout=10)
                response = c.post(URL, form_data(org, submission_key=key), HTTP_ACCEPT="application/json")
                with lock:
                    answers.append((response.status_code, response.json()["tracking_code"]))
            finally:
                connection.close()

        threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(status for status, _ in answers) == [200, 201]
        assert len({code for _, code in answers}) == 1
        assert PortalSubmission.objects.filter(key=key).count() == 1
        assert Report.objects.filter(tracking_code=answers[0][1]).count() == 1
