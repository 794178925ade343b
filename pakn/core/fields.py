"""Field factories for what every app's models declare alike.

An optional link (a foreign key that may be empty) is written the same way in every model: null in the
database, blank in forms, protected from deletion and without a reverse accessor unless it says otherwise.
The factory builds exactly the field the long form would, so migrations see no change.
"""

from __future__ import annotations

from typing import Any

from django.db import models


def optional_link(
    to: Any,
    verbose_name: Any = None,
    *,
    on_delete: Any = models.PROTECT,
    related_name: str = "+",
    **options: Any,
) -> Any:
    """A foreign key that may be empty: `null=True, blank=True`, PROTECT and no reverse accessor by default."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )
