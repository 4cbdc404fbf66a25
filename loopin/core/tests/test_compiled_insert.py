"""`core.compiled.CompiledInsert`: a new instance inserted through SQL compiled once gives the row, the instance, the
errors and the signals `Model.objects.create` gives (Order with its NumberField, AuditEntry, an AutoField model)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Value, signals
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from loopin.accounts.models import User
from loopin.audit.models import AuditEntry
from loopin.audit.services import _INSERT as AUDIT_INSERT
from loopin.core.compiled import CompiledInsert
from loopin.events.models import Event
from loopin.events.tiers import default_tier
from loopin.payments.models import FeeConfig, Order, OrderStatus
from loopin.payments.services.orders import _INSERT as ORDER_INSERT
from loopin.people.models import HandleHistory
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory

pytestmark = pytest.mark.django_db

HANDLE_INSERT = CompiledInsert(HandleHistory)  # an AutoField primary key: read back from the insert


def _order_input(event: Event, user: Any) -> dict[str, Any]:
    return {
        "event": event,
        "user": user,
        "seats": 2,
        "tier": default_tier(event),
        "list_price": Decimal("499.00"),
        "promo_code": "",
        "discount_amount": Decimal("0"),
        "provider": "sandbox",
        "currency": "INR",
        "base_price": Decimal("499"),
        "fee_percent": Decimal("10.00"),
        "unit_total": Decimal("548.9"),
        "fee_amount": Decimal("99.80"),
        "host_earning": Decimal("998.00"),
        "total": Decimal("1097.80"),
        "hold_expires_at": datetime(2026, 12, 7, 14, 0, 0, 123456, tzinfo=UTC),
        "checkout": {"amount_due": "1097.80", "nested": [1, None, "x"]},
    }


def _audit_input(actor: Any, subject: Any) -> dict[str, Any]:
    return {
        "action": "order.created",
        "actor": actor,
        "subject": subject,
        "object_type": "payments.order",
        "object_id": str(uuid.uuid4()),
        "organisation_id": uuid.uuid4(),
        "ip": "2001:db8::1",
        "data": {"seats": 2, "total": "1097.80", "none": None},
    }


def _row(model: type[Model], pk: Any, *aside: str) -> dict[str, Any]:
    row = model._base_manager.filter(pk=pk).values().get()
    return {k: v for k, v in row.items() if k not in aside}


def _in_memory(obj: Model, *aside: str) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in aside}


def test_an_order_is_the_row_create_writes():
    event, user = PublishedEventFactory(is_paid=True, ticket_price=Decimal("499.00")), UserWithProfileFactory()
    created = Order.objects.create(**_order_input(event, user))
    made, stored = _in_memory(created), _row(Order, created.id)
    Order.objects.filter(id=created.id).delete()  # the same input again, the same primary key
    compiled = Order(id=created.id, **_order_input(event, user))
    ORDER_INSERT.insert(compiled)
    aside = ("number", "created_at", "updated_at")  # a sequence's next value, the time of the insert
    assert _row(Order, compiled.id, *aside) == {k: v for k, v in stored.items() if k not in aside}
    assert _in_memory(compiled, *aside) == {k: v for k, v in made.items() if k not in aside}
    assert compiled.number == created.number + 1
    assert _row(Order, compiled.id)["created_at"] == compiled.created_at > created.created_at
    assert _row(Order, compiled.id)["updated_at"] == compiled.updated_at


def test_an_audit_entry_is_the_row_create_writes():
    actor, subject = UserWithProfileFactory(), UserWithProfileFactory()
    given = _audit_input(actor, subject)
    created = AuditEntry.objects.create(**given)
    compiled = AuditEntry(**given)
    AUDIT_INSERT.insert(compiled)
    aside = ("id", "created_at")
    assert _row(AuditEntry, compiled.id, *aside) == _row(AuditEntry, created.id, *aside)
    assert _in_memory(compiled, *aside) == _in_memory(created, *aside)
    assert _row(AuditEntry, compiled.id)["created_at"] == compiled.created_at
    assert _row(AuditEntry, compiled.id)["ip"] == "2001:db8::1"


def test_an_audit_entry_with_nothing_optional_is_the_row_create_writes():
    created = AuditEntry.objects.create(action="audit.purged")
    compiled = AuditEntry(action="audit.purged")
    AUDIT_INSERT.insert(compiled)
    aside = ("id", "created_at")
    assert _row(AuditEntry, compiled.id, *aside) == _row(AuditEntry, created.id, *aside)
    assert _row(AuditEntry, compiled.id, *aside) == {
        "actor_id": None,
        "action": "audit.purged",
        "object_type": "",
        "object_id": "",
        "subject_id": None,
        "organisation_id": None,
        "ip": None,
        "data": {},
    }


def test_an_autofield_primary_key_is_read_back_from_the_insert():
    user = UserWithProfileFactory()
    released = datetime(2026, 12, 1, tzinfo=UTC)
    created = HandleHistory.objects.create(user=user, handle="old_one", released_at=released)
    compiled = HandleHistory(user=user, handle="old_one", released_at=released)
    HANDLE_INSERT.insert(compiled)
    assert isinstance(compiled.id, int) and compiled.id == created.id + 1
    assert _row(HandleHistory, compiled.id, "id") == _row(HandleHistory, created.id, "id")
    given = HandleHistory(id=created.id + 100, user=user, handle="given_id", released_at=released)
    HANDLE_INSERT.insert(given)  # a primary key brought along: inserted as given, compiled apart
    assert (given.id, _row(HandleHistory, given.id)["handle"]) == (created.id + 100, "given_id")


def test_the_instance_is_saved_and_saves_and_refreshes_as_usual():
    event, user = PublishedEventFactory(is_paid=True, ticket_price=Decimal("499.00")), UserWithProfileFactory()
    order = Order(**_order_input(event, user))
    assert order._state.adding is True
    ORDER_INSERT.insert(order)
    assert (order._state.adding, order._state.db) == (False, "default")
    order.status = OrderStatus.CANCELLED
    with CaptureQueriesContext(connection) as queries:
        order.save()
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE"]  # an update, not a second insert
    order.refresh_from_db()
    assert (order.status, Order.objects.filter(id=order.id).count()) == (OrderStatus.CANCELLED, 1)
    entry = AuditEntry(action="order.created")
    AUDIT_INSERT.insert(entry)
    entry.refresh_from_db()
    assert entry.action == "order.created"
    with pytest.raises(TypeError, match="append-only"):
        entry.save()  # AuditEntry's own rule, as for an entry made by create
    with pytest.raises(TypeError, match="only a new instance"):
        AUDIT_INSERT.insert(entry)  # nor a second insert of a saved one


@pytest.mark.parametrize("way", ["create", "compiled"])
def test_a_second_open_order_raises_and_a_savepoint_keeps_the_transaction(way):
    event, user = PublishedEventFactory(is_paid=True, ticket_price=Decimal("499.00")), UserWithProfileFactory()
    ORDER_INSERT.insert(Order(**_order_input(event, user)))

    def again() -> None:
        if way == "create":
            Order.objects.create(**_order_input(event, user))
        else:
            ORDER_INSERT.insert(Order(**_order_input(event, user)))

    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic():
            again()
        assert Order.objects.filter(event=event, user=user).count() == 1  # the savepoint undid only the insert
        with pytest.raises(IntegrityError):
            again()
        assert connection.needs_rollback  # without a savepoint the atomic block is doomed, as save() leaves it
        with pytest.raises(TransactionManagementError):
            Order.objects.count()
    assert Order.objects.filter(event=event, user=user).count() == 1


def test_the_statements_are_creates_and_the_sql_is_compiled_once():
    actor = UserWithProfileFactory()
    AUDIT_INSERT.insert(AuditEntry(action="warm"))
    compiled_sql = AUDIT_INSERT.compiled()
    with CaptureQueriesContext(connection) as by_create:
        AuditEntry.objects.create(**_audit_input(actor, None))
    with CaptureQueriesContext(connection) as by_compiled:
        AUDIT_INSERT.insert(AuditEntry(**_audit_input(actor, None)))
        AUDIT_INSERT.insert(AuditEntry(**_audit_input(actor, None)))
    assert AUDIT_INSERT.compiled() is compiled_sql  # the same statement object, not compiled again
    columns = [q["sql"].split(" VALUES ")[0] for q in by_create.captured_queries]
    assert [q["sql"].split(" VALUES ")[0] for q in by_compiled.captured_queries] == columns * 2
    assert columns == [compiled_sql.sql.split(" VALUES ")[0]]
    assert compiled_sql.sql.count("%s") == len(compiled_sql.fields) == 10


def test_the_signals_are_sent_as_create_sends_them():
    heard: list[tuple[str, dict[str, Any]]] = []

    def pre(sender: Any, instance: Any, **kwargs: Any) -> None:
        heard.append(("pre_save", {**kwargs, "sender": sender, "adding": instance._state.adding}))

    def post(sender: Any, instance: Any, **kwargs: Any) -> None:
        heard.append(("post_save", {**kwargs, "sender": sender, "adding": instance._state.adding}))

    signals.pre_save.connect(pre, sender=HandleHistory, dispatch_uid="test.compiled_insert.pre")
    signals.post_save.connect(post, sender=HandleHistory, dispatch_uid="test.compiled_insert.post")
    user, released = UserWithProfileFactory(), datetime(2026, 12, 1, tzinfo=UTC)
    try:
        HandleHistory.objects.create(user=user, handle="a", released_at=released)
        by_create, heard[:] = list(heard), []
        HANDLE_INSERT.insert(HandleHistory(user=user, handle="a", released_at=released))
    finally:
        signals.pre_save.disconnect(dispatch_uid="test.compiled_insert.pre", sender=HandleHistory)
        signals.post_save.disconnect(dispatch_uid="test.compiled_insert.post", sender=HandleHistory)
    assert [(name, {k: v for k, v in kw.items() if k != "signal"}) for name, kw in heard] == [
        (name, {k: v for k, v in kw.items() if k != "signal"}) for name, kw in by_create
    ]
    assert [name for name, _ in heard] == ["pre_save", "post_save"]
    assert heard[1][1]["created"] is True and heard[1][1]["update_fields"] is None


def test_what_it_does_not_mirror_is_refused():
    with pytest.raises(TypeError, match="overrides save"):
        CompiledInsert(FeeConfig)  # its save() pins the primary key
    with pytest.raises(TypeError, match="instance is inserted"):
        AUDIT_INSERT.insert(HandleHistory())
    with pytest.raises(TypeError, match="an expression is not compiled"), transaction.atomic():
        AUDIT_INSERT.insert(AuditEntry(action=Value("order.created")))
    unsaved = HandleHistory(user=User(id=None), handle="a", released_at=datetime(2026, 12, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="unsaved related object 'user'"):  # as save() refuses it
        HANDLE_INSERT.insert(unsaved)
    assert HandleHistory.objects.count() == AuditEntry.objects.count() == 0
