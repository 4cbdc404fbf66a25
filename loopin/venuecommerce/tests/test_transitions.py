"""The order's state machine: every move in the table works for its actor, every other one is 409; the guest
cancels only before acceptance; a cancel gives stock back once; each state change pushes the guest."""

from __future__ import annotations

import pytest

from loopin.core.errors import Conflict
from loopin.notifications.models import Notification
from loopin.testing.factories import UserWithProfileFactory
from loopin.venuecommerce.models import VenueOrder
from loopin.venuecommerce.services.orders import DeliverTo, LineInput, order_place
from loopin.venuecommerce.services.transitions import order_cancel, order_transition
from loopin.venuecommerce.states import TRANSITIONS, OrderState, allowed_next

S = OrderState


def _order(world, *, fulfilment="pickup", quantity=1):
    return order_place(
        user=world.guest,
        event_id=world.event.id,
        counter_id=world.counter.id,
        lines=[LineInput(variant_id=world.water.id, quantity=quantity)],
        fulfilment=fulfilment,
        deliver_to=DeliverTo(table="7") if fulfilment == "delivery" else None,
    )


def _staff(world, order, to):
    return order_transition(user=world.owner, venue_id=world.venue.id, order_id=order.id, to=to)


def test_the_table_lists_each_move_and_who_makes_it():
    assert {(a, b): sorted(w) for (a, b), w in TRANSITIONS.items()} == {
        ("awaiting_payment", "placed"): ["system"],
        ("awaiting_payment", "cancelled"): ["guest", "system"],
        ("placed", "accepted"): ["staff"],
        ("placed", "cancelled"): ["guest", "staff"],
        ("accepted", "preparing"): ["staff"],
        ("accepted", "cancelled"): ["staff"],
        ("preparing", "ready"): ["staff"],
        ("preparing", "cancelled"): ["staff"],
        ("ready", "delivered"): ["staff"],
        ("ready", "picked_up"): ["staff"],
        ("ready", "cancelled"): ["staff"],
    }
    assert allowed_next("ready", actor="staff", fulfilment="pickup") == ["picked_up", "cancelled"]
    assert allowed_next("ready", actor="staff", fulfilment="delivery") == ["delivered", "cancelled"]


@pytest.mark.parametrize(
    ("fulfilment", "path"),
    [
        ("pickup", [S.ACCEPTED, S.PREPARING, S.READY, S.PICKED_UP]),
        ("delivery", [S.ACCEPTED, S.PREPARING, S.READY, S.DELIVERED]),
    ],
)
def test_staff_take_an_order_all_the_way_and_the_guest_hears_each_step(world, fulfilment, path):
    order = _order(world, fulfilment=fulfilment)
    for to in path:
        order = _staff(world, order, to)
        assert order.status == to
    assert (order.accepted_at is not None, order.ready_at is not None, order.completed_at is not None) == (True,) * 3
    pushed = list(Notification.objects.filter(user=world.guest, object_id=str(order.id)).order_by("created_at")
                  .values_list("type", flat=True))  # fmt: skip
    assert pushed == [f"venue_order.{s}" for s in ["placed", *path]]
    ready = Notification.objects.get(user=world.guest, type="venue_order.ready")
    where = ": pick it up at Main bar" if fulfilment == "pickup" else " and on its way to Table 7"
    assert ready.body == f"Your order is ready{where}."


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ([], S.PREPARING),  # placed -> preparing skips acceptance
        ([], S.READY),
        ([S.ACCEPTED], S.PLACED),  # never backwards
        ([S.ACCEPTED, S.PREPARING, S.READY], S.DELIVERED),  # a pickup order is picked up, not delivered
        ([S.ACCEPTED, S.PREPARING, S.READY, S.PICKED_UP], S.CANCELLED),  # done is done
    ],
)
def test_a_move_the_table_lacks_is_409_with_what_is_allowed(world, start, to):
    order = _order(world)
    for step in start:
        order = _staff(world, order, step)
    with pytest.raises(Conflict) as exc:
        _staff(world, order, to)
    assert exc.value.code == "ORDER_INVALID_TRANSITION"
    assert exc.value.details == {
        "from": order.status,
        "to": to,
        "allowed": allowed_next(order.status, actor="staff", fulfilment="pickup"),
    }
    assert VenueOrder.objects.get(id=order.id).status == order.status


def test_asking_for_the_current_state_again_changes_nothing(world):
    order = _staff(world, _order(world), S.ACCEPTED)
    again = _staff(world, order, S.ACCEPTED)
    assert (again.status, again.accepted_at) == (S.ACCEPTED, order.accepted_at)


def test_the_guest_cancels_before_acceptance_and_the_stock_comes_back_once(world):
    order = _order(world, quantity=2)
    cancelled = order_cancel(user=world.guest, event_id=world.event.id, order_id=order.id)
    assert (cancelled.status, cancelled.cancelled_by, cancelled.stock_held) == ("cancelled", "guest", False)
    order_cancel(user=world.guest, event_id=world.event.id, order_id=order.id)  # a retried tap
    world.water.refresh_from_db()
    assert world.water.stock == 5
    assert Notification.objects.filter(user=world.guest, type="venue_order.cancelled").count() == 1


def test_after_acceptance_only_staff_cancel(world):
    order = _staff(world, _order(world), S.ACCEPTED)
    with pytest.raises(Conflict) as exc:
        order_cancel(user=world.guest, event_id=world.event.id, order_id=order.id)
    assert exc.value.code == "ORDER_ALREADY_ACCEPTED"
    order = _staff(world, _staff(world, order, S.PREPARING), S.CANCELLED)
    assert (order.status, order.cancelled_by) == ("cancelled", "staff")
    world.water.refresh_from_db()
    assert world.water.stock == 5


def test_staff_of_another_venue_cannot_move_the_order(world, concessions_staff):
    order = _order(world)
    assert (
        order_transition(user=concessions_staff, venue_id=world.venue.id, order_id=order.id, to=S.ACCEPTED).status
        == S.ACCEPTED
    )
    with pytest.raises(Exception) as exc:
        order_transition(user=UserWithProfileFactory(), venue_id=world.venue.id, order_id=order.id, to=S.PREPARING)
    assert exc.value.code == "VENUE_ROLE_REQUIRED"
