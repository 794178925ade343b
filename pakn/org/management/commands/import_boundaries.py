"""`pakn import-boundaries FILE.geojson`: commune boundaries, so that a pin names its commune (issue 14.11)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pakn.org.boundaries import boundaries_import


class Command(BaseCommand):
    help = "Nhập ranh giới xã, phường từ tệp GeoJSON (FeatureCollection các vùng Polygon/MultiPolygon)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="tệp GeoJSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as e:
            raise CommandError(f"Không đọc được tệp {path}: {e.strerror}.") from e
        try:
            result = boundaries_import(data=data, actor=None, source=path.name)
        except ValidationError as e:
            raise CommandError("\n".join(e.messages)) from e
        for line in result.summary():
            self.stdout.write(line)
