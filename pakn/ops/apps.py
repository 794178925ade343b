from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "pakn.ops"
    label = "ops"
    verbose_name = "Vận hành"

    def ready(self) -> None:
        from pakn.ops import checks  # noqa: F401  (registers the deploy checks)
