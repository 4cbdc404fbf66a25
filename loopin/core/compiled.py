"""An ORM query compiled to SQL once and run many times: the hot paths' constant SQL (issue 22).

The query is still written once, with the ORM, so the rule it carries lives in one place; what a hot path skips on
every call is building the QuerySet and compiling it (for the feed's live fields, ~5 ms of Python against ~0.5 ms
for running the SQL). The values that change between calls are *slots*: the builder is called once with sentinel
values, the compiled parameters are searched for them (as the slot's field adapts them for the database), and on
every call the same positions get the caller's values, adapted the same way. Rows come back as `.values()` gives
them, through the ORM's own converters.

    LIVE = CompiledQuery(
        lambda ids, now: Event.objects.filter(id__in=ids, start_at__gt=now).values("id", "title"),
        slots={"ids": UUIDField(), "now": DateTimeField()},
    )
    LIVE.rows(ids=[...], now=timezone.now())   # [{"id": ..., "title": ...}, ...]

A list slot is compiled once per length (an IN list of n values is n parameters). A builder must take from its
slots everything that changes (the time, the caller): a value it reads for itself would be frozen into the SQL, so
every slot must be found in the compiled parameters or compiling fails. `rows_orm` runs the same builder through
the ORM, for the tests that prove both give the same answer.

`first(qs)` is the query `qs.first()` runs (its own order, else the primary key's; one row), for a compiled read
that replaces a `.first()`; `row(...)` / `instance(...)` then give the one result or None.

`CompiledInstances` is the same for a query that gave model instances with `select_related` relations (one
level): every concrete column of the model and of each relation in one compiled statement, the instances built with
`Model.from_db` and each relation put where select_related puts it (so reading it costs no query).

`CompiledInsert(Model).insert(obj)` is the INSERT counterpart: what `obj.save()` does for a new instance (so what
`Model.objects.create(**kwargs)` runs for `Model(**kwargs)`), with the statement Django's own insert compiler writes,
compiled once per database instead of on every save. Per call only the values are made, as Django makes them: each
field's `pre_save(obj, add=True)` (auto_now_add, a NumberField's sequence) then `get_db_prep_save`. The signals are
sent as `save()` sends them (pre_save, post_save with created=True); a send with no receiver costs one lookup.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import AutoField, Field, Model, QuerySet, signals
from django.db.models.query import ValuesIterable
from django.db.models.sql import InsertQuery


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str, int | None], ...]  # (parameter position, slot name, index in a list slot)
    names: tuple[str, ...]
    col_count: int
    converters: dict[int, tuple[list[Any], Any]]


def _sentinel(field: Field) -> Any:
    """A value no real argument will equal, of the slot's type."""
    internal = field.get_internal_type()
    if internal == "UUIDField":
        return uuid.uuid4()
    if internal == "DateTimeField":
        base = dt.datetime(1901, 1, 1, tzinfo=dt.UTC)
        return base + dt.timedelta(seconds=random.randrange(10**8), microseconds=random.randrange(1, 10**6))  # noqa: S311
    if internal in ("IntegerField", "BigIntegerField", "PositiveIntegerField", "AutoField", "BigAutoField"):
        return random.randrange(10**12, 10**15)  # noqa: S311
    if internal in ("CharField", "TextField"):
        return f"\x00slot-{uuid.uuid4().hex}"
    raise TypeError(f"no sentinel for a {internal} slot")


