"""GeoReport v2 requests: POST on the open311 channel (R-7.1, R-7.2b) and the public record (R-9.2, R-3.2)."""

from __future__ import annotations

import http.server
import io
import json
import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from pakn.open311.models import ApiClient
from pakn.reports import services
from pakn.reports.models import Attachment, Channel, Report, State
from pakn.reports.workflow import ReporterActor
from tests.open311.conftest import BASE, children, text, validate, xml_root

REQUEST_ELEMENTS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
COMPLETE = {
    "service_code": "ve-sinh-moi-truong",
    "description": "Rác thải tồn đọng ở đầu ngõ 5 Ngô Quyền.",
    "lat": "21.8537",
    "long": "106.7615",
    "address_string": "Ngõ 5 Ngô Quyền",
    "first_name": "An",
    "last_name": "Nguyễn Văn",
    "phone": "0912345678",
    "email": "an@example.vn",
    "attribute[reporter_address]": "Số 12 Lê Lợi",
    "attribute[reporter_id_number]": "020123456789",
    "attribute[commune]": "5977",
    "attribute[declared_truthful]": "true",
}


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 120, 10)).save(buffer, format="JPEG")
    return buffer.getvalue()


def post(o311, api_key, fmt="json", headers=None, **fields):
    return o311.post(f"{BASE}/requests.{fmt}", {"api_key": api_key, **COMPLETE, **fields}, **(headers or {}))


# --- POST ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "o311_not-a-key"])
def test_posting_needs_a_valid_api_key(o311, org, key):
    data = dict(COMPLETE) if key is None else {**COMPLETE, "api_key": key}
    response = o311.post(f"{BASE}/requests.json", data)
    assert response.status_code == 403
    validate(response.json(), "errors.json")
    assert not Report.objects.exists()


def test_a_deactivated_client_is_refused(o311, org, api_key):
    ApiClient.objects.update(is_active=False)
    assert post(o311, api_key).status_code == 403


def test_a_complete_request_becomes_a_report_on_the_open311_channel(o311, org, api_key):
    """R-7.1: the same workflow as any other report; the reporter's fields are mapped from the spec's."""
    response = post(o311, api_key)
    assert response.status_code == 201, response.content
    body = response.json()
    validate(body, "created.json")
    created = body[0]
    assert created["token"] == created["service_request_id"]
    report = Report.objects.get(tracking_code=created["service_request_id"])
    assert report.channel == Channel.OPEN311 and report.state == State.RECEIVED and report.agency == org.ioc
    assert report.reporter_name == "Nguyễn Văn An"  # family and middle names first
    assert report.reporter_phone == "+84912345678" and report.reporter_id_number == "020123456789"
    assert report.reporter_address == "Số 12 Lê Lợi" and report.area == org.commune_area
    assert report.declared_truthful and report.address_text == "Ngõ 5 Ngô Quyền"
    assert services.report_for_secret(created["follow_up_secret"]) == report
    assert created["service_request_id"] in created["service_notice"]


def test_a_request_without_the_r51_fields_enters_triage_and_the_operator_asks_for_them(o311, org, api_key):
    """R-7.2b: no address, no ID number, no declaration: accepted; the IOC asks the reporter."""
    minimal = {
        "service_code": "y-te",
        "description": "Quán ăn mất vệ sinh.",
        "address_string": "Chợ Đông Kinh",
    }
    response = o311.post(f"{BASE}/requests.json", {"api_key": api_key, **minimal})
    assert response.status_code == 201, response.content
    created = response.json()[0]
    report = Report.objects.get(tracking_code=created["service_request_id"])
    assert report.state == State.RECEIVED and not report.reporter_address and not report.declared_truthful
    services.report_request_info(
        report=report, actor=org.operator, note="Vui lòng cho biết địa chỉ và số CCCD."
    )
    holder = services.report_for_secret(created["follow_up_secret"])
    services.report_supplement(
        report=holder,
        actor=ReporterActor(report.pk),
        reporter_address="Số 3 Bà Triệu",
        reporter_id_number="020123456789",
    )
    report.refresh_from_db()
    assert report.state == State.RECEIVED and report.reporter_address == "Số 3 Bà Triệu"


