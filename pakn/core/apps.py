from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pakn.core"
    label = "core"
    verbose_name = "Hệ thống"

    def ready(self) -> None:
        from pakn.core.logs import install_job_logging

        install_job_logging()
