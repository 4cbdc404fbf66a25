"""The venue's menu and counters: items (with GST rate), variants (price, stock), availability per event.

Prices, GST and counters are the managers' (`menu`); stock counts, switching a variant off and opening or
closing a counter are also the concessions staff's (`stock`). Stock set here is an absolute count (a recount);
orders move it only by conditional UPDATEs (services.orders).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict, NotFound, ValidationFailed
from loopin.core.models import stamp
from loopin.events.models import Event
from loopin.venuecommerce.access import VenueAction, venue_for
from loopin.venuecommerce.error_codes import VenueCommerceErrorCode
from loopin.venuecommerce.models import Counter, EventAvailability, MenuItem, MenuVariant
from loopin.venuecommerce.selectors import menu_items_all

UNSET: Any = object()
GST_RATES = (Decimal("0"), Decimal("5"), Decimal("12"), Decimal("18"), Decimal("28"))


def _check_gst(rate: Decimal) -> None:
    if rate not in GST_RATES:
        raise ValidationFailed.one("gst_rate", "invalid", "GST is one of 0, 5, 12, 18 or 28 percent.")


@dataclass
class VariantInput:
    name: str
    price: Decimal
    stock: int | None = None


def menu_item_create(
    *,
    user: User,
    venue_id: uuid.UUID,
    name: str,
    kind: str,
    gst_rate: Decimal,
    variants: list[VariantInput],
    description: str = "",
    position: int = 0,
) -> MenuItem:
    """Add an item to the venue's menu with at least one variant (its price before GST, its stock or None)."""
    _check_gst(gst_rate)
    if not variants:
        raise ValidationFailed.one("variants", "missing", "Give at least one variant with its price.")
    with transaction.atomic():
        venue = venue_for(user, venue_id, "menu")
        try:
            with transaction.atomic():
                item = MenuItem.objects.create(
                    venue=venue,
                    name=name,
                    kind=kind,
                    gst_rate=gst_rate,
                    description=description,
                    position=position,
                    created_by=user,
                    updated_by=user,
                )
                for i, v in enumerate(variants):
                    MenuVariant.objects.create(
                        item=item,
                        name=v.name,
                        price=v.price,
                        stock=v.stock,
                        position=i,
                        created_by=user,
                        updated_by=user,
                    )
        except IntegrityError:
            raise Conflict(
                "The menu already has an item of this name (or two variants share a name).",
                code=VenueCommerceErrorCode.MENU_ITEM_EXISTS,
            ) from None
        audit_record(action="menu_item.created", actor=user, obj=item, data={"venue_id": str(venue.id)})
    return menu_items_all().get(id=item.id)


def _item(user: User, venue_id: uuid.UUID, item_id: uuid.UUID, action: Any) -> MenuItem:
    venue = venue_for(user, venue_id, action)
    item = MenuItem.objects.select_for_update().filter(id=item_id, venue=venue).first()
    if item is None:
        raise NotFound("Menu item not found.", code=VenueCommerceErrorCode.MENU_ITEM_NOT_FOUND)
    return item


def menu_item_update(
    *,
    user: User,
    venue_id: uuid.UUID,
    item_id: uuid.UUID,
    name: Any = UNSET,
    description: Any = UNSET,
    kind: Any = UNSET,
    gst_rate: Any = UNSET,
    is_active: Any = UNSET,
    position: Any = UNSET,
) -> MenuItem:
    """Change an item (what is given); orders already placed keep the prices and GST they were placed at."""
    changes = {
        k: v
        for k, v in dict(
            name=name, description=description, kind=kind, gst_rate=gst_rate, is_active=is_active, position=position
        ).items()
        if v is not UNSET
    }
    if "gst_rate" in changes:
        _check_gst(changes["gst_rate"])
    with transaction.atomic():
        item = _item(user, venue_id, item_id, "menu")
        for k, v in changes.items():
            setattr(item, k, v)
        stamp(item, user, "update")
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:
            raise Conflict(
                "The menu already has an item of this name.", code=VenueCommerceErrorCode.MENU_ITEM_EXISTS
            ) from None
        audit_record(action="menu_item.changed", actor=user, obj=item, data={k: str(v) for k, v in changes.items()})
    return menu_items_all().get(id=item.id)


