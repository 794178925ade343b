from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pakn.core"
    label = "core"
    verbose_name = "Hệ thống"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from pakn.core.collation import register_sqlite_collation
        from pakn.core.logs import install_job_logging

        connection_created.connect(register_sqlite_collation, dispatch_uid="pakn-vi-collation")
        install_job_logging()
