from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "pakn.reports"
    label = "reports"
    verbose_name = "Phản ánh, kiến nghị"

    def ready(self) -> None:
        # Staff media and moderation actions join the workflow table (pakn.reports.moderation).
        from pakn.reports import moderation  # noqa: F401
