"""Query expressions the ORM lacks on both our databases (issue 22's hot paths).

`JSONList` reads a short list with its row, in the same statement: the values of a one-column `.values()`
queryset (an OuterRef to the row, its own ORDER BY) as one JSON array, `[]` when there are none. Django 5.2's
aggregates to JSON (`JSONBAgg`, `ArrayAgg`) are PostgreSQL's only, so the SQL is written once per vendor:

    covers = EventImage.objects.filter(event_id=OuterRef("id")).order_by("position", "created_at")
    Event.objects.annotate(covers=JSONList(covers.values(pair=JSONArray("url", "image"))))  # [[url, image], ...]

Both keep the queryset's order: PostgreSQL makes an array of the ordered subquery's rows (an ARRAY(subquery)
holds its rows in the order the subquery gives them); SQLite before 3.44 has no ORDER BY inside an aggregate, so
JSON_GROUP_ARRAY reads the ordered subquery as a table, which SQLite neither reorders nor flattens (an ordered
subquery is never flattened into an aggregate query).
"""

from __future__ import annotations

from typing import Any

from django.db import NotSupportedError
from django.db.models import JSONField, QuerySet, Subquery


class JSONList(Subquery):
    def __init__(self, queryset: QuerySet[Any, Any], **extra: Any) -> None:
        query = queryset.query
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        if len(names) != 1:
            raise TypeError(f"a JSONList reads one column, not {names}")
        self.column = names[0]
        super().__init__(queryset, output_field=JSONField(), **extra)

    def as_sql(self, compiler: Any, connection: Any, template: str | None = None, **extra: Any) -> Any:
        raise NotSupportedError(f"JSONList is written for PostgreSQL and SQLite, not {connection.vendor}")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # JSONB, not JSON: psycopg hands Django jsonb as text, for the field's converter to decode like SQLite's.
        return super().as_sql(compiler, connection, template="TO_JSONB(ARRAY(%(subquery)s))", **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # JSON() marks the column's text as JSON again, so the array holds it as a value, not as a string.
        template = "(SELECT JSON_GROUP_ARRAY(JSON(%(column)s)) FROM (%(subquery)s))"
        column = connection.ops.quote_name(self.column)
        return super().as_sql(compiler, connection, template=template, column=column, **extra)
