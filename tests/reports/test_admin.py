"""The Django admin of reports: read-only, the report as its timeline seals it, no personal data (R-3.2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pakn.org.models import User
from pakn.reports.chain import SEALED_FIELDS
from pakn.reports.models import PERSONAL_FIELDS

pytestmark = pytest.mark.django_db


def test_a_report_page_shows_the_sealed_fields_and_no_personal_data(client, submit):
    """R-3.2, R-9.1: the administrator reads what the chain seals; the reporter's data stays in the console."""
    report = submit(reporter_name="Nguyễn Văn Riêng", reporter_address="12 Ngõ Kín").report
    admin_user = User.objects.create_superuser("quantri", "quantri@example.com", "Mat-khau-rat-dai-2025")
    client.force_login(admin_user)
    response = client.get(reverse("admin:reports_report_change", args=[report.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    shown = [name for name in dict.fromkeys(SEALED_FIELDS) if f"field-{name}" in page]
    assert shown == list(dict.fromkeys(SEALED_FIELDS))
    assert not any(f"field-{name}" in page for name in PERSONAL_FIELDS)
    assert "Nguyễn Văn Riêng" not in page and "12 Ngõ Kín" not in page
    # Read-only: no way to add, change or delete a report here.
    assert client.get(reverse("admin:reports_report_add")).status_code == 403
    assert client.post(reverse("admin:reports_report_delete", args=[report.pk])).status_code == 403
