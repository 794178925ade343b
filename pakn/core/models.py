"""Records shared by every surface: remembered POST results (Idempotency-Key) of the REST API and Open311."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pakn.core.crypto import EncryptedTextField


class IdempotencyRecord(models.Model):
    """The first successful response to a POST with an Idempotency-Key, written in the effect's transaction.

    `scope` names who sent it (a user, an Open311 client, a reporter's report, or the public), so keys of
    different clients never meet; `fingerprint` is the SHA-256 of method, path and body. The response may
    hold a follow-up secret or personal data, so it is encrypted at rest like the reporter's data.
    """

    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("yêu cầu đã xử lý (Idempotency-Key)")
        verbose_name_plural = _("yêu cầu đã xử lý (Idempotency-Key)")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
