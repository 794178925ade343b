"""Shared fixtures: the organisation of Lạng Sơn (2025 or 2022 data), named staff and a report factory."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pakn.org.models import Agency, Area, Category, User
from pakn.org.services import org_import, user_create

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# Migrations that seed reference data (categories, calendar overrides, deadline policies, message templates,
# response templates): each has a `seed(apps, schema_editor)`.
SEED_MIGRATIONS = (
    "pakn.org.migrations.0001_squashed_0007_category_proposals",
    "pakn.workdays.migrations.0001_squashed_0002_seed_2026_overrides",
    "pakn.reports.migrations.0001_squashed_0011_ban_lifting_opinion_overdue",
    "pakn.notify.migrations.0001_squashed_0011_kinds_after_follow",
    "pakn.console.migrations.0001_squashed_0002_seed_response_templates",
)


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Every transactional test restores the serialized database (serialized_rollback).

    A transactional test without it ends with a flush that re-creates the content types under new ids, and
    the next serialized test on the same worker then fails to load its copy ("UNIQUE constraint failed:
    django_content_type"): which tests share a worker depends on xdist, so the mix made failures depend on
    the order. With every one serialized, the flush never re-creates them.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(
                pytest.mark.django_db(*marker.args, **{**marker.kwargs, "serialized_rollback": True}),
                append=False,
            )


@pytest.fixture(autouse=True)
def _reference_data(request: Any) -> None:
    """Transactional tests (live server, threads) run after a flush that removed what migrations seeded;
    put the reference data back, as a fresh installation has it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for name in SEED_MIGRATIONS:
        importlib.import_module(name).seed(apps, None)


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations() -> None:
    """The catalogues compiled as `make setup` does (.mo files are not committed), before any test of this
    process reads one: Django keeps a process's catalogue once loaded, so a page rendered in English before
    the .mo existed stayed in Vietnamese for the rest of that worker (the English pages failed or passed
    depending on which worker ran a portal test first). The command replaces each file atomically, so
    workers compiling at once never read half a catalogue."""
    import io

    from django.core.management import call_command

    call_command("compile_translations", stdout=io.StringIO())
    # A module imported while collecting may have loaded a catalogue already: forget it, as Django does
    # when LOCALE_PATHS changes (django.test.signals.language_changed).
    from asgiref.local import Local
    from django.utils.translation import trans_real

    trans_real._translations = {}
    trans_real._default = None
    trans_real._active = Local()


@pytest.fixture(autouse=True)
def _rate_windows_start_with_the_test(monkeypatch: Any) -> None:
    """The rate limits count in fixed windows of the clock (1 minute for the API's reads, 10 minutes, 1 hour,
    1 day): a test that made its three allowed requests at 10:00:59.8 and expected the fourth to be refused
    at 10:01:00.3 got a 200 instead, which a loaded machine made likely. The limiter's clock starts each test
    at the start of a day (UTC; the start of every window) and follows the real clock from there, so a test's
    requests share one window unless the test outlasts it. A test that sets the clock with time_machine
    keeps the moment it chose."""
    import time

    import time_machine

    from pakn.core import ratelimit

    started = time.time()
    day_start = started - started % 86400

    class _Clock:
        @staticmethod
        def time() -> float:
            if time_machine.escape_hatch.is_travelling():
                return time.time()
            return day_start + (time.time() - started)

    monkeypatch.setattr(ratelimit, "time", _Clock)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Each test starts with an empty cache: rate-limit counts (failed sign-ins from 127.0.0.1 above all) of
    earlier tests in the same process must not refuse this one's requests."""
    from django.core.cache import cache

    from pakn.reports.freshness import forget_local_pages

    cache.clear()
    forget_local_pages()
    yield


@pytest.fixture(autouse=True)
def _vietnamese() -> Any:
    """Each test starts in the site's language: a request in English (a page's English version) leaves its
    language active in the thread, and the next test on the worker would read English labels."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


PASSWORD = "Pakn-test-2026!"
_names = itertools.count(1)


def at(text: str) -> datetime:
    """A local (Asia/Ho_Chi_Minh) moment from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(text).replace(tzinfo=VN)


def page_text(response: Any, status: int = 200) -> str:
    """A page's text, after checking it is the page asked for: a check that something is *not* on a page
    would pass on an error page too."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    return str(response.content.decode())


def make_user(agency: Agency, role: str, name: str = "", **extra: Any) -> User:
    n = next(_names)
    return user_create(
        actor=None,
        username=f"{role}{n}",
        password=PASSWORD,
        full_name=name or f"Cán bộ Thử {n}",
        agency=agency,
        role=role,
        **extra,
    )


@dataclass
class Org:
    """A province's organisation with one account for each role where a test needs it."""

    dataset: str
    ioc: Agency
    supervisor_agency: Agency
    commune_area: Area
    commune: Agency
    other_commune: Agency
    departments: list[Agency]
    category: Category
    people: dict[str, User] = field(default_factory=dict)

    @property
    def district(self) -> Agency | None:
        return (
            self.commune.parent if self.commune.parent and not self.commune.parent.is_province_level else None
        )

    def person(self, key: str, agency: Agency, role: str) -> User:
        if key not in self.people:
            self.people[key] = make_user(agency, role)
        return self.people[key]

    @property
    def operator(self) -> User:
        return self.person("operator", self.ioc, User.Role.OPERATOR)

    @property
    def ioc_leader(self) -> User:
        return self.person("ioc_leader", self.ioc, User.Role.LEADER)

    @property
    def supervisor(self) -> User:
        return self.person("supervisor", self.supervisor_agency, User.Role.SUPERVISOR)

    @property
    def commune_leader(self) -> User:
        return self.person("commune_leader", self.commune, User.Role.LEADER)

    @property
    def officer(self) -> User:
        return self.person("officer", self.commune, User.Role.OFFICER)

    @property
    def officer2(self) -> User:
        return self.person("officer2", self.commune, User.Role.OFFICER)

    @property
    def other_leader(self) -> User:
        return self.person("other_leader", self.other_commune, User.Role.LEADER)

    @property
    def district_leader(self) -> User:
        assert self.district is not None
        return self.person("district_leader", self.district, User.Role.LEADER)

    @property
    def district_officer(self) -> User:
        assert self.district is not None
        return self.person("district_officer", self.district, User.Role.OFFICER)

    def specialist(self, i: int) -> User:
        return self.person(f"specialist{i}", self.departments[i], User.Role.SPECIALIST)


