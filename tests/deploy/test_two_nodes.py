"""Two application machines (issue 15, items 2 and 3; R-6.4, R-11.1 the service keeps running as it grows).

deploy/testenv starts the production shape on loopback ports: two `pakn serve` nodes and two `pakn worker`s
behind nginx (the real deploy/nginx/pakn.conf, TLS with a test certificate), sharing a PostgreSQL database of
their own through pgbouncer (transaction pooling), Redis database 11, and an S3-compatible object store
(moto in server mode). One test walks through everything that must hold across machines, because starting
the site takes most of the time: a citizen submits (with a photo) on node A and follows on node B; the photo
is served by node B from the object store and the original only through a short-lived signed link; a login
on one node holds on the other; rate limits count across both; a retried request with the same
Idempotency-Key on the other node is not doubled; every notification is delivered exactly once with both
workers running; a node stopped under traffic costs the public nothing.

Skipped, with the reason, when PostgreSQL, Redis, nginx, pgbouncer or openssl is missing.
"""

from __future__ import annotations

import io
import os
import re
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import testenv

from tests.notify.gateway import Gateway

pytestmark = pytest.mark.postgres
REDIS = "redis://127.0.0.1:6379/11"
LOOKUPS = 6  # PAKN_PORTAL_LOOKUPS_PER_ADDRESS for this site
SIGNED_SECONDS = 30
STAFF_PASSWORD = "Hai-may-chu-2026!"
FORM = {
    "category": "ve-sinh-moi-truong",
    "area": "5977",
    "reporter_name": "Trần Văn Cường",
    "reporter_address": "Số 8 Lê Lợi",
    "address_text": "Ngã tư Lê Lợi – Bà Triệu",
    "declared_truthful": "true",
}
STAFF = """
from pakn.org.models import Agency, User
from pakn.org.services import user_create
from django_otp.plugins.otp_totp.models import TOTPDevice
user = user_create(actor=None, username="vanhanh", password="{password}", full_name="Cán bộ Vận Hành",
                   agency=Agency.objects.get(kind=Agency.Kind.IOC), role=User.Role.OPERATOR)
TOTPDevice.objects.create(user=user, name="điện thoại", key="{totp_key}", confirmed=True)
"""
# Production requires the staff's second factor: the account has an authenticator with this key.
TOTP_KEY = "3132333435363738393031323334353637383930"


def totp_code() -> str:
    from binascii import unhexlify

    from django_otp.oath import TOTP

    return f"{TOTP(unhexlify(TOTP_KEY)).token():06d}"


def _reachable() -> None:
    missing = testenv.missing_tools("nginx", "pgbouncer", "openssl", "psql")
    if missing:
        pytest.skip("the two-node test needs " + ", ".join(missing))
    try:
        testenv._server().close()
    except Exception as e:
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is not reachable ({type(e).__name__})")
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_timeout=3).ping()
    except Exception as e:
        pytest.skip(f"Redis at 127.0.0.1:6379 is not reachable ({type(e).__name__})")


@pytest.fixture
def site(tmp_path) -> Iterator[tuple[testenv.Site, Gateway]]:
    _reachable()
    with Gateway() as gateway:
        settings = {
            "PAKN_SMS_BACKEND": "http",
            "PAKN_SMS_GATEWAY_URL": gateway.url,
            "PAKN_SMS_GATEWAY_TIMEOUT": "3",
            "PAKN_PUSH_TIMEOUT": "3",
            "PAKN_NOTIFY_LEASE_SECONDS": "10",
            "PAKN_PORTAL_LOOKUPS_PER_ADDRESS": str(LOOKUPS),
            "PAKN_API_SUBMITS_PER_10_MINUTES": "1000",
            "PAKN_MEDIA_S3_SIGNED_URL_SECONDS": str(SIGNED_SECONDS),
        }
        with testenv.two_node_site(
            tmp_path, dbname=f"pakn_two_nodes_{os.getpid()}", redis_url=REDIS, settings=settings
        ) as site:
            testenv.run_pakn(
                site.env, "shell", "-c", STAFF.format(password=STAFF_PASSWORD, totp_key=TOTP_KEY)
            )
            try:
                yield site, gateway
            except BaseException:
                print(site.logs())
                raise


