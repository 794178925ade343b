"""A real streaming replica (issue 15, item 4; R-9.2 public lists, R-12 statistics): public lists, open data
and statistics read from the replica; whatever a person has just written is read from the primary.

A throwaway primary (initdb on a free port) and its replica (pg_basebackup -R) are started in a temporary
directory and stopped at the end; the machine's PostgreSQL server is not touched. Replay on the replica is
paused while a report is submitted, so the test can tell which server answered each request.
"""

from __future__ import annotations

import os

import pytest
import testenv

pytestmark = pytest.mark.postgres

SUBMISSION = {
    "category": "ve-sinh-moi-truong",
    "area": "5977",
    "content": "Rác thải đổ trộm ven đường Bà Triệu, bốc mùi nhiều ngày.",
    "reporter_name": "Nguyễn Thị Bình",
    "reporter_phone": "0912000111",
    "reporter_id_number": "020198765432",
    "reporter_address": "Số 3 Bà Triệu",
    "address_text": "Đầu đường Bà Triệu",
    "declared_truthful": "true",
}


@pytest.fixture
def site(tmp_path):
    missing = testenv.missing_tools("pg_ctl", "openssl")
    if missing:
        pytest.skip("the replica test needs " + ", ".join(missing))
    if os.geteuid() == 0 and not testenv.shutil.which("runuser"):
        pytest.skip("the replica test needs runuser to start PostgreSQL as the postgres user")
    workdir = tmp_path
    with testenv.primary_and_replica() as (primary, replica):
        with primary.connect() as conn:
            conn.execute("CREATE DATABASE pakn")
        env = testenv.pakn_env(
            {
                "PAKN_DATABASE_URL": primary.url("pakn"),
                "PAKN_DATABASE_REPLICA_URL": replica.url("pakn"),
                "PAKN_DATA_DIR": str(workdir / "data"),
                "PAKN_DEBUG": "false",
                "PAKN_LOG_LEVEL": "WARNING",
                "PAKN_API_SUBMITS_PER_10_MINUTES": "1000",
            }
        )
        testenv.run_pakn(env, "migrate", "--noinput", "-v0")
        testenv.run_pakn(env, "import-areas", "--dataset", "2025")
        port = testenv.free_port()
        node = testenv.Process(
            "node",
            testenv.pakn(
                "serve",
                "--no-worker",
                "--no-collectstatic",
                "--web-workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
            ),
            workdir / "node.log",
            env=env,
            cwd=testenv.ROOT,
        ).start()
        try:
            url = f"http://127.0.0.1:{port}"
            testenv.wait_until(
                lambda: testenv.http_ok(url + "/healthz"), timeout=60, what="pakn serve", log=node.log
            )
            yield url, primary, replica
        finally:
            node.stop()


def _areas(cluster: testenv.PostgresCluster) -> int:
    with cluster.connect("pakn") as conn:
        row = conn.execute("SELECT count(*) FROM org_area").fetchone()
    return int(row[0]) if row else 0


def test_public_reads_come_from_the_replica_and_everything_else_from_the_primary(site):
    import requests

    url, primary, replica = site
    with replica.connect("pakn") as conn:
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
    total = _areas(primary)
    testenv.wait_until(lambda: _areas(replica) == total, timeout=30, what="the replica catching up")
    with replica.connect("pakn") as conn:
        conn.execute("SELECT pg_wal_replay_pause()")

    citizen = requests.Session()
    sent = citizen.post(f"{url}/api/v1/reports", data=SUBMISSION, timeout=30)
    assert sent.status_code == 201, sent.text
    code, secret = sent.json()["tracking_code"], sent.json()["secret"]
    assert citizen.cookies.get("pakn_primary") == "1"  # the writer is pinned to the primary for a while

    # The person who just wrote sees it at once: his follow-up, and the public pages while pinned.
    mine = citizen.get(f"{url}/api/v1/my/report", headers={"X-Report-Secret": secret}, timeout=10)
    assert mine.status_code == 200 and mine.json()["tracking_code"] == code
    assert citizen.get(f"{url}/api/v1/reports/{code}", timeout=10).status_code == 200
    assert code in citizen.get(f"{url}/phan-anh/", timeout=10).text

    # Anyone else reads the public list, the detail, open data and statistics from the paused replica.
    public = requests.Session()
    assert public.get(f"{url}/api/v1/reports/{code}", timeout=10).status_code == 404
    listing = public.get(f"{url}/phan-anh/", timeout=10)
    assert listing.status_code == 200 and code not in listing.text
    opendata = public.get(f"{url}/du-lieu-mo/phan-anh.json", timeout=10)
    assert opendata.status_code == 200 and code not in opendata.text

    with replica.connect("pakn") as conn:
        conn.execute("SELECT pg_wal_replay_resume()")
    testenv.wait_until(
        lambda: public.get(f"{url}/api/v1/reports/{code}", timeout=10).status_code == 200,
        timeout=30,
        what="the replica replaying the submission",
    )
    assert code in public.get(f"{url}/phan-anh/", timeout=10).text
    assert code in public.get(f"{url}/du-lieu-mo/phan-anh.json", timeout=10).text

    ready = requests.get(f"{url}/readyz", timeout=10).json()
    assert ready["checks"]["replica"]["ok"] is True
    assert ready["checks"]["replica"]["in_recovery"] is True
    assert 0 <= ready["checks"]["replica"]["replay_lag_seconds"] < 120
    assert ready["checks"]["database"]["ok"] is True

    # Migrations ran on the primary only and arrived by replication; the replica refuses writes (had the
    # router sent one there, the submission above would have failed).
    with replica.connect("pakn") as conn:
        applied = conn.execute("SELECT count(*) FROM django_migrations").fetchone()
    with primary.connect("pakn") as conn:
        assert conn.execute("SELECT count(*) FROM django_migrations").fetchone() == applied
    with replica.connect("pakn") as conn, pytest.raises(Exception, match="read-only"):
        conn.execute("CREATE TABLE should_fail (id int)")
