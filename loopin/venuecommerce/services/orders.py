"""Orders to your seat: a ticket holder orders during the event; counted stock is taken race-proof.

Who: a person holding a valid ticket for the event. When: from doors-open (the door's check-in opening,
`opens_minutes_before` the start, default CHECKIN_OPENS_MINUTES) until the event's end, while it is published.
Where: picked up at a counter of the event's venue, or delivered from that counter to the section/row/seat/table
the order gives. Stock: every counted variant is taken by one conditional UPDATE (`stock >= quantity`), in a
fixed order (variant id) so racing orders never deadlock; the order is refused (409 OUT_OF_STOCK, nothing
taken) when any line is short. Cancelling gives counted stock back exactly once (`stock_held`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, LoopinError, NotFound, PermissionDenied, ValidationFailed
from loopin.core.ids import short_code
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import Event, EventStatus
from loopin.tickets.models import Ticket, TicketStatus
from loopin.venuecommerce import payment
from loopin.venuecommerce.error_codes import VenueCommerceErrorCode
from loopin.venuecommerce.models import (
    Counter,
    EventAvailability,
    Fulfilment,
    MenuVariant,
    PaymentMethod,
    VenueOrder,
    VenueOrderLine,
)
from loopin.venuecommerce.pricing import line_price, order_totals
from loopin.venuecommerce.selectors import order_rows, ordering_window
from loopin.venuecommerce.services.transitions import order_mark_paid, order_payment_failed
from loopin.venuecommerce.states import OrderState

MAX_TIP = Decimal("5000.00")


@dataclass(frozen=True)
class LineInput:
    variant_id: uuid.UUID
    quantity: int


@dataclass(frozen=True)
class DeliverTo:
    section: str = ""
    row: str = ""
    seat: str = ""
    table: str = ""


def _event_for_ordering(user: User, event_id: uuid.UUID) -> tuple[Event, Ticket, uuid.UUID]:
    event = Event.objects.alive().select_related("venue").filter(id=event_id).first()
    ticket = (
        Ticket.objects.filter(event_id=event_id, user=user, status=TicketStatus.VALID).first()
        if event is not None
        else None
    )
    if event is None:
        raise NotFound("Event not found.", code=EventErrorCode.EVENT_NOT_FOUND)
    if ticket is None:
        raise PermissionDenied(
            "Only people holding a ticket for this event can order.", code=VenueCommerceErrorCode.ORDER_NEEDS_TICKET
        )
    if event.venue_id is None:
        raise BusinessRuleError("This event is not at a venue.", code=VenueCommerceErrorCode.EVENT_HAS_NO_VENUE)
    opens, closes = ordering_window(event)
    now = timezone.now()
    if event.status != EventStatus.PUBLISHED or not (opens <= now < closes):
        raise BusinessRuleError(
            "Orders are taken from doors-open until the event ends.",
            code=VenueCommerceErrorCode.ORDERING_CLOSED,
            details={"opens_at": opens.isoformat(), "closes_at": closes.isoformat(), "event_status": event.status},
        )
    return event, ticket, event.venue_id


def _merged(lines: list[LineInput]) -> dict[uuid.UUID, int]:
    if not lines:
        raise ValidationFailed.one("lines", "missing", "Order at least one thing.")
    merged: dict[uuid.UUID, int] = defaultdict(int)
    for line in lines:
        merged[line.variant_id] += line.quantity
    return dict(merged)


def _take_stock(variant_id: uuid.UUID, quantity: int) -> bool:
    """Take `quantity` of a counted variant (True), or find it uncounted (False); 409 OUT_OF_STOCK when short."""
    taken = MenuVariant.objects.filter(id=variant_id, stock__isnull=False, stock__gte=quantity).update(
        stock=F("stock") - quantity
    )
    if taken:
        return True
    left = MenuVariant.objects.filter(id=variant_id).values_list("stock", flat=True).first()
    if left is None:
        return False
    raise Conflict(
        "Not enough left of something you ordered.",
        code=VenueCommerceErrorCode.OUT_OF_STOCK,
        details={"variant_id": str(variant_id), "left": left, "asked": quantity},
    )


def order_place(
    *,
    user: User,
    event_id: uuid.UUID,
    counter_id: uuid.UUID,
    lines: list[LineInput],
    fulfilment: str = Fulfilment.PICKUP,
    deliver_to: DeliverTo | None = None,
    tip: Decimal = Decimal("0"),
    payment_method: str = PaymentMethod.CARD,
    note: str = "",
    idempotency_key: str = "",
) -> VenueOrder:
    """Order from the venue's menu to pick up at `counter_id` or have delivered to `deliver_to`.

    Paid by credits (placed at once) or by card (awaiting payment until the provider confirms); an order
    with nothing to pay is placed at once. Counted stock is taken now and given back if it is cancelled.
    With an `idempotency_key`, a retry of the same order returns the first one (one order, one payment)."""
    wanted = _merged(lines)
    deliver_to = deliver_to or DeliverTo()
    fingerprint = _fingerprint(event_id, counter_id, wanted, fulfilment, deliver_to, tip, payment_method, note)
    if idempotency_key:
        first = _order_for_key(user, idempotency_key, fingerprint)
        if first is not None:
            return _with_checkout(first)
    try:
        return _order_place(
            user=user,
            event_id=event_id,
            counter_id=counter_id,
            wanted=wanted,
            fulfilment=fulfilment,
            deliver_to=deliver_to,
            tip=tip,
            payment_method=payment_method,
            note=note,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
        )
    except IntegrityError:
        # A racer with the same key committed first (its insert held ours on the unique index); ours rolled back.
        first = _order_for_key(user, idempotency_key, fingerprint) if idempotency_key else None
        if first is None:
            raise
        return _with_checkout(first)


def _fingerprint(
    event_id: uuid.UUID,
    counter_id: uuid.UUID,
    wanted: dict[uuid.UUID, int],
    fulfilment: str,
    deliver_to: DeliverTo,
    tip: Decimal,
    payment_method: str,
    note: str,
) -> str:
    asked = {
        "event": str(event_id),
        "counter": str(counter_id),
        "lines": sorted((str(v), q) for v, q in wanted.items()),
        "fulfilment": fulfilment,
        "deliver_to": [deliver_to.section, deliver_to.row, deliver_to.seat, deliver_to.table],
        "tip": str(Decimal(tip).quantize(Decimal("0.01"))),
        "payment_method": payment_method,
        "note": note,
    }
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()


def _order_for_key(user: User, key: str, fingerprint: str) -> VenueOrder | None:
    """The order this key made, when it asked the same; 409 ORDER_KEY_REUSED when it asked something else."""
    first = order_rows().filter(user=user, idempotency_key=key).first()
    if first is not None and first.request_fingerprint != fingerprint:
        raise Conflict(code=VenueCommerceErrorCode.ORDER_KEY_REUSED, details={"order_id": str(first.id)})
    return first


def _order_place(
    *,
    user: User,
    event_id: uuid.UUID,
    counter_id: uuid.UUID,
    wanted: dict[uuid.UUID, int],
    fulfilment: str,
    deliver_to: DeliverTo,
    tip: Decimal,
    payment_method: str,
    note: str,
    idempotency_key: str,
    fingerprint: str,
) -> VenueOrder:
    if fulfilment == Fulfilment.DELIVERY and not (deliver_to.section or deliver_to.seat or deliver_to.table):
        raise ValidationFailed.one("deliver_to", "missing", "Say where to bring it: a section, seat or table.")
    if not Decimal("0") <= tip <= MAX_TIP:
        raise ValidationFailed.one("tip", "out_of_range", f"A tip is between 0 and {MAX_TIP}.")
    if payment_method not in PaymentMethod.values:
        raise ValidationFailed.one("payment_method", "invalid", "Pay by card or credits.")
    event, ticket, venue_id = _event_for_ordering(user, event_id)
    with transaction.atomic():
        counter = Counter.objects.filter(id=counter_id, venue_id=venue_id).first()
        if counter is None:
            raise NotFound("The venue has no such counter.", code=VenueCommerceErrorCode.COUNTER_NOT_FOUND)
        if not counter.is_open:
            raise BusinessRuleError("This counter is closed now.", code=VenueCommerceErrorCode.COUNTER_CLOSED)
        variants = {
            v.id: v
            for v in MenuVariant.objects.select_related("item").filter(id__in=list(wanted), item__venue_id=venue_id)
        }
        missing = [str(v) for v in wanted if v not in variants]
        if missing:
            raise NotFound(
                "Something you ordered is not on this venue's menu.",
                code=VenueCommerceErrorCode.MENU_VARIANT_NOT_FOUND,
                details={"variant_ids": missing},
            )
        overrides = dict(
            EventAvailability.objects.filter(
                event=event, item_id__in=[v.item_id for v in variants.values()]
            ).values_list("item_id", "is_available")
        )
        for v in variants.values():
            if not (v.is_active and overrides.get(v.item_id, v.item.is_active)):
                raise BusinessRuleError(
                    f"{v.item.name} ({v.name}) is not sold at this event.",
                    code=VenueCommerceErrorCode.ITEM_NOT_AVAILABLE,
                    details={"variant_id": str(v.id)},
                )
        priced = {
            vid: line_price(unit_price=variants[vid].price, quantity=q, gst_rate=variants[vid].item.gst_rate)
            for vid, q in wanted.items()
        }
        totals = order_totals(list(priced.values()), tip=tip)
        order = VenueOrder.objects.create(
            code=short_code(6),
            venue_id=venue_id,
            event=event,
            user=user,
            ticket=ticket,
            counter=counter,
            status=OrderState.AWAITING_PAYMENT,
            fulfilment=fulfilment,
            section=deliver_to.section if fulfilment == Fulfilment.DELIVERY else "",
            row=deliver_to.row if fulfilment == Fulfilment.DELIVERY else "",
            seat=deliver_to.seat if fulfilment == Fulfilment.DELIVERY else "",
            table=deliver_to.table if fulfilment == Fulfilment.DELIVERY else "",
            note=note,
            subtotal=totals.subtotal,
            tax_total=totals.tax_total,
            tip=totals.tip,
            total=totals.total,
            payment_method=payment_method,
            idempotency_key=idempotency_key,
            request_fingerprint=fingerprint if idempotency_key else "",
        )
        for vid in sorted(wanted):  # one fixed order of row locks: racing orders queue, never deadlock
            v, line = variants[vid], priced[vid]
            VenueOrderLine.objects.create(
                order=order,
                variant=v,
                item_name=v.item.name,
                variant_name=v.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                gst_rate=line.gst_rate,
                net=line.net,
                tax=line.tax,
                total=line.total,
                stock_counted=_take_stock(vid, line.quantity),
            )
        audit_record(
            action="venue_order.created",
            actor=user,
            obj=order,
            data={"event_id": str(event.id), "total": str(order.total), "payment_method": payment_method},
        )
        if order.total == 0:
            order_mark_paid(order=order, reference="")
        elif payment_method == PaymentMethod.CREDITS:
            order_mark_paid(order=order, reference=payment.credits_charge(order))
    return _with_checkout(order_rows().get(id=order.id))


def _with_checkout(order: VenueOrder) -> VenueOrder:
    """A card order awaiting payment with its checkout, opened if it is not stored yet (outside any transaction:
    no row is locked over the network). A retry that arrives while the first request is still opening it gets
    the same one: the order has one pending charge (`charge_create` answers it again, and its checkout is kept
    once by the provider order id), so both store and answer the same checkout."""
    if order.status != OrderState.AWAITING_PAYMENT or order.checkout:
        return order
    try:
        reference, checkout = payment.card_checkout(order)
    except LoopinError:
        order_payment_failed(order_id=order.id, reason="the card payment could not start")
        raise
    VenueOrder.objects.filter(id=order.id).update(payment_reference=reference, checkout=checkout)
    return order_rows().get(id=order.id)