def menu_variant_add(*, user: User, venue_id: uuid.UUID, item_id: uuid.UUID, variant: VariantInput) -> MenuItem:
    """Another way to buy an item (a size, a flavour)."""
    with transaction.atomic():
        item = _item(user, venue_id, item_id, "menu")
        try:
            with transaction.atomic():
                row = MenuVariant.objects.create(
                    item=item,
                    name=variant.name,
                    price=variant.price,
                    stock=variant.stock,
                    position=item.variants.count(),
                    created_by=user,
                    updated_by=user,
                )
        except IntegrityError:
            raise Conflict(
                "The item already has a variant of this name.", code=VenueCommerceErrorCode.MENU_ITEM_EXISTS
            ) from None
        audit_record(action="menu_variant.created", actor=user, obj=row, data={"price": str(row.price)})
    return menu_items_all().get(id=item.id)


def menu_variant_update(
    *,
    user: User,
    venue_id: uuid.UUID,
    variant_id: uuid.UUID,
    price: Any = UNSET,
    stock: Any = UNSET,
    is_active: Any = UNSET,
    name: Any = UNSET,
) -> MenuItem:
    """Change a variant: its name and price (managers), its stock count and whether it is sold (also concessions
    staff). `stock` is the count now (a recount), or None to stop counting."""
    action: VenueAction = "menu" if (price is not UNSET or name is not UNSET) else "stock"
    with transaction.atomic():
        venue = venue_for(user, venue_id, action)
        row = MenuVariant.objects.select_for_update().filter(id=variant_id, item__venue=venue).first()
        if row is None:
            raise NotFound("Menu variant not found.", code=VenueCommerceErrorCode.MENU_VARIANT_NOT_FOUND)
        changes = {
            k: v for k, v in dict(price=price, stock=stock, is_active=is_active, name=name).items() if v is not UNSET
        }
        for k, v in changes.items():
            setattr(row, k, v)
        stamp(row, user, "update")
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise Conflict(
                "The item already has a variant of this name.", code=VenueCommerceErrorCode.MENU_ITEM_EXISTS
            ) from None
        audit_record(action="menu_variant.changed", actor=user, obj=row, data={k: str(v) for k, v in changes.items()})
    return menu_items_all().get(id=row.item_id)


def menu_availability_set(
    *, user: User, venue_id: uuid.UUID, item_id: uuid.UUID, event_id: uuid.UUID, is_available: bool | None
) -> MenuItem:
    """Sell an item at one event or not, whatever its `is_active`; None goes back to `is_active`."""
    with transaction.atomic():
        item = _item(user, venue_id, item_id, "menu")
        if not Event.objects.alive().filter(id=event_id, venue_id=item.venue_id).exists():
            raise NotFound("This venue has no such event.", code=VenueCommerceErrorCode.EVENT_NOT_AT_VENUE)
        if is_available is None:
            EventAvailability.objects.filter(item=item, event_id=event_id).delete()
        else:
            EventAvailability.objects.update_or_create(
                item=item,
                event_id=event_id,
                defaults={"is_available": is_available, "updated_by": user},
                create_defaults={"is_available": is_available, "created_by": user, "updated_by": user},
            )
        audit_record(
            action="menu_item.availability",
            actor=user,
            obj=item,
            data={"event_id": str(event_id), "is_available": is_available},
        )
    return menu_items_all().get(id=item.id)


def counter_create(*, user: User, venue_id: uuid.UUID, name: str, location_hint: str = "") -> Counter:
    """Add a pickup point (it also prepares the orders delivered to seats)."""
    with transaction.atomic():
        venue = venue_for(user, venue_id, "menu")
        try:
            with transaction.atomic():
                counter = Counter(venue=venue, name=name, location_hint=location_hint)
                stamp(counter, user, "create")
                counter.save()
        except IntegrityError:
            raise Conflict(
                "The venue has a counter of this name.", code=VenueCommerceErrorCode.COUNTER_EXISTS
            ) from None
        audit_record(action="counter.created", actor=user, obj=counter, data={"venue_id": str(venue.id)})
    return counter


def counter_update(
    *, user: User, venue_id: uuid.UUID, counter_id: uuid.UUID, is_open: Any = UNSET, location_hint: Any = UNSET
) -> Counter:
    """Open or close a counter (concessions staff too), or say where it is (managers)."""
    action: VenueAction = "menu" if location_hint is not UNSET else "stock"
    with transaction.atomic():
        venue = venue_for(user, venue_id, action)
        counter = Counter.objects.select_for_update().filter(id=counter_id, venue=venue).first()
        if counter is None:
            raise NotFound("Counter not found.", code=VenueCommerceErrorCode.COUNTER_NOT_FOUND)
        if is_open is not UNSET:
            counter.is_open = is_open
        if location_hint is not UNSET:
            counter.location_hint = location_hint
        stamp(counter, user, "update")
        counter.save()
        audit_record(action="counter.changed", actor=user, obj=counter, data={"is_open": counter.is_open})
    return counter
