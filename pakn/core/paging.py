"""Pages of long lists without counting every row (issue 13): at a million reports an exact COUNT(*) scanned
the whole table on every page view. The count stops at a cap; the pages beyond it are reached by narrowing
the filters (period, category, commune), which the lists offer."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A Django paginator whose count reads at most `cap` + 1 rows: `count` is at most `cap`, `capped` says
    whether there are more, and the pages stop at the cap (deep OFFSETs cost as much as a count)."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or COUNT_CAP

    @cached_property
    def _seen(self) -> int:
        rows: QuerySet[Any] = self.object_list  # type: ignore[assignment]  # a queryset, never a list here
        return int(rows.order_by()[: self.cap + 1].count())

    @cached_property
    def count(self) -> int:
        return min(self._seen, self.cap)

    @property
    def capped(self) -> bool:
        return self._seen > self.cap


def capped_counts(querysets: list[QuerySet[Any, Any]], limit: int) -> list[int]:
    """How many rows each queryset has, up to `limit`, in one query: one round trip instead of one each
    (`SELECT (SELECT COUNT(*) FROM (… LIMIT n)), …`; under load each round trip costs more than its count)."""
    selects: list[str] = []
    params: list[Any] = []
    for qs in querysets:
        try:
            sql, part = qs.order_by()[:limit].query.sql_with_params()
        except EmptyResultSet:
            selects.append("0")
            continue
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) capped)")
        params.extend(part)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        return [int(n) for n in cursor.fetchone()]
