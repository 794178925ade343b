"""Who may see what across the province: the rules every surface shares (R-14.2)."""

from __future__ import annotations

from typing import Any

from pakn.org.models import Agency, User

Role = User.Role


def sees_province(user: Any) -> bool:
    """The supervisor (Văn phòng UBND tỉnh), administrators and the IOC see the whole province."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.role in (Role.SUPERVISOR, Role.ADMIN):
        return True
    return user.agency is not None and user.agency.kind == Agency.Kind.IOC


def may_see_statistics(user: Any) -> bool:
    """The province-wide roles, and the leaders of an agency for their agency's subtree (R-14.2)."""
    if sees_province(user):
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == Role.LEADER
        and user.agency_id is not None
    )
