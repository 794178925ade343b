from typing import Any

from django.apps import AppConfig


def _revoke_tokens_on_reset(sender: Any, *, user: Any, reason: str, **kwargs: Any) -> None:
    from pakn.api.models import RevokeReason
    from pakn.api.tokens import tokens_revoke_all

    tokens_revoke_all(
        user=user, reason=RevokeReason.SECOND_FACTOR if reason == "second_factor_reset" else reason
    )


class ApiConfig(AppConfig):
    name = "pakn.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from pakn.org.signals import credentials_reset

        credentials_reset.connect(_revoke_tokens_on_reset, dispatch_uid="pakn.api.revoke_tokens_on_reset")