def photo_with_exif() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (64, 48), (20, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "MayAnhThu"  # Make: must stay in the private original only
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def submit(
    url: str, *, phone: str, content: str, key: str | None = None, photo: bytes | None = None, **kw: Any
) -> Any:
    import requests

    headers = {"Idempotency-Key": key} if key else {}
    files = {"media": ("anh.jpg", photo, "image/jpeg")} if photo else None
    data = {**FORM, "reporter_phone": phone, "reporter_id_number": "020" + phone[-9:], "content": content}
    return requests.post(f"{url}/api/v1/reports", data=data, files=files, headers=headers, timeout=30, **kw)


def _cookies(response: Any, jar: dict[str, str]) -> dict[str, str]:
    """Production cookies are Secure; the test talks to each node directly over http, so it carries them."""
    for cookie in response.cookies:
        jar[cookie.name] = cookie.value or ""
    return jar


def check_submit_on_a_follow_on_b(site: testenv.Site) -> tuple[str, str, int, bytes]:
    import requests

    a, b = site.nodes
    original = photo_with_exif()
    sent = submit(a, phone="0912300001", content="Cống thoát nước vỡ, nước tràn ra đường.", photo=original)
    assert sent.status_code == 201, sent.text
    code, secret = sent.json()["tracking_code"], sent.json()["secret"]
    mine = requests.get(f"{b}/api/v1/my/report", headers={"X-Report-Secret": secret}, timeout=10)
    assert mine.status_code == 200 and mine.json()["tracking_code"] == code
    page = requests.get(f"{b}/theo-doi/{secret}/", timeout=10)
    assert page.status_code == 200 and code in page.text
    with site.pg() as conn:
        rows = conn.execute(
            "SELECT a.id FROM reports_attachment a JOIN reports_report r ON r.id = a.report_id"
            " WHERE r.tracking_code = %s",
            [code],
        ).fetchall()
    assert len(rows) == 1
    return code, secret, int(rows[0][0]), original


def check_media_on_the_object_store(
    site: testenv.Site, code: str, secret: str, pk: int, original: bytes
) -> None:
    """The photo uploaded through node A is served by node B (the reporter's EXIF-free copy; the public
    sees it once the IOC accepts the report); nothing is on either node's disk."""
    import boto3
    import requests

    b = site.nodes[1]
    public = requests.get(f"{b}/theo-doi/{secret}/anh/{pk}.jpg", timeout=10)
    assert public.status_code == 200 and public.headers["Content-Type"] == "image/jpeg"
    assert public.content[:3] == b"\xff\xd8\xff" and b"MayAnhThu" not in public.content  # EXIF-free copy
    s3 = boto3.client("s3", endpoint_url=site.s3_endpoint, region_name="us-east-1", **_keys())
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=testenv.S3_BUCKET).get("Contents", [])}
    private = [k for k in keys if k.startswith("private/") and code in k]
    copies = [k for k in keys if k.startswith("public/") and code in k]
    thumbnails = [k for k in keys if k.startswith(f"portal-thumbs/{pk}-")]  # made by node B on first view
    assert len(private) == 1 and len(copies) == 1 and len(thumbnails) == 1, keys
    assert s3.get_object(Bucket=testenv.S3_BUCKET, Key=private[0])["Body"].read() == original
    assert b"MayAnhThu" not in s3.get_object(Bucket=testenv.S3_BUCKET, Key=copies[0])["Body"].read()
    assert s3.get_object(Bucket=testenv.S3_BUCKET, Key=thumbnails[0])["Body"].read() == public.content
    for node in ("node-A", "node-B"):
        on_disk = [p for p in (site.workdir / node).rglob("*") if p.is_file() and code in p.name]
        assert on_disk == [], on_disk
    # The original has no public address: the object store refuses an unsigned request for it.
    assert requests.get(f"{site.s3_endpoint}/{testenv.S3_BUCKET}/{private[0]}", timeout=10).status_code == 403


