"""Who may see which statistics: the province, or an agency with the agencies below it (R-10.1, R-14.2).

- The supervisor (Văn phòng UBND tỉnh), the administrator and every official of the IOC see the whole
  province and may narrow it to any agency.
- A leader of any other agency sees his agency and those below it (its escalation subtree), never another's.
- Officers and departments' specialists see no statistics: their work lists are in the console.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from pakn.org.access import sees_province
from pakn.org.models import Agency, User
from pakn.reports.selectors import agency_subtree_ids

Role = User.Role


@dataclass(frozen=True)
class Scope:
    """The agencies whose figures are counted. `agency_ids` None means the whole province."""

    agency: Agency | None = None
    agency_ids: frozenset[int] | None = None
    exact: bool = False

    @property
    def is_province(self) -> bool:
        return self.agency_ids is None

    @property
    def label(self) -> str:
        if self.agency is None:
            return _("Toàn tỉnh")
        if self.exact or self.agency_ids == frozenset({self.agency.pk}):
            return self.agency.name
        return _("%(agency)s và các cơ quan trực thuộc") % {"agency": self.agency.name}

    def q(self, field: str) -> Q:
        """A filter on an agency foreign key (`field` without `_id`): everything for the province."""
        if self.agency_ids is None:
            return Q()
        return Q(**{f"{field}_id__in": sorted(self.agency_ids)})

    def contains(self, agency_id: int | None) -> bool:
        return self.agency_ids is None or agency_id in self.agency_ids

    def query(self) -> dict[str, str]:
        """The query parameters that select this scope (empty for the province)."""
        if self.agency is None:
            return {}
        params = {"agency": str(self.agency.pk)}
        if self.exact:
            params["exact"] = "1"
        return params

    def narrowed(self, agency: Agency) -> Scope:
        """Only this one agency (a row of a per-agency table); it must be inside this scope."""
        if not self.contains(agency.pk):
            raise PermissionDenied(_("Cơ quan này nằm ngoài phạm vi thống kê của bạn."))
        return Scope(agency, frozenset({agency.pk}), exact=True)


PROVINCE = Scope()


def home_scope(user: User) -> Scope | None:
    """The widest scope the user may see, or None when he may see no statistics."""
    if not user.is_authenticated or not user.is_active:
        return None
    if sees_province(user):
        return PROVINCE
    if user.role == Role.LEADER and user.agency is not None:
        return Scope(user.agency, frozenset(agency_subtree_ids(user.agency)))
    return None


def require_home_scope(user: User) -> Scope:
    scope = home_scope(user)
    if scope is None:
        raise PermissionDenied(
            _(
                "Chỉ lãnh đạo cơ quan, Văn phòng UBND tỉnh, Trung tâm IOC và quản trị hệ thống mới xem được "
                "thống kê."
            )
        )
    return scope


def scope_for(user: User, agency_id: str | int | None, *, exact: bool = False) -> Scope:
    """The scope a request asks for (an agency, with or without those below it), checked against the user's.

    Raises PermissionDenied when the agency is outside what the user may see, or does not exist (the same
    answer, so nobody learns which agencies exist outside his subtree).
    """
    home = require_home_scope(user)
    if agency_id in (None, ""):
        return home
    try:
        pk = int(agency_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise PermissionDenied(_("Cơ quan không hợp lệ.")) from None
    if not home.contains(pk):
        raise PermissionDenied(_("Cơ quan này nằm ngoài phạm vi thống kê của bạn."))
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None:
        raise PermissionDenied(_("Cơ quan này nằm ngoài phạm vi thống kê của bạn."))
    if exact:
        return Scope(agency, frozenset({agency.pk}), exact=True)
    ids = frozenset(agency_subtree_ids(agency))
    if home.agency_ids is not None:
        ids &= home.agency_ids
    return Scope(agency, ids)


def selectable_agencies(user: User) -> QuerySet[Agency]:
    """The agencies a user may choose as the scope of a report (for the form's list)."""
    home = require_home_scope(user)
    agencies = Agency.objects.order_by("kind", "name")
    if home.agency_ids is not None:
        agencies = agencies.filter(pk__in=sorted(home.agency_ids))
    return agencies
