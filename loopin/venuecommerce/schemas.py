"""The designed API's shapes for venue commerce (`/api/v2/venues/{id}/…`, `/api/v2/events/{id}/orders`).

Outputs are built by `Out.from_model(row)` from rows whose relations the selector or service loaded already, so
rendering never queries. Literals come from the models' TextChoices.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from loopin.payments.money import quantize
from loopin.venuecommerce.models import (
    CancelledBy,
    Counter,
    Fulfilment,
    ItemKind,
    MenuItem,
    MenuVariant,
    PaymentMethod,
    StaffRole,
    VenueOrder,
    VenueOrderLine,
    VenueStaff,
)
from loopin.venuecommerce.states import OrderState, allowed_next

Money = Annotated[Decimal, Field(ge=0, le=Decimal("100000"), max_digits=8, decimal_places=2)]
GstRate = Annotated[Decimal, Field(ge=0, le=28, max_digits=4, decimal_places=2, description="0, 5, 12, 18 or 28")]
Role = Literal[tuple(StaffRole.values)]  # type: ignore[valid-type]
Kind = Literal[tuple(ItemKind.values)]  # type: ignore[valid-type]
State = Literal[tuple(OrderState.values)]  # type: ignore[valid-type]
FulfilmentKind = Literal[tuple(Fulfilment.values)]  # type: ignore[valid-type]
Method = Literal[tuple(PaymentMethod.values)]  # type: ignore[valid-type]
CancelledByKind = Literal[tuple(CancelledBy.values)]  # type: ignore[valid-type]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- staff


class StaffIn(Strict):
    phone_number: str | None = Field(default=None, max_length=32, description="The person's number (E.164 or local)")
    handle: str | None = Field(default=None, max_length=31, description="Or their handle (with or without @)")
    role: Role  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _one_of(self) -> StaffIn:
        if bool(self.phone_number) == bool(self.handle):
            raise ValueError("Give either phone_number or handle.")
        return self


class StaffOut(BaseModel):
    venue_id: uuid.UUID
    user_id: uuid.UUID
    name: str | None
    handle: str | None
    role: Role  # type: ignore[valid-type]
    status: Literal["invited", "accepted"] = Field(description="invited: asked, no powers until they accept")
    added_at: datetime
    accepted_at: datetime | None

    @classmethod
    def from_model(cls, row: VenueStaff) -> StaffOut:
        person = getattr(row.user, "person", None)
        return cls(
            venue_id=row.venue_id,
            user_id=row.user_id,
            name=row.user.name or None,
            handle=(person.handle if person is not None else None) or None,
            role=row.role,
            status="accepted" if row.accepted_at else "invited",
            added_at=row.created_at,
            accepted_at=row.accepted_at,
        )


# ---------------------------------------------------------------- menu and counters


class CounterIn(Strict):
    name: str = Field(min_length=1, max_length=100)
    location_hint: str = Field(default="", max_length=200)


class CounterPatch(Strict):
    is_open: bool | None = None
    location_hint: str | None = Field(default=None, max_length=200)


class CounterOut(BaseModel):
    id: uuid.UUID
    name: str
    location_hint: str | None
    is_open: bool

    @classmethod
    def from_model(cls, c: Counter) -> CounterOut:
        return cls(id=c.id, name=c.name, location_hint=c.location_hint or None, is_open=c.is_open)


class VariantIn(Strict):
    name: str = Field(default="Regular", min_length=1, max_length=80)
    price: Money = Field(description="Before GST")
    stock: int | None = Field(default=None, ge=0, le=1_000_000, description="Units on hand; null: not counted")


class VariantPatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=80)
    price: Money | None = None
    stock: int | None = Field(default=None, ge=0, le=1_000_000, description="A recount; null: stop counting")
    is_active: bool | None = None

    @model_validator(mode="after")
    def _no_null_but_stock(self) -> VariantPatch:
        nulls = [k for k in ("name", "price", "is_active") if k in self.model_fields_set and getattr(self, k) is None]
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null.")
        return self


class ItemIn(Strict):
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=500)
    kind: Kind = "food"  # type: ignore[valid-type]
    gst_rate: GstRate = Decimal("5")
    position: int = Field(default=0, ge=0, le=10_000)
    variants: list[VariantIn] = Field(min_length=1, max_length=20)


class ItemPatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=500)
    kind: Kind | None = None  # type: ignore[valid-type]
    gst_rate: GstRate | None = None
    is_active: bool | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)

    @model_validator(mode="after")
    def _no_nulls(self) -> ItemPatch:
        if any(getattr(self, k) is None for k in self.model_fields_set):
            raise ValueError("Leave a field out instead of sending null.")
        return self


class AvailabilityIn(Strict):
    is_available: bool | None = Field(description="Sold at this event or not; null: as the item's is_active says")


class VariantOut(BaseModel):
    id: uuid.UUID
    name: str
    price: Decimal = Field(description="Before GST")
    price_with_gst: Decimal
    stock: int | None = Field(description="Units left; null: not counted")
    sold_out: bool
    is_active: bool

    @classmethod
    def from_model(cls, v: MenuVariant, gst_rate: Decimal) -> VariantOut:
        return cls(
            id=v.id,
            name=v.name,
            price=v.price,
            price_with_gst=quantize(v.price * (1 + gst_rate / 100), "INR"),
            stock=v.stock,
            sold_out=v.stock == 0,
            is_active=v.is_active,
        )


class ItemOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str | None
    kind: Kind  # type: ignore[valid-type]
    gst_rate: Decimal
    is_active: bool
    variants: list[VariantOut]

    @classmethod
    def from_model(cls, item: MenuItem) -> ItemOut:
        return cls(
            id=item.id,
            name=item.name,
            description=item.description or None,
            kind=item.kind,
            gst_rate=item.gst_rate,
            is_active=item.is_active,
            variants=[VariantOut.from_model(v, item.gst_rate) for v in item.variants.all()],
        )


class MenuOut(BaseModel):
    venue_id: uuid.UUID
    event_id: uuid.UUID | None
    currency: str = "INR"
    items: list[ItemOut]
    counters: list[CounterOut]

    @classmethod
    def from_model(cls, menu: Any) -> MenuOut:
        return cls(
            venue_id=menu.venue.id,
            event_id=menu.event_id,
            items=[ItemOut.from_model(i) for i in menu.items],
            counters=[CounterOut.from_model(c) for c in menu.counters],
        )


# ---------------------------------------------------------------- orders


class LineIn(Strict):
    variant_id: uuid.UUID
    quantity: int = Field(ge=1, le=20)


class DeliverToIn(Strict):
    section: str = Field(default="", max_length=40)
    row: str = Field(default="", max_length=20)
    seat: str = Field(default="", max_length=20)
    table: str = Field(default="", max_length=20)


class OrderIn(Strict):
    counter_id: uuid.UUID = Field(description="Where to pick it up, or the counter that brings it to you")
    lines: list[LineIn] = Field(min_length=1, max_length=30)
    fulfilment: FulfilmentKind = "pickup"  # type: ignore[valid-type]
    deliver_to: DeliverToIn | None = Field(default=None, description="With delivery: a section, seat or table")
    tip: Money = Decimal("0")
    payment_method: Method = "card"  # type: ignore[valid-type]
    note: str = Field(default="", max_length=300)


class TransitionIn(Strict):
    to: State  # type: ignore[valid-type]
    reason: str = Field(default="", max_length=200)


class CancelIn(Strict):
    reason: str = Field(default="", max_length=200)


class LineOut(BaseModel):
    variant_id: uuid.UUID
    item_name: str
    variant_name: str
    quantity: int
    unit_price: Decimal
    gst_rate: Decimal
    net: Decimal
    tax: Decimal
    total: Decimal

    @classmethod
    def from_model(cls, line: VenueOrderLine) -> LineOut:
        return cls(
            variant_id=line.variant_id,
            item_name=line.item_name,
            variant_name=line.variant_name,
            quantity=line.quantity,
            unit_price=line.unit_price,
            gst_rate=line.gst_rate,
            net=line.net,
            tax=line.tax,
            total=line.total,
        )


class VenueOrderOut(BaseModel):
    id: uuid.UUID
    code: str = Field(description="What the counter calls out")
    venue_id: uuid.UUID
    event_id: uuid.UUID
    counter: CounterOut
    status: State  # type: ignore[valid-type]
    next: list[State] = Field(description="The states the caller may move it to")  # type: ignore[valid-type]
    fulfilment: FulfilmentKind  # type: ignore[valid-type]
    deliver_to: DeliverToIn | None
    note: str | None
    lines: list[LineOut]
    currency: str
    subtotal: Decimal = Field(description="The lines before GST")
    tax_total: Decimal = Field(description="GST: the sum of each line's, each rounded half up")
    tip: Decimal
    total: Decimal
    payment_method: Method  # type: ignore[valid-type]
    paid: bool
    amount_refunded: Decimal
    checkout: dict[str, Any] | None = Field(default=None, description="A card order awaiting payment: pay here")
    guest_name: str | None = Field(default=None, description="For venue staff")
    created_at: datetime
    placed_at: datetime | None
    accepted_at: datetime | None
    ready_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    cancelled_by: CancelledByKind | None  # type: ignore[valid-type]
    cancel_reason: str | None

    @classmethod
    def from_model(cls, order: VenueOrder, *, actor: str = "guest") -> VenueOrderOut:
        delivery = order.fulfilment == Fulfilment.DELIVERY
        return cls(
            id=order.id,
            code=order.code,
            venue_id=order.venue_id,
            event_id=order.event_id,
            counter=CounterOut.from_model(order.counter),
            status=order.status,
            next=allowed_next(order.status, actor=actor, fulfilment=order.fulfilment),
            fulfilment=order.fulfilment,
            deliver_to=(
                DeliverToIn(section=order.section, row=order.row, seat=order.seat, table=order.table)
                if delivery
                else None
            ),
            note=order.note or None,
            lines=[LineOut.from_model(li) for li in order.lines.all()],
            currency=order.currency,
            subtotal=order.subtotal,
            tax_total=order.tax_total,
            tip=order.tip,
            total=order.total,
            payment_method=order.payment_method,
            paid=order.paid_at is not None,
            amount_refunded=order.amount_refunded,
            checkout=order.checkout or None,
            guest_name=(order.user.name or None) if actor == "staff" else None,
            created_at=order.created_at,
            placed_at=order.placed_at,
            accepted_at=order.accepted_at,
            ready_at=order.ready_at,
            completed_at=order.completed_at,
            cancelled_at=order.cancelled_at,
            cancelled_by=order.cancelled_by or None,
            cancel_reason=order.cancel_reason or None,
        )
