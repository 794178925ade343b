from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "pakn.reports"
    label = "reports"
    verbose_name = "Phản ánh, kiến nghị"
