"""`pakn compile-translations`: .po → .mo with Babel, so no GNU gettext is needed on the machine."""

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Biên dịch các tệp bản dịch (.po → .mo)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        app_locales = sorted(Path(settings.BASE_DIR, "pakn").glob("*/locale"))
        for base in [*settings.LOCALE_PATHS, *app_locales]:
            for po_path in sorted(Path(base).glob("*/LC_MESSAGES/*.po")):
                with open(po_path, "rb") as f:
                    catalog = read_po(f)
                with open(po_path.with_suffix(".mo"), "wb") as f:
                    write_mo(f, catalog)
                count += 1
        self.stdout.write(f"Đã biên dịch {count} tệp bản dịch.")
