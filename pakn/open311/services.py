"""Writes of pakn.open311: client keys, and a GeoReport v2 request turned into a report on the open311 channel.

A request enters the same workflow as any other (R-7.1). The fields that R-5.1 requires and the
specification lacks (the reporter's address and ID number, the commune, the R-5.2 declaration) are service
attributes; a request without them is accepted as incomplete and enters triage, where the operator asks the
reporter for them (R-7.2b).
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import secrets
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils import timezone

from pakn.open311.models import ApiClient
from pakn.org.models import Area, Category
from pakn.reports import services
from pakn.reports.limits import text_problem
from pakn.reports.media import attachment_add, check_upload
from pakn.reports.models import Channel

KEY_PREFIX = "o311_"
LAST_USED_STEP = timedelta(minutes=1)


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(24)


def client_create(
    *, name: str, organisation: str = "", contact_email: str = "", key: str = ""
) -> tuple[ApiClient, str]:
    """A client application with a new api_key (returned once; only its hash is stored)."""
    raw = key or new_key()
    client = ApiClient.objects.create(
        name=name.strip(),
        organisation=organisation.strip(),
        contact_email=contact_email.strip(),
        key_prefix=raw[:10],
        key_hash=key_hash(raw),
    )
    return client, raw


def client_rotate_key(*, client: ApiClient, key: str = "") -> str:
    """Give the client a new api_key; the old one stops working at once."""
    raw = key or new_key()
    ApiClient.objects.filter(pk=client.pk).update(key_prefix=raw[:10], key_hash=key_hash(raw))
    client.key_prefix, client.key_hash = raw[:10], key_hash(raw)
    return raw


def client_for_key(raw: str | None, *, now: datetime | None = None) -> ApiClient | None:
    """The active client with this api_key (its last use noted), or None."""
    if not raw:
        return None
    client = ApiClient.objects.filter(key_hash=key_hash(raw.strip()), is_active=True).first()
    moment = now or timezone.now()
    # Noted at most once a minute: a write on every request cost a busy client's POSTs ~10 % (issue 13).
    if client is not None and (client.last_used_at is None or moment - client.last_used_at >= LAST_USED_STEP):
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=moment)
        client.last_used_at = moment
    return client


# --- Service attributes: the fields GeoReport v2 lacks ---------------------------------------------


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str
    description: str
    datatype_description: str = ""
    values: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def attributes() -> list[Attribute]:
    """Every service (category) has the same attributes: none required, as a request may be incomplete."""
    communes = tuple(
        (a.code, a.name)
        for a in Area.objects.filter(kind=Area.Kind.COMMUNE, is_active=True)
        .order_by("name")
        .only("code", "name")
    )
    return [
        Attribute(
            "reporter_address",
            "string",
            "Địa chỉ liên hệ của người phản ánh (theo Điều 5 Quy chế). Nếu thiếu, Trung tâm IOC sẽ đề nghị bổ sung.",
            "Số nhà, đường, xã/phường",
        ),
        Attribute(
            "reporter_id_number",
            "string",
            "Số định danh cá nhân (CCCD) của người phản ánh. Không bao giờ được công khai.",
            "12 chữ số",
        ),
        Attribute("commune", "singlevaluelist", "Xã, phường nơi xảy ra sự việc.", "", communes),
        Attribute(
            "declared_truthful",
            "singlevaluelist",
            "Người phản ánh cam kết thông tin là trung thực (theo Điều 5 Quy chế).",
            "",
            (("true", "Tôi cam kết thông tin phản ánh là trung thực"),),
        ),
    ]


# --- media_url: fetched once, checked like any upload -------------------------------------------------------


class MediaFetchError(Exception):
    """The media_url could not be fetched or is not acceptable; the message is Vietnamese."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        raise MediaFetchError(
            "media_url chuyển hướng sang địa chỉ khác; vui lòng gửi địa chỉ trực tiếp của tệp."
        )


