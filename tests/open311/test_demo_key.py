"""`pakn demo --accounts-json` also writes an Open311 api key (issue 2, issue 5), kept across runs."""

from __future__ import annotations

import json

from django.core.management import call_command
from django.test import Client

from pakn.open311.models import ApiClient
from tests.open311.conftest import BASE


def test_the_demo_writes_a_working_open311_key_and_keeps_it(org, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    path = tmp_path / "accounts.json"
    call_command("demo", reports=3, accounts_json=path)
    accounts = json.loads(path.read_text())
    client_entry = next(a for a in accounts if a["role"] == "open311")
    key = client_entry["api_key"]
    assert key.startswith("o311_") and client_entry["password"] == ""
    assert all(a["password"] for a in accounts if a["role"] != "open311")

    posted = Client().post(
        f"{BASE}/requests.json",
        {
            "api_key": key,
            "service_code": "y-te",
            "description": "Thử khóa trình diễn.",
            "address_string": "Chợ",
        },
    )
    assert posted.status_code == 201

    call_command("demo", reports=3, accounts_json=path)
    again = next(a for a in json.loads(path.read_text()) if a["role"] == "open311")
    assert again["api_key"] == key and ApiClient.objects.count() == 1
