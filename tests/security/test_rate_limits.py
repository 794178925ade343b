"""Item 8 of issue 10: rate limits hold across worker processes, and the unlimited paths are limited."""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import PASSWORD, make_user
from tests.security.conftest import api_login
from tests.support_process import child_env

ROOT = Path(__file__).resolve().parents[2]
HITS = (
    "import django, sys; django.setup(); from pakn.core.ratelimit import rate_hit; "
    "print(sum(rate_hit(sys.argv[1], '203.0.113.7', limit=10, window_seconds=3600, now=1.8e9).allowed "
    "for _ in range(15)))"
)


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.parametrize("store", ["database", "redis"])
def test_rate_limit_counted_by_two_worker_processes_is_not_doubled(tmp_path, store):
    """Two gunicorn workers used to count separately (REST submissions 20 allowed for 10): two processes
    hitting the same limit at the same time together get exactly the limit."""
    if store == "redis" and not _redis_available():
        pytest.skip("needs Redis on 127.0.0.1:6379")
    env = child_env()
    env.update(
        {"PAKN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "pakn.settings", "PAKN_DEBUG": "false"}
    )
    if store == "redis":
        env["PAKN_REDIS_URL"] = "redis://127.0.0.1:6379/1"
    else:
        migrate = subprocess.run(
            [sys.executable, "-m", "pakn.cli", "migrate", "-v", "0"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert migrate.returncode == 0, migrate.stderr[-2000:]
    scope = f"test-{uuid.uuid4().hex}"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", HITS, scope],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    allowed = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err[-2000:]
        allowed.append(int(out.strip().splitlines()[-1]))
    assert sum(allowed) == 10, allowed


@pytest.mark.django_db
def test_password_spraying_across_accounts_from_one_address_is_throttled(org, settings):
    """One wrong password on each of many accounts never trips the per-account lock-out (django-axes)."""
    settings.PAKN_LOGIN_FAILURES_PER_ADDRESS = 5
    victims = [make_user(org.commune, "officer") for _ in range(6)]
    sprayer = Client(REMOTE_ADDR="198.51.100.9")
    for user in victims[:5]:
        response = sprayer.post("/console/dang-nhap/", {"username": user.username, "password": "Matkhau@123"})
        assert response.status_code == 200
    hit = sprayer.post("/console/dang-nhap/", {"username": victims[5].username, "password": PASSWORD})
    assert hit.status_code == 429 and "_auth_user_id" not in sprayer.session
    api = api_login(Client(REMOTE_ADDR="198.51.100.9"), victims[5].username)
    assert api.status_code == 429 and api.json()["code"] == "login_locked"
    admin_client = Client(REMOTE_ADDR="198.51.100.9")
    admin_client.post("/admin/login/", {"username": victims[5].username, "password": PASSWORD})
    assert "_auth_user_id" not in admin_client.session
    other = Client(REMOTE_ADDR="192.0.2.44")  # another office is not affected
    assert (
        other.post("/console/dang-nhap/", {"username": victims[5].username, "password": PASSWORD}).status_code
        == 302
    )


@pytest.mark.django_db
def test_trying_tracking_codes_on_the_public_report_page_is_limited(org, settings):
    """/phan-anh/<code>/ answered any number of guesses; misses now count as look-ups (R-9.2)."""
    settings.PAKN_PORTAL_LOOKUPS_PER_ADDRESS = 5
    guesser = Client(REMOTE_ADDR="198.51.100.20")
    statuses = [guesser.get(f"/phan-anh/{secrets.token_hex(4).upper()}/").status_code for _ in range(8)]
    assert statuses[:5] == [404] * 5 and statuses[5:] == [429] * 3
    assert Client(REMOTE_ADDR="192.0.2.45").get("/phan-anh/ABCD-1234/").status_code == 404


@pytest.mark.django_db
def test_open311_request_with_hundreds_of_codes_is_refused(org, settings):
    codes = ",".join(f"{secrets.token_hex(2).upper()}-{secrets.token_hex(2).upper()}" for _ in range(400))
    client = Client(REMOTE_ADDR="198.51.100.30")
    response = client.get("/open311/v2/requests.json", {"service_request_id": codes})
    assert response.status_code == 400
    assert "service_request_id" in response.json()[0]["description"]


@pytest.mark.django_db
def test_open311_codes_in_one_request_count_against_the_read_limit(org, settings):
    settings.PAKN_API_RATES = {**settings.PAKN_API_RATES, "read": (60, 60)}
    codes = ",".join(f"AAAA-{n:04d}" for n in range(40))
    client = Client(REMOTE_ADDR="198.51.100.31")
    assert client.get("/open311/v2/requests.json", {"service_request_id": codes}).status_code == 200
    refused = client.get("/open311/v2/requests.json", {"service_request_id": codes})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


@pytest.mark.django_db
def test_database_rate_store_counts_on_this_database(settings):
    """The production store without Redis, on the test database (SQLite or PostgreSQL): exact counts."""
    from pakn.core.ratelimit import rate_count, rate_hit

    settings.PAKN_RATE_STORE = "database"
    decisions = [rate_hit("db-store", "203.0.113.9", limit=3, window_seconds=60, now=1.8e9) for _ in range(5)]
    assert [d.count for d in decisions] == [1, 2, 3, 4, 5]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert rate_count("db-store", "203.0.113.9", window_seconds=60, now=1.8e9) == 5
    assert rate_hit("db-store", "203.0.113.9", limit=3, window_seconds=60, now=1.8e9 + 60).count == 1
