from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "pakn.console"
    label = "console"
    verbose_name = "Trang cán bộ"
