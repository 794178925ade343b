"""The Django admin of the organisation, in Vietnamese (R-13.1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pakn.org.models import Agency, Area, Category, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, org_2022):
    user = User.objects.create_superuser("quantri", "quantri@example.com", "Mat-khau-rat-dai-2025")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["area", "agency", "category", "user"])
def test_changelist_pages_load(superuser_client, model):
    """R-13.1: the administrator manages areas, agencies, categories and accounts."""
    response = superuser_client.get(reverse(f"admin:org_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", ["area", "agency", "category", "user"])
def test_add_pages_load(superuser_client, model):
    """R-13.1."""
    assert superuser_client.get(reverse(f"admin:org_{model}_add")).status_code == 200


def test_change_pages_and_filters_load(superuser_client):
    """R-7.6: an agency and its chain can be edited; lists filter by dataset and kind."""
    agency = Agency.objects.get(code="ubnd-2022-6040")
    assert superuser_client.get(reverse("admin:org_agency_change", args=[agency.pk])).status_code == 200
    area = Area.objects.get(dataset="2022", code="6040")
    assert superuser_client.get(reverse("admin:org_area_change", args=[area.pk])).status_code == 200
    category = Category.objects.get(code="y-te")
    assert superuser_client.get(reverse("admin:org_category_change", args=[category.pk])).status_code == 200
    response = superuser_client.get(
        reverse("admin:org_area_changelist"), {"dataset": "2022", "kind": "district"}
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 11
    response = superuser_client.get(reverse("admin:org_agency_changelist"), {"q": "Thất Khê"})
    assert response.context["cl"].result_count == 1


def test_the_admin_speaks_vietnamese(superuser_client):
    """R-13.1: labels are Vietnamese."""
    response = superuser_client.get(reverse("admin:org_agency_changelist"))
    assert "cơ quan xử lý" in response.content.decode()


def test_an_account_with_a_misfitting_role_is_refused_in_the_admin(superuser_client):
    """R-3.1: the admin applies the same role/agency rule as user_create."""
    ioc = Agency.objects.get(code="ioc")
    data = {
        "username": "chuyenvien",
        "usable_password": "true",
        "password1": "Mat-khau-rat-dai-2025",
        "password2": "Mat-khau-rat-dai-2025",
        "last_name": "Trần",
        "first_name": "Bình",
        "agency": ioc.pk,
        "role": "specialist",
    }
    response = superuser_client.post(reverse("admin:org_user_add"), data)
    assert response.status_code == 200
    assert "không phù hợp" in response.content.decode()
    assert not User.objects.filter(username="chuyenvien").exists()

    data["role"] = "operator"
    response = superuser_client.post(reverse("admin:org_user_add"), data)
    assert response.status_code == 302
    user = User.objects.get(username="chuyenvien")
    assert (user.agency, user.role, user.is_staff) == (ioc, "operator", False)


def test_agency_autocomplete_answers(superuser_client):
    """R-7.6: the parent of an agency is chosen by search."""
    response = superuser_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "org", "model_name": "agency", "field_name": "parent", "term": "Tràng Định"},
    )
    assert response.status_code == 200
    assert any(r["text"] == "UBND Huyện Tràng Định" for r in response.json()["results"])


def test_an_account_edited_in_the_admin_keeps_the_role_rule(superuser_client):
    """R-3.1, R-13.1: the change form refuses a misfitting role and sets the staff flags from the role."""
    ioc = Agency.objects.get(code="ioc")
    user = User.objects.create_user("lanhdao", agency=ioc, role="leader", is_staff=True)
    url = reverse("admin:org_user_change", args=[user.pk])
    assert superuser_client.get(url).status_code == 200
    data = {
        "username": "lanhdao",
        "last_name": "Lê Văn",
        "first_name": "Cường",
        "agency": ioc.pk,
        "role": "supervisor",
        "is_active": "on",
        "date_joined_0": "2025-07-01",
        "date_joined_1": "08:00:00",
    }
    response = superuser_client.post(url, data)
    assert response.status_code == 200
    assert "không phù hợp" in response.content.decode()

    data["role"] = "leader"
    assert superuser_client.post(url, data).status_code == 302
    user.refresh_from_db()
    assert (user.get_full_name(), user.is_staff) == ("Lê Văn Cường", False)
