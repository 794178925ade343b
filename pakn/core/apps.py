from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate

# Cache backends that each worker process keeps for itself: rate limits would multiply by the workers.
LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)


def create_cache_tables(sender: Any, using: str = "default", verbosity: int = 0, **kwargs: Any) -> None:
    """The database cache's table and the rate-limit counters, created with the schema (idempotent), so a
    fresh installation, a test database and an upgraded one all have them."""
    from django.core.management import call_command

    if sender.label != "sessions":  # post_migrate comes once per app with models; act once
        return
    from pakn.core.ratelimit import create_counter_table

    call_command("createcachetable", database=using, verbosity=0)
    create_counter_table(using)


def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.conf import settings

    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.PRODUCTION and backend in LOCAL_CACHES:
        return [
            checks.Error(
                f"The cache {backend} is per process: rate limits would not hold across workers",
                hint="Set PAKN_REDIS_URL, or leave it unset to use the database cache (docs/security.md)",
                id="core.E001",
            )
        ]
    return []


class CoreConfig(AppConfig):
    name = "pakn.core"
    label = "core"
    verbose_name = "Hệ thống"

    def ready(self) -> None:
        post_migrate.connect(create_cache_tables, dispatch_uid="pakn.core.create_cache_tables")
        checks.register(check_shared_cache, checks.Tags.security, deploy=False)
        from django.contrib.auth.signals import user_login_failed

        from pakn.core.logins import count_login_failure

        user_login_failed.connect(count_login_failure, dispatch_uid="pakn.core.count_login_failure")
        from django.db.backends.signals import connection_created

        from pakn.core.collation import register_sqlite_collation
        from pakn.core.logs import install_job_logging

        connection_created.connect(register_sqlite_collation, dispatch_uid="pakn-vi-collation")
        install_job_logging()
