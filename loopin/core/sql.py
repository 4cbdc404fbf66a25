"""Constant SQL written from the models' own names (issue 22's hot paths): quoted table and column names and
parameters prepared as the ORM prepares them, so one statement text works on PostgreSQL and SQLite alike."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Field, Model


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model: type[Model]) -> str:
    return quote(model._meta.db_table)


def field_of(model: type[Model], attname: str) -> Field[Any, Any]:
    field = model._meta.get_field(attname)  # get_field knows a foreign key's attname too
    assert isinstance(field, Field)
    return field


def column(model: type[Model], attname: str) -> str:
    return quote(str(field_of(model, attname).column))


def prep(model: type[Model], attname: str, value: Any) -> Any:
    """`value` as the ORM would send it for `model.attname` (a UUID as 32 hex digits on SQLite, for one)."""
    return field_of(model, attname).get_db_prep_save(value, connection)