def first(qs: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
    """The query `qs.first()` runs: in the queryset's order (the model's), else by primary key; at most one row."""
    return (qs if qs.ordered else qs.order_by("pk"))[:1]


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet[Any]], *, slots: Mapping[str, Field]) -> None:
        self.build = build
        self.slots = dict(slots)
        self._cache: dict[tuple[Any, ...], _Compiled | None] = {}

    def _adapt(self, name: str, value: Any, connection: Any) -> Any:
        return self.slots[name].get_db_prep_value(value, connection, prepared=False)

    def _compile(self, alias: str, lengths: tuple[tuple[str, int | None], ...]) -> _Compiled | None:
        connection = connections[alias]
        sentinels: dict[str, Any] = {}
        where: dict[Any, tuple[str, int | None]] = {}
        for name, n in lengths:
            if n is None:
                sentinels[name] = _sentinel(self.slots[name])
                where[self._adapt(name, sentinels[name], connection)] = (name, None)
            else:
                sentinels[name] = [_sentinel(self.slots[name]) for _ in range(n)]
                for i, value in enumerate(sentinels[name]):
                    where[self._adapt(name, value, connection)] = (name, i)
        qs = self.build(**sentinels)
        if qs._iterable_class is not ValuesIterable:
            raise TypeError("a compiled query is a .values() queryset")
        query = qs.query
        compiler = query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # e.g. an empty IN list: no row, as the ORM answers without asking the database
            return None
        slots = []
        for pos, param in enumerate(params):
            try:
                found = where.get(param)
            except TypeError:  # an unhashable constant (a list for an array lookup): not a slot
                found = None
            if found is not None:
                slots.append((pos, *found))
        missing = set(where.values()) - {(name, i) for _, name, i in slots}
        if missing:
            raise TypeError(f"slots not found in the compiled parameters (frozen by the builder?): {sorted(missing)}")
        names = (
            tuple(query.selected)
            if query.selected
            else (*query.extra_select, *query.values_select, *query.annotation_select)
        )
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            names=tuple(names),
            col_count=compiler.col_count,
            converters=compiler.get_converters(fields),
        )

    def compiled(self, alias: str = DEFAULT_DB_ALIAS, **values: Any) -> _Compiled | None:
        """The SQL for these values' list lengths (compiled on first use); None: the query can match no row."""
        lengths = tuple(
            (name, len(values[name]) if isinstance(values[name], (list, tuple)) else None) for name in self.slots
        )
        key = (alias, connections[alias].vendor, lengths)
        if key not in self._cache:
            self._cache[key] = self._compile(alias, lengths)
        return self._cache[key]

    def rows(self, alias: str = DEFAULT_DB_ALIAS, **values: Any) -> list[dict[str, Any]]:
        """Run the compiled SQL with these slot values; rows as the builder's `.values()` gives them."""
        if set(values) != set(self.slots):
            raise TypeError(f"give exactly the slots {sorted(self.slots)}")
        compiled = self.compiled(alias, **values)
        if compiled is None:
            return []
        connection = connections[alias]
        params = list(compiled.params)
        for pos, name, i in compiled.slots:
            value = values[name] if i is None else values[name][i]
            params[pos] = self._adapt(name, value, connection)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        names, width, converters = compiled.names, compiled.col_count, list(compiled.converters.items())
        out = []
        for raw in fetched:
            row = list(raw[:width])
            for pos, (convs, expression) in converters:
                value = row[pos]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[pos] = value
            out.append(dict(zip(names, row, strict=False)))
        return out

    def row(self, alias: str = DEFAULT_DB_ALIAS, **values: Any) -> dict[str, Any] | None:
        """The first row or None (what `.first()` gave, when the builder ends in `first(...)`)."""
        found = self.rows(alias, **values)
        return found[0] if found else None

    def rows_orm(self, **values: Any) -> list[dict[str, Any]]:
        """The same query built and run by the ORM, as every call did before (for the tests)."""
        return list(self.build(**values))


class CompiledInstances:
    """`build(**slots)` (a QuerySet of `model`) as instances with the given forward relations loaded, through one
    statement compiled once; what `build(**slots).select_related(*related)` gives."""

    def __init__(
        self,
        model: type[Model],
        build: Callable[..., QuerySet[Any]],
        *,
        related: tuple[str, ...],
        slots: Mapping[str, Field],
    ) -> None:
        self.model = model
        self.build = build
        self.related = related
        self._own = [f.attname for f in model._meta.concrete_fields]
        self._relations = []
        for name in related:
            rel_model = model._meta.get_field(name).related_model
            assert isinstance(rel_model, type) and issubclass(rel_model, Model)
            attnames = [f.attname for f in rel_model._meta.concrete_fields]
            self._relations.append((name, rel_model, attnames, f"{name}__{rel_model._meta.pk.attname}"))
        columns = [*self._own, *(f"{name}__{a}" for name, _, attnames, _ in self._relations for a in attnames)]
        self.query = CompiledQuery(lambda **values: build(**values).values(*columns), slots=slots)

    def instances(self, alias: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Any]:
        out = []
        for row in self.query.rows(alias, **values):
            obj = self.model.from_db(alias, self._own, [row[a] for a in self._own])
            for name, rel_model, attnames, pk in self._relations:
                related = None
                if row[pk] is not None:
                    related = rel_model.from_db(alias, attnames, [row[f"{name}__{a}"] for a in attnames])
                obj._state.fields_cache[name] = related
            out.append(obj)
        return out

    def instance(self, alias: str = DEFAULT_DB_ALIAS, **values: Any) -> Any | None:
        """The first instance or None (what `.first()` gave, when the builder ends in `first(...)`)."""
        found = self.instances(alias, **values)
        return found[0] if found else None

    def instances_orm(self, **values: Any) -> list[Any]:
        """The same query built and run by the ORM with select_related (for the tests)."""
        return list(self.build(**values).select_related(*self.related))


@dataclass(frozen=True)
class _CompiledInsert:
    sql: str
    fields: tuple[Field, ...]  # the columns, in the statement's order
    returning: tuple[Field, ...]  # set on the instance from the statement's answer
    returning_params: tuple[Any, ...]
    by_returning: bool  # read back with RETURNING (else the last insert id of an AutoField)
    converters: dict[int, tuple[list[Any], Any]]