def _public_host(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    addresses = {str(info[4][0]) for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses)


def media_fetch(url: str, *, timeout: float = 10.0) -> UploadedFile:
    """Download the file at media_url (http/https, a public address, bounded size), for attachment_add.

    Only public hosts are fetched (a request must not make the server reach into its own network);
    PAKN_OPEN311_MEDIA_PRIVATE_HOSTS lifts that for tests.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MediaFetchError("media_url phải là địa chỉ http:// hoặc https://.")
    if not getattr(settings, "PAKN_OPEN311_MEDIA_PRIVATE_HOSTS", False) and not _public_host(parts.hostname):
        raise MediaFetchError("media_url phải trỏ tới một máy chủ công khai.")
    limit = max(settings.PAKN_MEDIA_LIMITS_MB.values()) * 1024 * 1024
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"User-Agent": "pakn-open311/1 (+media_url)"})
    try:
        with opener.open(request, timeout=timeout) as response:
            data = response.read(limit + 1)
    except MediaFetchError:
        raise
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise MediaFetchError(f"Không tải được tệp từ media_url ({e.__class__.__name__}).") from e
    if len(data) > limit:
        raise MediaFetchError(f"Tệp tại media_url quá lớn: tối đa {limit // (1024 * 1024)} MB.")
    name = PurePosixPath(parts.path).name or "media"
    return SimpleUploadedFile(name[:100], data)


# --- A request ------------------------------------------------------------------------------------------------


@dataclass
class RequestInput:
    """A POST /requests as the specification names its fields."""

    service_code: str
    description: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    media_url: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


class RequestInvalid(Exception):
    """A request that cannot become a report: (field, Vietnamese message) pairs for the spec's errors."""

    def __init__(self, errors: list[tuple[str, str]], status: int = 400):
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors
        self.status = status


def _coordinate(value: str, name: str, errors: list[tuple[str, str]]) -> Decimal | None:
    if not value.strip():
        return None
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        errors.append((name, "phải là số thập phân (WGS84)."))
        return None


# Each spec field checked against the core's limit of the report field it becomes (pakn.reports.limits).
TEXT_FIELDS = {
    "description": "content",
    "address_string": "address_text",
    "first_name": "reporter_name",
    "last_name": "reporter_name",
    "email": "reporter_email",
    "phone": "reporter_phone",
    "media_url": "url",
    "address_id": "code",
    "service_code": "code",
}


def _text_problems(data: RequestInput) -> list[tuple[str, str]]:
    problems = []
    for spec, core in TEXT_FIELDS.items():
        problem = text_problem(core, getattr(data, spec))
        if problem:
            problems.append((spec, problem))
    for name, value in data.attributes.items():
        problem = text_problem("reporter_address", value)
        if problem:
            problems.append((f"attribute[{name}]", problem))
    return problems


def request_check(data: RequestInput) -> dict[str, Any]:
    """Validate a request against the specification; the keyword arguments for report_submit."""
    errors: list[tuple[str, str]] = _text_problems(data)
    category = (
        Category.objects.filter(code=data.service_code.strip(), is_active=True).first()
        if data.service_code
        else None
    )
    if not data.service_code.strip():
        errors.append(("service_code", "là bắt buộc."))
    elif category is None:
        errors.append(("service_code", "không tồn tại (xem services.json)."))
    lat, lon = _coordinate(data.lat, "lat", errors), _coordinate(data.long, "long", errors)
    if (lat is None) != (lon is None) and not any(f in ("lat", "long") for f, _ in errors):
        errors.append(("lat", "cần cả lat và long."))
    area_code = (data.attributes.get("commune") or data.address_id).strip()
    area = None
    if area_code:
        area = Area.objects.filter(code=area_code, kind=Area.Kind.COMMUNE, is_active=True).first()
        if area is None:
            errors.append(
                (
                    "attribute[commune]" if data.attributes.get("commune") else "address_id",
                    "không phải mã xã, phường đang dùng.",
                )
            )
    if lat is None and lon is None and not data.address_string.strip() and not area_code:
        errors.append(("lat", "cần vị trí: lat và long, hoặc address_string, hoặc address_id."))
    if not data.description.strip():
        errors.append(("description", "là bắt buộc: nội dung phản ánh."))
    truthful = data.attributes.get("declared_truthful", "").strip().lower()
    if truthful not in ("", "true", "false"):
        errors.append(("attribute[declared_truthful]", "chỉ nhận giá trị true."))
    if errors:
        raise RequestInvalid(errors)
    return {
        "category": category,
        "content": data.description.strip(),
        "channel": Channel.OPEN311,
        "reporter_name": f"{data.last_name.strip()} {data.first_name.strip()}".strip(),
        "reporter_address": data.attributes.get("reporter_address", "").strip(),
        "reporter_phone": data.phone.strip(),
        "reporter_id_number": data.attributes.get("reporter_id_number", "").strip(),
        "reporter_email": data.email.strip(),
        "address_text": data.address_string.strip(),
        "latitude": lat,
        "longitude": lon,
        "area": area,
        "declared_truthful": truthful == "true",
        "allow_incomplete": True,
    }


SPEC_FIELDS = {
    "content": "description",
    "reporter_phone": "phone",
    "reporter_id_number": "attribute[reporter_id_number]",
    "reporter_email": "email",
    "latitude": "lat",
    "area": "attribute[commune]",
    "category": "service_code",
}


def request_submit(
    *, data: RequestInput, uploads: list[UploadedFile], checked: dict[str, Any] | None = None
) -> services.Submission:
    """Create the report and store its media in one transaction; the media were fetched and checked before.
    `checked` is what request_check(data) returned, when the caller already validated (one look-up less)."""
    fields = checked if checked is not None else request_check(data)
    for upload in uploads:
        try:
            check_upload(upload, field="media")
        except ValidationError as e:
            raise RequestInvalid([("media", m) for ms in e.message_dict.values() for m in ms]) from e
    if len(uploads) > settings.PAKN_MAX_ATTACHMENTS:
        raise RequestInvalid([("media", f"tối đa {settings.PAKN_MAX_ATTACHMENTS} tệp.")])
    try:
        # report_submit is one transaction; an outer one (a savepoint inside it: two round trips) only to
        # store media with it.
        with transaction.atomic() if uploads else contextlib.nullcontext():
            submission = services.report_submit(**fields)
            for upload in uploads:
                attachment_add(report=submission.report, upload=upload, by_reporter=True)
    except ValidationError as e:
        if not hasattr(e, "error_dict") and any(err.code == "barred" for err in e.error_list):
            raise RequestInvalid([("phone", e.messages[0])], status=403) from e
        pairs = (
            [(SPEC_FIELDS.get(name, name), m) for name, ms in e.message_dict.items() for m in ms]
            if hasattr(e, "error_dict")
            else [("request", m) for m in e.messages]
        )
        raise RequestInvalid(pairs) from e
    return submission
