"""Hosts' ticket tiers: add, change, remove (only while nothing was sold; otherwise hide it or end its sales).

The event row is locked first (as `loopin.participation.seats` takes event then tier), so a host's change and a
buyer's seat never wait on each other crosswise.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, ValidationFailed
from loopin.core.models import stamp
from loopin.events import signals
from loopin.events.error_codes import EventErrorCode
from loopin.events.feed_cache import feed_invalidate
from loopin.events.models import Event, TicketTier, TierVisibility
from loopin.events.services.access import event_for_edit

TIER_FIELDS = (
    "name",
    "description",
    "price",
    "pay_what_you_want",
    "suggested_price",
    "capacity",
    "sales_start_at",
    "sales_end_at",
    "min_per_order",
    "max_per_order",
    "visibility",
    "unlock_code",
    "requires_approval",
    "sort_order",
)
MONEY_FIELDS = {"price", "pay_what_you_want", "suggested_price"}


@dataclass
class TierInput:
    """Validated tier fields (shape rules are in schemas); on update only the `given` ones change."""

    name: str | None = None
    description: str | None = None
    price: Decimal | None = None
    pay_what_you_want: bool | None = None
    suggested_price: Decimal | None = None
    capacity: int | None = None
    sales_start_at: datetime | None = None
    sales_end_at: datetime | None = None
    min_per_order: int | None = None
    max_per_order: int | None = None
    visibility: str | None = None
    unlock_code: str | None = None
    requires_approval: bool | None = None
    sort_order: int | None = None
    given: set[str] = field(default_factory=set)


def _managed_event(actor: User, event_id: uuid.UUID) -> Event:
    return event_for_edit(actor, event_id)


def _locked_tier(event: Event, tier_id: uuid.UUID) -> TicketTier:
    tier = TicketTier.objects.select_for_update().filter(id=tier_id, event_id=event.id).first()
    if tier is None:
        raise NotFound("This event has no such ticket tier.", code=EventErrorCode.TIER_NOT_FOUND)
    return tier


def _apply(tier: TicketTier, data: TierInput) -> None:
    for name in TIER_FIELDS:
        if name in data.given:
            value = getattr(data, name)
            if value is None and name in ("name", "price", "pay_what_you_want", "capacity", "min_per_order"):
                raise ValidationFailed.one(name, "REQUIRED", f"{name} cannot be empty.")
            if value is None and name in ("description", "unlock_code"):
                value = ""
            if value is None and name in ("visibility",):
                value = TierVisibility.PUBLIC
            if value is None and name in ("requires_approval",):
                value = False
            if value is None and name in ("sort_order",):
                value = 0
            setattr(tier, name, value)


def _validate(tier: TicketTier, event: Event) -> None:
    """The rules a tier keeps: a paid event sells only paid tiers and a free one only free tiers (so whether a
    seat is bought or confirmed is the event's, in both dialects); windows and quantities that make sense."""
    if event.is_paid and tier.price <= 0:
        raise ValidationFailed.one("price", "PRICE_REQUIRED", "A paid event's tiers cost more than 0.")
    if not event.is_paid and (tier.price != 0 or tier.pay_what_you_want):
        raise ValidationFailed.one("price", "FREE_EVENT", "A free event's tiers are free (price 0).")
    if tier.pay_what_you_want and tier.suggested_price is not None and tier.suggested_price < tier.price:
        raise ValidationFailed.one(
            "suggested_price", "BELOW_MINIMUM", "The suggested price is at least the minimum (price)."
        )
    if not tier.pay_what_you_want:
        tier.suggested_price = None
    if tier.sales_start_at and tier.sales_end_at and tier.sales_end_at <= tier.sales_start_at:
        raise ValidationFailed.one("sales_end_at", "END_BEFORE_START", "Sales end after they start.")
    if tier.min_per_order < 1:
        raise ValidationFailed.one("min_per_order", "TOO_SMALL", "An order has at least one seat.")
    if tier.max_per_order is not None and tier.max_per_order < tier.min_per_order:
        raise ValidationFailed.one("max_per_order", "BELOW_MINIMUM", "max_per_order is at least min_per_order.")
    if tier.visibility == TierVisibility.HIDDEN and not tier.unlock_code.strip():
        raise ValidationFailed.one("unlock_code", "REQUIRED", "A hidden tier needs an unlock code.")
    if tier.capacity and tier.capacity < tier.seats_taken:
        raise ValidationFailed.one(
            "capacity", "CAPACITY_BELOW_TAKEN", f"{tier.seats_taken} seats of this tier are already taken."
        )


def tier_create(*, actor: User, event_id: uuid.UUID, data: TierInput) -> TicketTier:
    """Add a ticket tier to an event."""
    with transaction.atomic():
        event = _managed_event(actor, event_id)
        if data.name is None:
            raise ValidationFailed.one("name", "REQUIRED", "Give the tier a name.")
        tier = TicketTier(event=event)
        _apply(tier, data)
        _validate(tier, event)
        stamp(tier, actor, "create")
        tier.save()
        audit_record(action="tier.created", actor=actor, obj=tier, data={"event_id": str(event.id)})
        feed_invalidate()
    return tier


def tier_update(*, actor: User, event_id: uuid.UUID, tier_id: uuid.UUID, data: TierInput) -> TicketTier:
    """Change a tier; its price only while none of its seats are taken. Raising a capacity frees seats."""
    with transaction.atomic():
        event = _managed_event(actor, event_id)
        tier = _locked_tier(event, tier_id)
        before_capacity, before_price = tier.capacity, tier.price
        if tier.seats_taken and any(
            name in data.given and getattr(data, name) != getattr(tier, name) for name in MONEY_FIELDS
        ):
            raise BusinessRuleError(
                "The price cannot change once people hold seats of this tier.", code=EventErrorCode.PRICE_LOCKED
            )
        _apply(tier, data)
        _validate(tier, event)
        stamp(tier, actor, "update")
        tier.save()
        if tier.is_default and tier.price != before_price:
            # The event's price is its default tier's (what the app's dialect shows).
            Event.objects.filter(id=event.id).update(ticket_price=tier.price)
        audit_record(
            action="tier.updated", actor=actor, obj=tier, data={"event_id": str(event.id), "fields": sorted(data.given)}
        )
        feed_invalidate()
        if before_capacity and (tier.capacity == 0 or tier.capacity > before_capacity):
            signals.seats_released.send(sender=None, event_id=event.id, tier_id=tier.id)  # to the waitlist first
    return tier


def tier_delete(*, actor: User, event_id: uuid.UUID, tier_id: uuid.UUID) -> None:
    """Remove a tier nobody bought, asked for or holds; the default tier stays (hide it or end its sales)."""
    with transaction.atomic():
        event = _managed_event(actor, event_id)
        tier = _locked_tier(event, tier_id)
        if tier.is_default:
            raise Conflict("The default tier stays: hide it or end its sales.", code=EventErrorCode.DEFAULT_TIER_KEPT)
        used = tier.seats_taken > 0 or tier.tickets.exists() or tier.orders.exists() or tier.join_requests.exists()
        if used:
            raise Conflict(
                "Seats of this tier were sold or asked for: hide it or end its sales instead.",
                code=EventErrorCode.TIER_HAS_SALES,
            )
        audit_record(action="tier.deleted", actor=actor, obj=tier, data={"event_id": str(event.id)})
        tier.delete()
        feed_invalidate()