def test_a_request_missing_what_the_spec_requires_is_a_400_naming_each_field(o311, org, api_key):
    response = o311.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "", "lat": "bắc"})
    assert response.status_code == 400
    validate(response.json(), "errors.json")
    descriptions = " | ".join(e["description"] for e in response.json())
    for field in ("service_code", "lat", "description"):
        assert field in descriptions
    assert not Report.objects.exists()


def test_invalid_reporter_data_is_a_400_with_the_spec_field_name(o311, org, api_key):
    response = post(o311, api_key, phone="12345", **{"attribute[commune]": "0000"})
    assert response.status_code == 400
    assert response.json() == [
        {"code": 400, "description": "attribute[commune]: không phải mã xã, phường đang dùng."}
    ]
    response = post(o311, api_key, phone="12345")
    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("phone: Số điện thoại không hợp lệ")


def test_post_answers_in_xml_too(o311, org, api_key):
    response = post(o311, api_key, fmt="xml")
    assert response.status_code == 201
    root = xml_root(response, "service_requests")
    request = root.find("request")
    assert children(request) == [
        "service_request_id",
        "token",
        "service_notice",
        "account_id",
        "follow_up_secret",
    ]
    assert Report.objects.filter(tracking_code=text(request, "service_request_id")).exists()


def test_multipart_media_is_the_common_extension(o311, org, api_key):
    photo = SimpleUploadedFile("anh.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = post(o311, api_key, media=photo)
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert attachment.kind == "image" and attachment.public_file and attachment.uploaded_by_reporter


def test_a_non_media_file_is_refused(o311, org, api_key):
    fake = SimpleUploadedFile("anh.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = post(o311, api_key, media=fake)
    assert response.status_code == 400 and "media" in response.json()[0]["description"]
    assert not Report.objects.exists()


@pytest.fixture
def media_server():
    """A local web server holding one photo, like a client's own media host."""
    payload = jpeg_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/anh.jpg":
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.end_headers()
                self.wfile.write(payload)
            else:
                self.send_response(302)
                self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_media_url_is_fetched_and_stored_like_an_upload(o311, org, api_key, media_server, settings):
    settings.PAKN_OPEN311_MEDIA_PRIVATE_HOSTS = True  # the test server is on this machine
    response = post(o311, api_key, media_url=f"{media_server}/anh.jpg")
    assert response.status_code == 201, response.content
    assert Attachment.objects.get().content_type == "image/jpeg"


def test_media_url_redirects_and_private_hosts_are_refused(o311, org, api_key, media_server, settings):
    response = post(o311, api_key, media_url=f"{media_server}/anh.jpg")
    assert response.status_code == 400 and "máy chủ công khai" in response.json()[0]["description"]
    settings.PAKN_OPEN311_MEDIA_PRIVATE_HOSTS = True
    redirected = post(o311, api_key, media_url=f"{media_server}/redirect")
    assert redirected.status_code == 400 and "chuyển hướng" in redirected.json()[0]["description"]
    assert post(o311, api_key, media_url="ftp://example.org/a.jpg").status_code == 400
    assert not Report.objects.exists()


def test_a_retried_post_with_one_idempotency_key_creates_one_report(o311, org, api_key):
    key = {"HTTP_IDEMPOTENCY_KEY": "open311-retry-0001"}
    first = post(o311, api_key, headers=key)
    second = post(o311, api_key, headers=key)
    assert first.status_code == second.status_code == 201 and first.json() == second.json()
    assert Report.objects.count() == 1
    other = post(o311, api_key, headers=key, description="Khác")
    assert other.status_code == 400 and Report.objects.count() == 1


def test_posts_are_limited_per_client(o311, org, api_key, settings):
    settings.PAKN_OPEN311_POSTS_PER_HOUR = 1
    assert post(o311, api_key).status_code == 201
    response = post(o311, api_key)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert Report.objects.count() == 1


# --- GET: the public record -----------------------------------------------------------------------------------

PLANTED = {
    "reporter_name": "Vi Thị Đặcbiệt",
    "reporter_address": "Số 999 ngõ Bímật",
    "reporter_phone": "0987654321",
    "reporter_id_number": "020987654321",
    "reporter_email": "dacbiet@example.vn",
}


def test_requests_match_the_official_schema_and_carry_no_personal_data(o311, org, submit):
    """R-3.2, R-9.2: planted personal data appears in neither JSON nor XML."""
    report = submit(**PLANTED).report
    services.report_forward(report=report, actor=org.operator)
    as_json = o311.get(f"{BASE}/requests.json")
    as_xml = o311.get(f"{BASE}/requests.xml")
    validate(as_json.json(), "requests.json")
    for body in (as_json.content.decode(), as_xml.content.decode()):
        assert report.tracking_code in body
        for value in ("Đặcbiệt", "Bímật", "987654321", "dacbiet@"):
            assert value not in body


def test_a_request_reads_status_agency_and_the_current_steps_deadline(o311, org, submit):
    report = submit().report
    services.report_forward(report=report, actor=org.operator)
    report.refresh_from_db()
    item = o311.get(f"{BASE}/requests/{report.tracking_code}.json").json()[0]
    validate(item, "request.json")
    assert item["status"] == "open" and item["status_notes"] == "Chờ phân công"
    assert item["agency_responsible"] == org.commune.name
    assert item["expected_datetime"] == timezone.localtime(report.due_at).isoformat(timespec="seconds")
    assert item["service_code"] == "ve-sinh-moi-truong" and item["address_id"] == "5977"
    assert item["lat"] == pytest.approx(21.8537)


def test_a_resolved_request_is_closed_with_its_result_and_public_photo(o311, org, submit):
    from pakn.reports.media import attachment_add

    report = submit().report
    attachment_add(report=report, upload=SimpleUploadedFile("a.jpg", jpeg_bytes()), by_reporter=True)
    services.report_forward(report=report, actor=org.operator)
    services.report_assign(report=report, actor=org.commune_leader, officer=org.officer)
    services.report_submit_result(report=report, actor=org.officer, result_text="Đã dọn sạch.")
    services.report_approve(report=report, actor=org.commune_leader)
    item = o311.get(f"{BASE}/requests/{report.tracking_code}.json").json()[0]
    validate(item, "request.json")
    assert item["status"] == "closed" and item["status_notes"] == "Đã xử lý: Đã dọn sạch."
    assert item["expected_datetime"] is None
    assert item["media_url"].startswith("http://testserver/")


def test_updated_datetime_follows_public_steps_not_internal_ones(o311, org, submit):
    report = submit().report
    services.report_forward(report=report, actor=org.operator)
    before = o311.get(f"{BASE}/requests/{report.tracking_code}.json").json()[0]["updated_datetime"]
    services.report_mark(
        report=report, actor=org.operator, mark="valuable", now=timezone.now() + timedelta(minutes=5)
    )
    after = o311.get(f"{BASE}/requests/{report.tracking_code}.json").json()[0]["updated_datetime"]
    assert before == after


def test_the_reporters_photo_is_not_public_before_the_ioc_accepts_the_report(o311, org, submit):
    from pakn.reports.media import attachment_add

    report = submit().report
    attachment_add(report=report, upload=SimpleUploadedFile("a.jpg", jpeg_bytes()), by_reporter=True)
    assert o311.get(f"{BASE}/requests/{report.tracking_code}.json").json()[0]["media_url"] is None


def test_requests_in_xml_element_by_element(o311, org, submit):
    report = submit().report
    root = xml_root(o311.get(f"{BASE}/requests.xml"), "service_requests")
    request = root.find("request")
    assert children(request) == REQUEST_ELEMENTS
    assert text(request, "service_request_id") == report.tracking_code
    assert (
        text(request, "status") == "open"
        and text(request, "zipcode") == ""
        and text(request, "media_url") == ""
    )
    assert text(request, "lat") == "21.8537"
    assert text(request, "requested_datetime") == timezone.localtime(report.created_at).isoformat(
        timespec="seconds"
    )


def test_state_secrets_are_absent(o311, org, submit):
    report = submit().report
    services.report_mark(report=report, actor=org.operator, mark="state_secret")
    assert o311.get(f"{BASE}/requests.json").json() == []
    response = o311.get(f"{BASE}/requests/{report.tracking_code}.json")
    assert response.status_code == 404
    validate(response.json(), "errors.json")
    assert o311.get(f"{BASE}/tokens/{report.tracking_code}.json").status_code == 404


def test_the_default_range_is_the_last_90_days(o311, org, submit):
    old = submit(now=timezone.now() - timedelta(days=100)).report
    recent = submit(now=timezone.now() - timedelta(days=10)).report
    ids = [r["service_request_id"] for r in o311.get(f"{BASE}/requests.json").json()]
    assert ids == [recent.tracking_code]
    start = (timezone.now() - timedelta(days=120)).isoformat()
    end = (timezone.now() - timedelta(days=60)).isoformat()
    ranged = o311.get(f"{BASE}/requests.json", {"start_date": start, "end_date": end}).json()
    assert [r["service_request_id"] for r in ranged] == [old.tracking_code]


def test_filters_by_status_service_code_and_id_list(o311, org, submit):
    a = submit().report
    b = submit(category=org.category.__class__.objects.get(code="y-te")).report
    c = submit().report
    services.report_reject(report=c, actor=org.operator, reason_code="duplicate")

    def ids(**params):
        return {r["service_request_id"] for r in o311.get(f"{BASE}/requests.json", params).json()}

    assert ids(status="closed") == {c.tracking_code}
    assert ids(status="open") == {a.tracking_code, b.tracking_code}
    assert ids(status="open,closed") == {a.tracking_code, b.tracking_code, c.tracking_code}
    assert ids(service_code="y-te") == {b.tracking_code}
    # A list of ids overrides every other parameter (the specification).
    assert ids(service_request_id=f"{a.tracking_code},{c.tracking_code.lower()}", status="open") == {
        a.tracking_code,
        c.tracking_code,
    }


def test_page_and_page_size(o311, org, submit):
    made = [submit(now=timezone.now() - timedelta(minutes=i)).report.tracking_code for i in range(5)]
    first = o311.get(f"{BASE}/requests.json", {"page_size": 2}).json()
    third = o311.get(f"{BASE}/requests.json", {"page_size": 2, "page": 3}).json()
    assert [r["service_request_id"] for r in first] == made[:2]
    assert [r["service_request_id"] for r in third] == made[4:]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"start_date": "hôm qua"}, "start_date"),
        ({"end_date": "2026-13-45"}, "end_date"),
        ({"status": "pending"}, "status"),
        ({"page": "0"}, "page"),
        ({"page_size": "1001"}, "page_size"),
        ({"start_date": "2025-01-01T00:00:00+07:00", "end_date": "2025-06-01T00:00:00+07:00"}, "90 ngày"),
        (
            {"start_date": "2025-06-01T00:00:00+07:00", "end_date": "2025-05-01T00:00:00+07:00"},
            "trước end_date",
        ),
    ],
)
def test_bad_parameters_are_a_400_in_the_specs_format(o311, org, params, fragment):
    response = o311.get(f"{BASE}/requests.json", params)
    assert response.status_code == 400
    validate(response.json(), "errors.json")
    assert fragment in json.dumps(response.json(), ensure_ascii=False)


def test_a_token_resolves_to_its_request(o311, org, submit):
    report = submit().report
    body = o311.get(f"{BASE}/tokens/{report.tracking_code}.json").json()
    validate(body, "tokens.json")
    assert body == [{"service_request_id": report.tracking_code, "token": report.tracking_code}]
    root = xml_root(o311.get(f"{BASE}/tokens/{report.tracking_code}.xml"), "service_requests")
    assert children(root.find("request")) == ["service_request_id", "token"]
    missing = o311.get(f"{BASE}/tokens/ABCD-EFGH.xml")
    assert missing.status_code == 404 and children(xml_root(missing, "errors").find("error")) == [
        "code",
        "description",
    ]


def test_listing_requests_takes_a_fixed_number_of_queries(o311, org, submit, django_assert_max_num_queries):
    """No N+1: the list, its public photos and its rate limit in a few queries, however many requests."""
    for _ in range(6):
        services.report_forward(report=submit().report, actor=org.operator)
    with django_assert_max_num_queries(4):
        assert len(o311.get(f"{BASE}/requests.json").json()) == 6
