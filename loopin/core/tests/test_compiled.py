"""`core.compiled.CompiledQuery`: an ORM query compiled once, run with new slot values, rows as `.values()` gives."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import DateTimeField, UUIDField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loopin.accounts.models import User
from loopin.core.compiled import CompiledQuery, first
from loopin.people.models import Block
from loopin.testing.factories import UserWithProfileFactory

pytestmark = pytest.mark.django_db

PEOPLE = CompiledQuery(
    lambda ids: User.objects.filter(id__in=ids).order_by("name").values("id", "name", "date_joined"),
    slots={"ids": UUIDField()},
)


def test_rows_are_the_orms_values_with_converted_types():
    a, b, c = (UserWithProfileFactory(name=n) for n in ("Asha", "Bela", "Chitra"))
    rows = PEOPLE.rows(ids=[c.id, a.id])
    assert rows == PEOPLE.rows_orm(ids=[c.id, a.id])
    assert [(r["id"], r["name"]) for r in rows] == [(a.id, "Asha"), (c.id, "Chitra")]
    assert isinstance(rows[0]["id"], uuid.UUID) and rows[0]["date_joined"].tzinfo is not None
    assert [r["name"] for r in PEOPLE.rows(ids=[b.id])] == ["Bela"]  # another length: compiled apart
    assert [r["name"] for r in PEOPLE.rows(ids=[b.id, c.id, a.id])] == ["Asha", "Bela", "Chitra"]


def test_an_empty_list_matches_nothing_without_a_statement():
    UserWithProfileFactory()
    with CaptureQueriesContext(connection) as ctx:
        assert PEOPLE.rows(ids=[]) == []
    assert ctx.captured_queries == []


def test_a_builder_that_freezes_a_slot_is_refused():
    frozen = CompiledQuery(
        lambda since: User.objects.filter(date_joined__gte=timezone.now()).values("id"),
        slots={"since": DateTimeField()},
    )
    with pytest.raises(TypeError, match="slots not found"):
        frozen.rows(since=datetime(2026, 1, 1, tzinfo=UTC))


def test_only_values_querysets_compile():
    whole = CompiledQuery(lambda ids: User.objects.filter(id__in=ids), slots={"ids": UUIDField()})
    with pytest.raises(TypeError, match="values"):
        whole.rows(ids=[uuid.uuid4()])
    with pytest.raises(TypeError, match="exactly the slots"):
        PEOPLE.rows(ids=[uuid.uuid4()], extra=1)


def test_first_is_the_query_first_runs():
    UserWithProfileFactory(name="Asha")
    for qs in (User.objects.filter(name="Asha"), User.objects.order_by("-name"), Block.objects.all()):
        with CaptureQueriesContext(connection) as orm:
            qs.first()
        with CaptureQueriesContext(connection) as ours:
            list(first(qs))
        assert [q["sql"] for q in ours.captured_queries] == [q["sql"] for q in orm.captured_queries]
