"""Client applications allowed to submit through Open311 GeoReport v2, each with its own api_key."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """Another city's tool or a third-party app (DESIGN: Open311 at /open311/v2/). Only the key's hash is kept."""

    name = models.CharField(_("tên ứng dụng"), max_length=200)
    organisation = models.CharField(_("đơn vị sử dụng"), max_length=200, blank=True)
    contact_email = models.EmailField(_("thư điện tử liên hệ"), blank=True)
    key_prefix = models.CharField(_("đầu khóa"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("ứng dụng Open311")
        verbose_name_plural = _("ứng dụng Open311")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
