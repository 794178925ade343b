"""`pakn compile-translations`: .po → .mo with Babel, so no GNU gettext is needed on the machine.

Each .mo is written beside its final name and renamed over it: a process reading the catalogue meanwhile (a
server, or a test worker while another compiles) sees the old file or the new one, never half of one."""

import os
import tempfile
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
                _write_atomically(po_path.with_suffix(".mo"), catalog)
                count += 1
        self.stdout.write(f"Đã biên dịch {count} tệp bản dịch.")


def _write_atomically(path: Path, catalog: Any) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write_mo(f, catalog)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
