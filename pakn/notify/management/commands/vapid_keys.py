"""`pakn vapid-keys`: print a new VAPID key pair for web push, as environment variables."""

from typing import Any

from django.core.management.base import BaseCommand

from pakn.notify.vapid import generate_vapid_keys


class Command(BaseCommand):
    help = "Tạo cặp khóa VAPID cho thông báo đẩy (in ra dạng biến môi trường)."

    def handle(self, *args: Any, **options: Any) -> None:
        keys = generate_vapid_keys()
        self.stdout.write(f"PAKN_VAPID_PUBLIC_KEY={keys['public_key']}")
        self.stdout.write(f"PAKN_VAPID_PRIVATE_KEY={keys['private_key']}")
