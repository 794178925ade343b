"""Re-encryption of every encrypted column with the newest data key (docs/configuration.md, R-3.2)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import connection, models, transaction

from pakn.core.crypto import encrypted_fields, rotate

log = logging.getLogger(__name__)
BATCH = 500


@dataclass(frozen=True)
class Rotated:
    table: str
    rows: int


def data_key_rotate(*, batch: int = BATCH) -> list[Rotated]:
    """Re-encrypt every value of every encrypted column (crypto.encrypted_fields) with the first key of
    PAKN_DATA_KEY, table by table, in batches of `batch` rows.

    A row is updated only if its values are still those read (a compare-and-swap per row): a row the
    application rewrote meanwhile already carries the newest key and is left alone. A value no configured key
    can decrypt stops the run with an error naming the table (never the value).
    """
    return [
        Rotated(model._meta.db_table, _rotate_table(model, columns, batch))
        for model, columns in encrypted_fields()
    ]


def _rotate_table(model: type[models.Model], columns: list[str], batch: int) -> int:
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(str(model._meta.pk.column))  # type: ignore[union-attr]
    names = ", ".join(quote(c) for c in columns)
    assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
    unchanged = " AND ".join(f"COALESCE({quote(c)}, '') = %s" for c in columns)
    done, last = 0, None
    while True:
        # Raw values (the ciphertexts, not the clear text the model field would give), keyset by primary key.
        where = "" if last is None else f"WHERE {pk} > %s"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pk}, {names} FROM {table} {where} ORDER BY {pk} LIMIT %s",
                [batch] if last is None else [last, batch],
            )
            rows = cursor.fetchall()
        if not rows:
            return done
        with transaction.atomic(), connection.cursor() as cursor:
            for row in rows:
                old = [v or "" for v in row[1:]]
                try:
                    new = [rotate(v) for v in old]
                except Exception as e:
                    raise ValueError(
                        f"{model._meta.db_table}: a value no PAKN_DATA_KEY decrypts (row {row[0]})"
                    ) from e
                if new != old:
                    cursor.execute(
                        f"UPDATE {table} SET {assignments} WHERE {pk} = %s AND {unchanged}",
                        [*new, row[0], *old],
                    )
                    done += cursor.rowcount
        last = rows[-1][0]
