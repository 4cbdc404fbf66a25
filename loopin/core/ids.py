"""Identifiers: short random codes for people to read, type and share; integer numbers for the app's dialect."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from typing import Any

from django.db import connections, migrations, models
from django.db.migrations.operations.base import Operation

# Crockford-style alphabet without look-alikes (no 0/O, 1/I/L, U).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def short_code(length: int = 8) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def url_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)


# ---------------------------------------------------------------- integer numbers (the app's ids)
#
# Rows keep their UUID primary key; the existing mobile app addresses them by a positive integer
# instead. Each numbered model has a `number` column filled from its own database sequence when the
# row is inserted: PostgreSQL's SEQUENCE (no lock, never rolled back, never reused), on SQLite a
# one-column AUTOINCREMENT table (SQLite never reuses its values; its writers are serialised anyway).

NUMBER_HELP = "The integer id the mobile app's dialect (/api/...) uses for this row."
_SEQUENCE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def _checked(sequence: str) -> str:
    if not _SEQUENCE_NAME.fullmatch(sequence):
        raise ValueError(f"bad sequence name {sequence!r}")
    return sequence


def number_next(sequence: str, *, using: str = "default") -> int:
    """The next value of a number sequence (created by `NumberSequence` in a migration)."""

    name = _checked(sequence)
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s)", [name])
            return int(cursor.fetchone()[0])
        cursor.execute(f'INSERT INTO "{name}" DEFAULT VALUES')  # checked identifier
        value = int(cursor.lastrowid)
        cursor.execute(f'DELETE FROM "{name}" WHERE id < %s', [value])  # noqa: S608 keeps the table one row
        return value


class NumberField(models.BigIntegerField):  # type: ignore[type-arg]  # Django's fields are generic only in the stubs
    """A unique positive integer taken from the model's sequence when the row is first inserted.

    `pre_save` runs for `save()` and for every object of a `bulk_create`, so no insert path misses it;
    an instance that is never saved takes no number.
    """

    def __init__(self, *args: Any, sequence: str = "", **kwargs: Any) -> None:
        self.sequence = _checked(sequence) if sequence else ""
        kwargs.setdefault("unique", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("help_text", NUMBER_HELP)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["sequence"] = self.sequence
        for key, default in (("unique", True), ("editable", False), ("blank", True), ("help_text", NUMBER_HELP)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if value is None and self.sequence:
            value = number_next(self.sequence)
            setattr(model_instance, self.attname, value)
        return value


class NumberSequence(Operation):
    """Migration operation: create a number sequence and number the existing rows in creation order."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, sequence: str, model_name: str, order_by: str) -> None:
        self.sequence = _checked(sequence)
        self.model_name = model_name
        self.order_by = order_by

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (
            self.__class__.__qualname__,
            [],
            {"sequence": self.sequence, "model_name": self.model_name, "order_by": self.order_by},
        )

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        connection = schema_editor.connection
        name = self.sequence
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}" AS bigint START 1')
            else:
                cursor.execute(f'CREATE TABLE IF NOT EXISTS "{name}" (id integer PRIMARY KEY AUTOINCREMENT)')
        model = to_state.apps.get_model(app_label, self.model_name)
        rows = model._base_manager.using(connection.alias).filter(number__isnull=True)
        for pk in list(rows.order_by(self.order_by, "pk").values_list("pk", flat=True)):
            model._base_manager.using(connection.alias).filter(pk=pk).update(
                number=number_next(name, using=connection.alias)
            )

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        with schema_editor.connection.cursor() as cursor:
            if schema_editor.connection.vendor == "postgresql":
                cursor.execute(f'DROP SEQUENCE IF EXISTS "{self.sequence}"')
            else:
                cursor.execute(f'DROP TABLE IF EXISTS "{self.sequence}"')

    def describe(self) -> str:
        return f"Create number sequence {self.sequence} and number existing {self.model_name} rows"


def numbered_field_operations(app_label: str, model_name: str, *, order_by: str) -> list[Operation]:
    """The three steps that give a model its `number`: nullable column, sequence + backfill, unique default."""

    sequence = f"{app_label}_{model_name}_number"
    return [
        migrations.AddField(model_name, "number", models.BigIntegerField(null=True, editable=False)),
        NumberSequence(sequence, model_name, order_by),
        migrations.AlterField(model_name, "number", number_field(app_label, model_name)),
    ]


def number_field(app_label: str, model_name: str) -> NumberField:
    return NumberField(sequence=f"{app_label}_{model_name}_number")
