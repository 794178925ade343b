from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pakn.api"
    label = "api"
    verbose_name = "API"
