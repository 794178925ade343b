from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "pakn.stats"
    label = "stats"
    verbose_name = "Thống kê"

    def ready(self) -> None:
        # The facts of the statistics follow every event, in its transaction (pakn.stats.facts).
        from pakn.reports.listeners import add_event_listener
        from pakn.stats.facts import record

        add_event_listener(record)