class CompiledInsert:
    """`obj.save()` of a new `model` instance through an INSERT compiled once per database (see the module doc).

    Refuses what it does not mirror: inherited, proxy and ordered-with-respect-to models, fields with a db_default
    or a placeholder of their own (both change the statement per value), an expression as a value, an instance
    already saved (an insert never updates) or of another class. The model's own `save()` is not called: a model
    that overrides it is refused unless `own_save_kept` says its rule holds here too (AuditEntry's: never an update)."""

    def __init__(self, model: type[Model], *, own_save_kept: bool = False) -> None:
        meta = model._meta
        if model.save is not Model.save and not own_save_kept:
            raise TypeError(f"{meta.label} overrides save(), which a compiled insert does not call")
        if meta.parents or meta.proxy or meta.auto_created or meta.order_with_respect_to:
            raise TypeError(f"{meta.label}: only a plain model's insert is compiled")
        for field in meta.local_concrete_fields:
            if field.has_db_default() or hasattr(field, "get_placeholder"):
                raise TypeError(f"{meta.label}.{field.name}: a db_default or placeholder is not compiled")
        self.model = model
        self._cache: dict[tuple[str, str, bool], _CompiledInsert] = {}

    def _compile(self, alias: str, pk_set: bool) -> _CompiledInsert:
        meta = self.model._meta
        # What Model._save_table inserts and reads back.
        fields = tuple(
            f for f in meta.local_concrete_fields if not f.generated and (pk_set or f is not meta.auto_field)
        )
        returning = tuple(meta.db_returning_fields)
        query = InsertQuery(self.model)
        # Compiled by Django's own insert compiler, raw (no pre_save) from values of None: the same statement text.
        query.insert_values(list(fields), [_Blank(f.attname for f in fields)], raw=True)
        compiler = query.get_compiler(using=alias)
        compiler.returning_fields = list(returning) or None
        ((sql, params),) = compiler.as_sql()
        connection = connections[alias]
        by_returning = bool(returning) and connection.features.can_return_columns_from_insert
        if not returning or not (by_returning or isinstance(returning[0], AutoField)):
            returning = ()
        if len(params) != len(fields) + len(compiler.returning_params):
            raise TypeError(f"{meta.label}: the insert does not take one parameter a column")
        cols = [f.get_col(meta.db_table) for f in returning]
        return _CompiledInsert(
            sql=sql,
            fields=fields,
            returning=returning,
            returning_params=tuple(compiler.returning_params),
            by_returning=by_returning,
            converters=compiler.get_converters(cols),
        )

    def compiled(self, alias: str = DEFAULT_DB_ALIAS, *, pk_set: bool = True) -> _CompiledInsert:
        """The statement for this database (compiled on first use); `pk_set`: the instance brings its primary key."""
        key = (alias, connections[alias].vendor, pk_set)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._compile(alias, pk_set)
        return found

    def insert(self, obj: Model, *, using: str | None = None) -> None:
        """Insert `obj` as `obj.save()` would (a new instance: `Model.objects.create`'s insert); marks it saved."""
        model = self.model
        if type(obj) is not model:
            raise TypeError(f"a {model._meta.label} instance is inserted, not a {type(obj).__name__}")
        if not obj._state.adding:
            raise TypeError("only a new instance is inserted (an insert never updates)")
        obj._prepare_related_fields_for_save(operation_name="save")
        alias = using or router.db_for_write(model)
        signals.pre_save.send(sender=model, instance=obj, raw=False, using=alias, update_fields=None)
        connection = connections[alias]
        meta = model._meta
        with transaction.mark_for_rollback_on_error(using=alias):  # as save_base: a failed insert dooms the atomic
            pk_set = obj._is_pk_set(meta)
            if not pk_set:
                setattr(obj, meta.pk.attname, meta.pk.get_pk_value_on_save(obj))
                pk_set = obj._is_pk_set(meta)  # a Python default sets it; an AutoField's comes from the insert
            compiled = self.compiled(alias, pk_set=pk_set)
            params = []
            for field in compiled.fields:
                value = field.pre_save(obj, add=True)
                if hasattr(value, "resolve_expression"):
                    raise TypeError(f"{meta.label}.{field.name}: an expression is not compiled")
                params.append(field.get_db_prep_save(value, connection))
            params.extend(compiled.returning_params)
            with connection.cursor() as cursor:
                cursor.execute(compiled.sql, params)
                if compiled.returning:
                    if compiled.by_returning:
                        row = list(connection.ops.fetch_returned_insert_columns(cursor, compiled.returning_params))
                    else:
                        field = compiled.returning[0]
                        row = [connection.ops.last_insert_id(cursor, meta.db_table, field.column)]
                    for pos, (convs, expression) in compiled.converters.items():
                        for converter in convs:
                            row[pos] = converter(row[pos], expression, connection)
                    for value, field in zip(row, compiled.returning, strict=True):
                        setattr(obj, field.attname, value)
        obj._state.db = alias
        obj._state.adding = False
        signals.post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False, using=alias)


class _Blank:
    """An instance stand-in whose every column is None: what the insert is compiled from."""

    def __init__(self, attnames: Any) -> None:
        for attname in attnames:
            setattr(self, attname, None)
