"""The project-wide commands: demo data, key rotation, the serve and worker entry points."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from pakn.core import crypto
from pakn.demo.data import demo_load
from pakn.org.models import User
from pakn.reports.audit import verify_all
from pakn.reports.models import OPEN_STATES, Event, Report, State


@pytest.fixture
def areas(db):
    from pakn.org.services import org_import

    org_import(dataset="2025")


def test_demo_makes_accounts_per_role_and_consistent_reports_in_every_state(areas, tmp_path):
    """Issue 2 demo: one account per role and kind of agency, ~300 reports, consistent timelines."""
    out = tmp_path / "accounts.json"
    accounts, made = demo_load(reports=120, accounts_json=out)
    assert made == 120 and Report.objects.count() == 120
    roles = {a.role for a in accounts}
    assert roles == set(User.Role.values)
    written = json.loads(out.read_text())
    assert {"role", "agency", "username", "password"} <= set(written[0])
    states = set(Report.objects.values_list("state", flat=True))
    assert {State.RESOLVED, State.REJECTED, State.CANCELLED} <= states
    assert states & set(OPEN_STATES)
    assert list(verify_all()) == []
    assert Event.objects.filter(action="submit").count() == 120
    # Run again: it keeps what it made.
    _, again = demo_load(reports=120)
    assert again == 0 and Report.objects.count() == 120


def test_demo_command_prints_the_accounts(areas):
    out = StringIO()
    call_command("demo", reports=5, stdout=out)
    text = out.getvalue()
    assert "tiepnhan" in text and "mật khẩu chung" in text


def test_rotate_data_key_reencrypts_with_the_newest_key(areas):
    demo_load(reports=3)
    report = Report.objects.first()
    name = report.reporter_name
    new_key = Fernet.generate_key().decode()
    from django.conf import settings

    with override_settings(DATA_KEYS=[new_key, *settings.DATA_KEYS]):
        crypto._fernet.cache_clear()
        call_command("rotate_data_key", stdout=StringIO())
        with connection.cursor() as cursor:
            cursor.execute("SELECT reporter_name FROM reports_report WHERE id = %s", [report.pk])
            raw = cursor.fetchone()[0]
        assert Fernet(new_key).decrypt(raw.encode()).decode() == name
        assert Report.objects.get(pk=report.pk).reporter_name == name
    with override_settings(DATA_KEYS=[new_key]):
        crypto._fernet.cache_clear()
        assert Report.objects.get(pk=report.pk).reporter_name == name  # the old key is no longer needed
    crypto._fernet.cache_clear()


def test_worker_and_serve_commands_exist():
    from django.core.management import get_commands

    assert {
        "serve",
        "worker",
        "demo",
        "sweep",
        "audit",
        "calendar",
        "import_areas",
        "rotate_data_key",
    } <= set(get_commands())
