from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "pakn.stats"
    label = "stats"
    verbose_name = "Thống kê"
