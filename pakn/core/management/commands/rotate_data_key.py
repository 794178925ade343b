"""`pakn rotate-data-key`: re-encrypt every stored personal field with the first (newest) PAKN_DATA_KEY."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from pakn.reports.crypto import rotate
from pakn.reports.models import Report

FIELDS = ("reporter_name", "reporter_address", "reporter_phone", "reporter_id_number", "reporter_email")


class Command(BaseCommand):
    help = "Mã hóa lại dữ liệu cá nhân bằng khóa mới nhất (khóa đầu tiên trong PAKN_DATA_KEY)."

    def handle(self, *args: Any, **options: Any) -> None:
        table = connection.ops.quote_name(Report._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f) for f in FIELDS)
        done = 0
        # Raw values: the ciphertexts, not the decrypted text the model field would give.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {columns} FROM {table} ORDER BY id")
            rows = cursor.fetchall()
        for start in range(0, len(rows), 500):
            with transaction.atomic(), connection.cursor() as cursor:
                for row in rows[start : start + 500]:
                    values = [rotate(v or "") for v in row[1:]]
                    assignments = ", ".join(f"{connection.ops.quote_name(f)} = %s" for f in FIELDS)
                    cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s", [*values, row[0]])
                    done += 1
        self.stdout.write(f"Đã mã hóa lại dữ liệu cá nhân của {done} phản ánh.")
