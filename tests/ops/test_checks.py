"""`pakn check --deploy` warns about a production site that cannot grow beyond one machine (issue 15)."""

from __future__ import annotations

from pakn.ops.checks import production_shape, shape_warnings

SQLITE = "django.db.backends.sqlite3"
POSTGRES = "django.db.backends.postgresql"


def ids(**given):
    shape = {"production": True, "engine": POSTGRES, "redis_url": "redis://r/0", "proxy_https": True}
    return sorted(w.id for w in shape_warnings(**{**shape, "trusted_proxies": ["127.0.0.1"], **given}))


def test_a_demo_is_never_warned():
    assert ids(production=False, engine=SQLITE, redis_url="", trusted_proxies=[]) == []
    assert production_shape() == []  # the test settings are a demo's


def test_production_on_sqlite_without_redis_is_warned():
    assert ids(engine=SQLITE, redis_url="") == ["pakn.W101", "pakn.W102"]


def test_a_tls_proxy_without_trusted_proxies_is_warned():
    assert ids(trusted_proxies=[]) == ["pakn.W103"]


def test_the_production_shape_passes():
    assert ids() == []
