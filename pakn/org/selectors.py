"""Reads of the organisation shared by every surface."""

from __future__ import annotations

from django.db.models import QuerySet

from pakn.org.models import Agency


def forward_targets() -> QuerySet[Agency]:
    """Agencies the IOC may forward a report to (not province level)."""
    return (
        Agency.objects.filter(is_active=True)
        .exclude(kind__in=[Agency.Kind.IOC, Agency.Kind.SUPERVISOR])
        .select_related("parent")
        .order_by("kind", "name")
    )
