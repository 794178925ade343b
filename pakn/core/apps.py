from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pakn.core"
    label = "core"
    verbose_name = "Hệ thống"
