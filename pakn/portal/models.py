"""What the portal keeps of its own: submissions by their client key (sent exactly once) and files held
while a form comes back with an error."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pakn.core.crypto import EncryptedTextField
from pakn.reports.models import Report


class PortalSubmission(models.Model):
    """One report sent through the portal, under the key its browser generated (R-6.2).

    A retry with the same key (a lost answer, an offline queue sending again, a double tap) gets the first
    answer instead of making a second report. The follow-up secret is kept encrypted for a day so a retry
    can show the private link again; then it is wiped (only its hash stays, on the report).
    """

    key = models.UUIDField(_("khóa gửi"), unique=True)
    report = models.OneToOneField(
        Report, null=True, on_delete=models.PROTECT, related_name="portal_submission"
    )
    secret = EncryptedTextField(blank=True)
    # SHA-256 of the sending browser's random cookie: a retry from that browser gets the private link again,
    # anyone else who learns the key (it is in the "sent" page's address) only the tracking code.
    sender_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("lượt gửi qua cổng")
        verbose_name_plural = _("lượt gửi qua cổng")

    def __str__(self) -> str:
        return str(self.key)


class StashedUpload(models.Model):
    """A checked file kept while its form comes back with an error, keyed by the form's submission key.

    Stored through the default storage under «portal-stash/», never served; removed once the report is sent
    or after a day.
    """

    form_key = models.UUIDField(db_index=True)
    file = models.FileField(upload_to="portal-stash/%Y/%m/")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class CitizenKey(models.Model):
    """What a citizen's sign-in challenge and session share: the browser's random key and the phone's
    look-up hash (both stored only as hashes), a life that expires, and an end (used, signed out, replaced)."""

    key_hash = models.CharField(max_length=64, unique=True)
    phone_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"#{self.pk}"


class SignInChallenge(CitizenKey):
    """A one-time code sent by SMS to sign in to "Phản ánh của tôi" (issue 14, item 8).

    The browser holds a random key (a cookie), stored here only as its SHA-256. The code is kept only as an
    HMAC under the look-up key with the challenge's key, so a copy of the database does not give it away even
    though six digits are few. The phone number is kept only as its keyed look-up hash (the one on reports).
    A challenge is made whether or not the number has reports (the same answer either way); it dies when it
    is used, expires, has been guessed wrong too often, or a newer code is asked for the same number.
    """

    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("mã đăng nhập Phản ánh của tôi")
        verbose_name_plural = _("mã đăng nhập Phản ánh của tôi")


class CitizenSession(CitizenKey):
    """A citizen signed in to "Phản ánh của tôi": his own cookie (`pakn_citizen`), never Django's session,
    so it can never carry a staff login. Short-lived from sign-in (not extended), ended by signing out."""

    class Meta:
        verbose_name = _("phiên Phản ánh của tôi")
        verbose_name_plural = _("phiên Phản ánh của tôi")
