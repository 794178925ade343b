from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data driven through every app's real services: the top layer, above the surfaces."""

    name = "pakn.demo"
    label = "demo"
    verbose_name = "Dữ liệu trình diễn"