def _keys() -> dict[str, str]:
    return {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def login(node: str) -> dict[str, str]:
    import requests

    jar: dict[str, str] = {}
    page = requests.get(f"{node}/console/dang-nhap/", timeout=10)
    _cookies(page, jar)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    done = requests.post(
        f"{node}/console/dang-nhap/",
        data={"username": "vanhanh", "password": STAFF_PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        cookies=jar,
        allow_redirects=False,
        timeout=10,
    )
    assert done.status_code == 302 and "dang-nhap" not in done.headers["Location"], done.text[:500]
    _cookies(done, jar)
    held = requests.get(f"{node}/console/", cookies=jar, allow_redirects=False, timeout=10)
    assert held.status_code == 302 and "/console/xac-thuc/" in held.headers["Location"]  # the password alone
    # The second factor, on the same node: its code page, then the code.
    page = requests.get(f"{node}/console/xac-thuc/", cookies=jar, timeout=10)
    _cookies(page, jar)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    done = requests.post(
        f"{node}/console/xac-thuc/",
        data={"token": totp_code(), "csrfmiddlewaretoken": token.group(1), "next": "/console/"},
        cookies=jar,
        allow_redirects=False,
        timeout=10,
    )
    assert done.status_code == 302 and "xac-thuc" not in done.headers["Location"], done.text[:500]
    return _cookies(done, jar)


def check_login_and_signed_original(site: testenv.Site, pk: int, original: bytes) -> None:
    import requests

    a, b = site.nodes
    anonymous = requests.get(f"{b}/console/tep/{pk}/", allow_redirects=False, timeout=10)
    assert anonymous.status_code == 302 and "dang-nhap" in anonymous.headers["Location"]
    jar = login(a)
    inbox = requests.get(f"{b}/console/", cookies=jar, allow_redirects=False, timeout=10)
    assert inbox.status_code == 200, inbox.headers.get("Location")  # the session made on A holds on B
    link = requests.get(f"{b}/console/tep/{pk}/", cookies=jar, allow_redirects=False, timeout=10)
    assert link.status_code == 302 and link.headers["Cache-Control"] == "private, no-store"
    signed = link.headers["Location"]
    query = parse_qs(urlparse(signed).query)
    assert signed.startswith(site.s3_endpoint or "-") and query["X-Amz-Expires"] == [str(SIGNED_SECONDS)]
    assert "X-Amz-Signature" in query
    fetched = requests.get(signed, timeout=10)
    assert fetched.status_code == 200 and fetched.content == original
    # (moto checks that a request is signed, not the signature's value nor its expiry: a real object store
    # refuses a tampered or expired link; what pakn controls is asserted above, the lifetime it signs.)


def _outside_window_edge(window: int = 600, margin: int = 20) -> None:
    """Rate limits count in fixed windows: start a count where it cannot straddle two windows."""
    left = window - time.time() % window
    if left < margin:
        time.sleep(left + 0.5)


def check_rate_limits_count_across_nodes(site: testenv.Site, code: str) -> None:
    import requests

    _outside_window_edge()
    targets = [*site.nodes, site.https]
    statuses = []
    for i in range(LOOKUPS + 2):
        target = targets[i % 3]
        statuses.append(
            requests.get(
                f"{target}/tra-cuu/",
                params={"ma": code},
                # through nginx a forged address changes nothing: nginx sets the real one
                headers={"X-Forwarded-For": f"203.0.113.{i}"} if target == site.https else {},
                allow_redirects=False,
                verify=str(site.cert),
                timeout=10,
            ).status_code
        )
    assert statuses == [302] * LOOKUPS + [429, 429], statuses


def check_idempotency_across_nodes(site: testenv.Site) -> None:
    a, b = site.nodes
    first = submit(a, phone="0912300002", content="Đèn đường hỏng cả dãy phố.", key="retry-across-nodes-1")
    again = submit(b, phone="0912300002", content="Đèn đường hỏng cả dãy phố.", key="retry-across-nodes-1")
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    # The same retry arriving on both nodes at the same moment still makes one report.
    results: dict[str, Any] = {}
    start = threading.Barrier(2)

    def send(node: str) -> None:
        start.wait()
        results[node] = submit(
            node, phone="0912300003", content="Cây đổ chắn ngang đường.", key="both-at-once-1"
        )

    threads = [threading.Thread(target=send, args=(node,)) for node in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert {r.status_code for r in results.values()} == {201}
    assert len({r.json()["tracking_code"] for r in results.values()}) == 1
    with site.pg() as conn:
        for content in ("Đèn đường hỏng cả dãy phố.", "Cây đổ chắn ngang đường."):
            assert conn.execute(
                "SELECT count(*) FROM reports_report WHERE content = %s", [content]
            ).fetchone() == (1,)


def check_notifications_exactly_once(site: testenv.Site, gateway: Gateway, n: int = 12) -> None:
    for i in range(n):
        sent = submit(
            [*site.nodes, site.https][i % 3],
            phone=f"09124{i:05d}",
            content=f"Phản ánh thứ {i} gửi qua hai máy chủ.",
            verify=str(site.cert),
        )
        assert sent.status_code == 201, sent.text

    def settled() -> bool:
        with site.pg() as conn:
            rows = conn.execute("SELECT status, count(*) FROM notify_delivery GROUP BY status").fetchall()
        return bool(rows) and {status for status, _ in rows} <= {"sent", "skipped"}

    testenv.wait_until(settled, timeout=90, what="every notification delivered")
    with site.pg() as conn:
        sms = [
            row[0]
            for row in conn.execute("SELECT idempotency_key FROM notify_delivery WHERE channel = 'sms'")
        ]
    assert len(sms) >= n
    assert set(gateway.log.accepted) == set(sms)
    sent_keys = [r["key"] for r in gateway.log.requests]
    assert len(sent_keys) == len(set(sent_keys)) == len(sms), "a notification was sent twice"


def check_metrics_add_up_a_node(site: testenv.Site) -> None:
    import requests

    a = site.nodes[0]

    def count() -> float:
        text = requests.get(f"{a}/metrics", timeout=10).text
        m = re.search(
            r'pakn_http_request_duration_seconds_count\{method="GET",view="portal:list"\} (\S+)', text
        )
        return float(m.group(1)) if m else 0.0

    before = count()
    for _ in range(6):
        assert requests.get(f"{a}/phan-anh/", timeout=10).status_code == 200
    assert count() == before + 6  # every gunicorn process of the node, added up
    ready = requests.get(f"{site.https}/readyz", verify=str(site.cert), timeout=10)
    assert ready.status_code == 200, ready.text
    # the nodes and workers reached PostgreSQL through pgbouncer (transaction pooling)
    assert site.pgbouncer_stats()["total_xact_count"] > 50
    assert {k: v["ok"] for k, v in ready.json()["checks"].items()} == {
        "database": True, "redis": True, "queue": True, "worker": True, "disk": True
    }  # fmt: skip


def check_a_node_stopped_under_traffic(site: testenv.Site) -> None:
    import requests

    site.node_processes[1].stop()
    for i in range(8):
        page = requests.get(f"{site.https}/phan-anh/", verify=str(site.cert), timeout=10)
        assert page.status_code == 200, (i, page.status_code)
    sent = submit(
        site.https, phone="0912399999", content="Gửi khi một máy chủ đang dừng.", verify=str(site.cert)
    )
    assert sent.status_code == 201, sent.text


def test_two_nodes_share_sessions_limits_idempotency_queue_and_media(site):
    site, gateway = site
    code, secret, pk, original = check_submit_on_a_follow_on_b(site)
    check_media_on_the_object_store(site, code, secret, pk, original)
    check_login_and_signed_original(site, pk, original)
    check_rate_limits_count_across_nodes(site, code)
    check_idempotency_across_nodes(site)
    check_notifications_exactly_once(site, gateway)
    check_metrics_add_up_a_node(site)
    check_a_node_stopped_under_traffic(site)
