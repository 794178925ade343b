"""Staff accounts: one per official, in one agency, with a role that fits it (R-3.1, R-13.1)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pakn.org.models import Agency, User
from pakn.org.services import user_create

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-rat-dai-2025"


def _create(agency: Agency | None, role: str, username: str = "canbo", **kwargs) -> User:
    return user_create(
        actor=kwargs.pop("actor", None),
        username=username,
        password=kwargs.pop("password", PASSWORD),
        full_name=kwargs.pop("full_name", "Nguyễn Văn An"),
        agency=agency,
        role=role,
        **kwargs,
    )


def _agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


# (role, agency code) pairs that fit: operator at the IOC, supervisor at the supervisor, specialist at a
# department, leader/officer anywhere but the supervisor, admin anywhere.
FITTING = [
    ("operator", "ioc"),
    ("supervisor", "vp-ubnd-tinh"),
    ("specialist", "so-y-te"),
    ("leader", "ubnd-2025-5977"),
    ("leader", "ioc"),
    ("leader", "cong-an-tinh"),
    ("officer", "ubnd-2025-5977"),
    ("officer", "moi-truong-do-thi"),
    ("admin", "ioc"),
    ("admin", "vp-ubnd-tinh"),
]
MISFITTING = [
    ("operator", "ubnd-2025-5977"),
    ("operator", "so-y-te"),
    ("supervisor", "ioc"),
    ("specialist", "ioc"),
    ("specialist", "ubnd-2025-5977"),
    ("leader", "vp-ubnd-tinh"),
    ("officer", "vp-ubnd-tinh"),
]


@pytest.mark.parametrize(("role", "code"), FITTING)
def test_a_role_that_fits_the_agency_is_accepted(org_2025, role, code):
    """R-3.1: each account belongs to one agency with one role."""
    user = _create(_agency(code), role)
    assert user.agency is not None
    assert (user.role, user.agency.code) == (role, code)
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(("role", "code"), MISFITTING)
def test_a_role_that_does_not_fit_the_agency_is_refused_in_vietnamese(org_2025, role, code):
    """R-3.1: an operator works at the IOC, a specialist at a department, the supervisor at its office."""
    with pytest.raises(ValidationError) as excinfo:
        _create(_agency(code), role)
    assert "không phù hợp" in str(excinfo.value)
    assert not User.objects.filter(username="canbo").exists()


def test_only_an_admin_may_have_no_agency(org_2025):
    """R-3.1: every official belongs to an agency; the system administrator may stand apart."""
    with pytest.raises(ValidationError, match="phải thuộc một cơ quan"):
        _create(None, "officer")
    assert _create(None, "admin").agency is None


def test_admin_role_enters_the_django_admin_and_others_do_not(org_2025):
    """R-13.1: administrators use /admin/; other staff use the console."""
    admin = _create(_agency("ioc"), "admin", username="quantri")
    assert admin.is_staff and admin.is_superuser
    leader = _create(_agency("ioc"), "leader", username="lanhdao")
    assert not leader.is_staff and not leader.is_superuser


def test_names_phone_and_focal_flag_are_kept(org_2025):
    """R-14.1: the focal official is flagged; names read in Vietnamese order."""
    user = _create(
        _agency("ubnd-2025-5977"),
        "officer",
        full_name="  Hoàng  Thị   Mai ",
        phone="0912 345 678",
        email="mai@langson.gov.vn",
        is_focal=True,
    )
    assert (user.last_name, user.first_name) == ("Hoàng Thị", "Mai")
    assert user.get_full_name() == str(user) == "Hoàng Thị Mai"
    assert user.phone == "+84912345678"
    assert user.is_focal


def test_bad_input_is_refused_in_vietnamese(org_2025):
    """R-3.1: one personal account per username; weak passwords and bad phones are refused."""
    _create(_agency("ioc"), "operator", username="tiepnhan")
    with pytest.raises(ValidationError, match="đã được dùng"):
        _create(_agency("ioc"), "operator", username="TiepNhan")
    with pytest.raises(ValidationError, match="Số điện thoại không hợp lệ"):
        _create(_agency("ioc"), "operator", username="khac", phone="123")
    with pytest.raises(ValidationError):
        _create(_agency("ioc"), "operator", username="khac", password="123")
    with pytest.raises(ValidationError, match="họ và tên"):
        _create(_agency("ioc"), "operator", username="khac", full_name=" ")
    with pytest.raises(ValidationError, match="Vai trò không hợp lệ"):
        _create(_agency("ioc"), "chief", username="khac")


def test_an_inactive_agency_takes_no_new_accounts(org_2022):
    """R-7.6: committees of the former dataset no longer get staff."""
    from pakn.org.services import org_import

    org_import(dataset="2025")
    with pytest.raises(ValidationError, match="ngừng hoạt động"):
        _create(_agency("ubnd-2022-6040"), "officer")


def test_only_an_administrator_creates_accounts(org_2025):
    """R-13.1: accounts are provisioned by the system administrator, and the actor is accountable."""
    leader = _create(_agency("ioc"), "leader", username="lanhdao")
    with pytest.raises(PermissionDenied):
        _create(_agency("ioc"), "officer", username="canbo2", actor=leader)
    admin = _create(_agency("ioc"), "admin", username="quantri")
    assert _create(_agency("ioc"), "officer", username="canbo2", actor=admin).role == "officer"
