"""Open311 client applications are managed in the Django admin: the api_key is shown once, stored hashed."""

from __future__ import annotations

import re

from pakn.open311.models import ApiClient
from pakn.open311.services import client_for_key, key_hash


def _shown_key(response) -> str:
    match = re.search(r"(o311_[A-Za-z0-9_\-]+)", response.content.decode())
    assert match, "the new api_key is shown once"
    return match.group(1)


def test_the_admin_creates_a_client_and_shows_its_key_once(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/open311/apiclient/add/",
        {
            "name": "Cổng Hà Giang",
            "organisation": "UBND tỉnh bạn",
            "contact_email": "",
            "is_active": "on",
            "note": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    key = _shown_key(response)
    created = ApiClient.objects.get(name="Cổng Hà Giang")
    assert created.key_hash == key_hash(key) and key not in created.key_prefix + created.key_hash
    assert client_for_key(key) == created
    page = client.get(f"/admin/open311/apiclient/{created.pk}/change/")
    assert key not in page.content.decode()


def test_rotating_a_key_stops_the_old_one_at_once(client, admin_user, api_key):
    client.force_login(admin_user)
    target = ApiClient.objects.get()
    response = client.post(
        "/admin/open311/apiclient/",
        {"action": "rotate_keys", "_selected_action": [target.pk]},
        follow=True,
    )
    new = _shown_key(response)
    assert new != api_key
    assert client_for_key(api_key) is None and client_for_key(new) == target