def _org(dataset: str, commune_code: str, other_code: str) -> Org:
    org_import(dataset=dataset)
    ioc = Agency.objects.get(kind=Agency.Kind.IOC)
    area = Area.objects.get(dataset=dataset, code=commune_code)
    commune = Agency.objects.get(kind=Agency.Kind.COMMUNE, area=area, is_active=True)
    other = Agency.objects.get(kind=Agency.Kind.COMMUNE, area__code=other_code, area__dataset=dataset)
    return Org(
        dataset=dataset,
        ioc=ioc,
        supervisor_agency=Agency.objects.get(kind=Agency.Kind.SUPERVISOR),
        commune_area=area,
        commune=commune,
        other_commune=other,
        departments=list(Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).order_by("code")),
        category=Category.objects.get(code="ve-sinh-moi-truong"),
    )


@pytest.fixture
def org(db: Any) -> Org:
    """2025 data: commune → province (R-7.6). Phường Đông Kinh, and Phường Lương Văn Tri beside it."""
    return _org("2025", "5977", "5983")


@pytest.fixture
def org2022(db: Any) -> Org:
    """2022 data: commune → district → province; two communes of Thành phố Lạng Sơn."""
    return _org2022()


@pytest.fixture(params=["org", "org2022"])
def any_org(request: Any, db: Any) -> Org:
    """The same test on the 2025 and the 2022 data. It asks for `db` itself: a fixture reached only through
    getfixturevalue is unknown to pytest-django when it orders the tests, which then ran such tests after
    the transactional ones, on a flushed database."""
    return request.getfixturevalue(request.param)


def _org2022() -> Org:
    org_import(dataset="2022")
    communes = list(
        Area.objects.filter(dataset="2022", kind=Area.Kind.COMMUNE, parent__code="178").order_by("code")[:2]
    )
    return _org("2022", communes[0].code, communes[1].code)


VALID = {
    "content": "Đường Trần Đăng Ninh có ổ gà lớn trước số nhà 25, xe máy dễ ngã.",
    "reporter_name": "Nguyễn Văn An",
    "reporter_address": "Số 12 Lê Lợi, phường Đông Kinh",
    "reporter_phone": "0912345678",
    "reporter_id_number": "020123456789",
    "address_text": "Trước số 25 Trần Đăng Ninh",
    "latitude": 21.8537,
    "longitude": 106.7615,
    "declared_truthful": True,
}


@pytest.fixture
def submit(org: Org) -> Any:
    """Submit a valid report (R-5.1 complete) at a given moment; returns the Submission."""
    from pakn.reports.services import report_submit

    def _submit(now: datetime | None = None, **overrides: Any) -> Any:
        fields = {**VALID, "category": org.category, "area": org.commune_area, **overrides}
        return report_submit(now=now, **fields)

    return _submit


# --- Browser tests (Playwright for Python driving Debian's Chromium) ---------------------------------------

CHROMIUM = "/usr/bin/chromium"


def wait_until(page: Any, expression: str, timeout: float = 15.0) -> None:
    """Poll a JavaScript condition until it is true, with a deadline.

    Playwright's wait_for_function evaluates its predicate with eval() inside the page, which the site's
    Content-Security-Policy refuses (no 'unsafe-eval'); page.evaluate goes through the browser's debugging
    protocol, which the policy does not govern. An evaluation that fails while the page navigates (its
    context destroyed, an element not there yet) counts as "not yet".
    """
    import time

    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression):
                return
            problem = ""
        except Error as e:  # the page is navigating (its context went away, its element is not there yet)
            problem = f" (last: {e.message.splitlines()[0]})"
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout:.0f} s: {expression}{problem}")
        page.wait_for_timeout(100)


def evaluate_within(page: Any, function: str, arg: Any = None, timeout: float = 15.0) -> Any:
    """page.evaluate of an async function, failed after `timeout` seconds instead of waiting for ever.

    Playwright gives page.evaluate no timeout: a promise that never settles (a service worker that never
    becomes ready, an IndexedDB request left blocked) would hang the whole test run.
    """
    return page.evaluate(
        f"""([arg, ms]) => Promise.race([
            ({function})(arg),
            new Promise((_, reject) => setTimeout(() => reject(new Error(`not settled within ${{ms}} ms`)), ms)),
        ])""",
        [arg, int(timeout * 1000)],
    )


PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Any:
    """One headless Chromium for the session; tests that use it are marked `browser`."""
    import os
    import shutil

    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Any:
    """A desktop-sized page with `page.base_url` set to the live server."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Any:
    """A phone-sized page (390×844, touch, geolocation granted near Lạng Sơn)."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        geolocation={"latitude": 21.8537, "longitude": 106.7615},
        permissions=["geolocation"],
    )
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()
