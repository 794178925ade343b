from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "pakn.ops"
    label = "ops"
    verbose_name = "Vận hành"
