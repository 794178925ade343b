"""`pakn check --deploy`: settings that work on one laptop but not on a production site."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.compatibility, deploy=True)
def production_shape(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    return shape_warnings(
        production=settings.PRODUCTION,
        engine=settings.DATABASES["default"]["ENGINE"],
        redis_url=settings.PAKN_REDIS_URL,
        proxy_https=bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None)),
        trusted_proxies=list(settings.PAKN_TRUSTED_PROXIES),
    )


def shape_warnings(
    *, production: bool, engine: str, redis_url: str, proxy_https: bool, trusted_proxies: list[str]
) -> list[Warning]:
    if not production:
        return []
    found = []
    if engine == "django.db.backends.sqlite3":
        found.append(
            Warning(
                "PAKN_ENV=production on SQLite: one machine only, no replica, no pgbouncer.",
                hint="Set PAKN_DATABASE_URL to PostgreSQL (deploy/README.md, step 2).",
                id="pakn.W101",
            )
        )
    if not redis_url:
        found.append(
            Warning(
                "PAKN_REDIS_URL is not set: rate limits count per web process and the queue is a file of "
                "this machine, so limits are not shared and a second machine's workers see no tasks.",
                hint="Set PAKN_REDIS_URL=redis://… (deploy/README.md, step 3).",
                id="pakn.W102",
            )
        )
    if proxy_https and not trusted_proxies:
        found.append(
            Warning(
                "PAKN_PROXY_HTTPS is on but PAKN_TRUSTED_PROXIES is empty: behind the proxy every client has the "
                "proxy's address, so all of them share one rate limit.",
                hint="Set PAKN_TRUSTED_PROXIES to nginx's address (127.0.0.1 on the same machine).",
                id="pakn.W103",
            )
        )
    return found
