"""After commit: pushes to the guest on each state change (the notification centre), the live status over the
socket (`venue_order` to the guest's `user:{id}` and to the counter's `venue_counter:{id}` room), and the
invitation of a person asked to work at a venue. A failure here is logged, never the caller's."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction

from loopin.core.logging import get_logger
from loopin.notifications.services import notify
from loopin.realtime import emit, user_room
from loopin.venuecommerce.models import VenueOrder, VenueStaff
from loopin.venuecommerce.schemas import VenueOrderOut
from loopin.venuecommerce.selectors import order_rows

log = get_logger("loopin.venuecommerce.notify")


def counter_room(counter_id: Any) -> str:
    return f"venue_counter:{counter_id}"


def after_commit(fn: Callable[..., None], **kwargs: Any) -> None:
    def run() -> None:
        try:
            fn(**kwargs)
        except Exception:  # a push or a socket is never worth failing the order for
            log.exception("venue_commerce_notify_failed", kind=fn.__name__)

    transaction.on_commit(run)


def _where(order: VenueOrder) -> str:
    if order.fulfilment == "delivery":
        return f" and on its way to {order.deliver_to}"
    return f": pick it up at {order.counter.name}"


def order_changed(*, order_id: uuid.UUID) -> None:
    order = order_rows().select_related("event").filter(id=order_id).first()
    if order is None:
        return
    guest = VenueOrderOut.from_model(order).model_dump(mode="json")
    staff = VenueOrderOut.from_model(order, actor="staff").model_dump(mode="json")
    emit(user_room(order.user_id), "venue_order", guest)
    emit(counter_room(order.counter_id), "venue_order", staff)
    if order.status == "awaiting_payment":
        return
    notify(
        user_id=order.user_id,
        key=f"venue_order.{order.status}",
        context={
            "code": order.code,
            "event_title": order.event.title,
            "counter_name": order.counter.name,
            "where": _where(order),
            "total": str(order.total),
            "reason": order.cancel_reason[:1].upper() + order.cancel_reason[1:],
        },
        object_type="venue_order",
        object_id=order.id,
        data={"order_id": str(order.id), "event_id": str(order.event_id), "status": order.status},
        dedupe_key=f"venue_order.{order.status}:{order.id}",
    )


def staff_invited(*, staff_id: uuid.UUID) -> None:
    row = VenueStaff.objects.select_related("venue", "added_by").filter(id=staff_id).first()
    if row is None:
        return
    notify(
        user_id=row.user_id,
        key="venue_staff.invited",
        context={
            "venue_name": row.venue.name,
            "role": row.get_role_display().split(":")[0],
            "inviter_name": row.added_by.name if row.added_by else "Loopin",
        },
        object_type="venue",
        object_id=row.venue_id,
        data={"venue_id": str(row.venue_id), "role": row.role},
        dedupe_key=f"venue_staff.invited:{row.id}",
    )
