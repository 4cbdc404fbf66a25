"""Buying: an order and its seat hold, released on expiry or cancel."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, DecimalField, Exists, F, Min, OuterRef, QuerySet, UUIDField
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.compiled import CompiledInsert, CompiledInstances, CompiledQuery, first
from loopin.core.errors import NotFound, ValidationFailed
from loopin.core.settings import get_settings
from loopin.events.models import Event, TicketTier
from loopin.events.questions import AnswerGiven, answers_check
from loopin.events.selectors.access import event_for
from loopin.events.services.questions import answers_save
from loopin.events.signals import send_after_commit
from loopin.participation.errors import CapacityExceeded, TierSoldOut
from loopin.participation.rules import Way, ensure_may_take_part, ensure_profile_complete, tier_pick
from loopin.participation.seats import seats_release, seats_take
from loopin.participation.sold_out import (
    Full,
    sold_out_answer,
    sold_out_answer_nowait,
    sold_out_holder,
    sold_out_mark,
    sold_out_token,
)
from loopin.participation.waitlist import (
    waitlist_hold_take_over,
    waitlist_offer_of,
    waitlist_offers_due,
    waitlist_offers_expire_due,
)
from loopin.payments import signals
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.errors import ProviderUnavailable, SoldOut
from loopin.payments.models import (
    FeeConfig,
    Order,
    OrderStatus,
)
from loopin.payments.money import price, to_minor
from loopin.payments.providers import get_provider
from loopin.payments.refund_routes import credits_route
from loopin.payments.services.promos import discount_per_seat, promo_release, promo_use


def order_create(
    *,
    user: User,
    event_id: uuid.UUID,
    seats: int = 1,
    provider: str | None = None,
    tier_id: uuid.UUID | None = None,
    unlock_code: str | None = None,
    promo_code: str | None = None,
    amount: Decimal | None = None,
    answers: list[AnswerGiven] | None = None,
) -> Order:
    """Hold seats in a tier for PAYMENT_HOLD_MINUTES and open an order (a repeat call returns the open one).

    `promo_code` takes its discount off each seat; `amount` is the price per seat chosen on a pay-what-you-want
    tier (at least its price; default its suggested price). `answers` answer the event's checkout questions
    (None: a caller that cannot ask them); they follow the buyer to the ticket once paid."""
    order, _ = order_hold(
        user=user,
        event_id=event_id,
        seats=seats,
        provider=provider,
        tier_id=tier_id,
        unlock_code=unlock_code,
        promo_code=promo_code,
        amount=amount,
        answers=answers,
    )
    return order


def order_hold(
    *,
    user: User,
    event_id: uuid.UUID,
    seats: int = 1,
    provider: str | None = None,
    tier_id: uuid.UUID | None = None,
    unlock_code: str | None = None,
    promo_code: str | None = None,
    amount: Decimal | None = None,
    answers: list[AnswerGiven] | None = None,
    flags_read: bool = False,
) -> tuple[Order, bool]:
    """`order_create`, and whether this call opened the order and holds it as stored (every column, with its
    event and tier, and nothing refunded or invoiced yet: `selectors.order_view_new` answers from it).
    `flags_read`: `order_hold_refuse_early` has just read the sold-out flags for this call (not read again)."""
    provider_name, prov = _hold_checks(user, provider)
    # The sold-out fast path, before any query: the flags say full only while no seat can be had
    # (loopin.participation.sold_out); a buyer holding seats is never answered from them.
    if not flags_read:
        _refuse_flagged(sold_out_answer(event_id=event_id, tier_id=tier_id, user_id=user.id), tier_id)
    # Lazily: stale holds and lapsed waitlist offers give their seats back before we count (one cheap
    # statement asks whether any is due; usually none is).
    due = _DUE.rows(event_id=event_id, now=timezone.now())
    if due and due[0]["holds"]:
        holds_expire_due(event_id=event_id)
    if due and due[0]["offers"]:
        waitlist_offers_expire_due(event_id=event_id)
    token = sold_out_token(event_id)  # before the reads that may find the event full
    try:
        order, created, written = _order_open(
            user=user,
            event_id=event_id,
            seats=seats,
            provider_name=provider_name,
            tier_id=tier_id,
            unlock_code=unlock_code,
            promo_code=promo_code,
            amount=amount,
            answers=answers,
        )
    except (SoldOut, TierSoldOut) as exc:
        _remember_full(exc, event_id=event_id, token=token)
        raise
    if not order.provider_order_id:
        order, kept = _attach_checkout(order, prov if order.provider == provider_name else get_provider(order.provider))
        written = written and kept
    elif not created and get_provider(order.provider).new_txnid_per_checkout:
        # Asked again for an open order (the buyer left the provider's page): PayU refuses a txnid it has seen.
        order = order_checkout_new_attempt(order_id=order.id)
        written = False
    return order, written


def _hold_checks(user: User, provider: str | None) -> tuple[str, Any]:
    """What a hold refuses before it looks at the event: an incomplete profile, an unavailable provider."""
    ensure_profile_complete(user)
    provider_name = provider or get_settings().PAYMENT_PROVIDER
    return provider_name, get_provider(provider_name)


def _refuse_flagged(full: Full | None, tier_id: uuid.UUID | None) -> None:
    if full is Full.EVENT:
        raise SoldOut(details={"seats_left": 0})
    if full is Full.TIER:
        raise TierSoldOut(seats_left=0, tier_id=tier_id)


async def order_hold_refuse_early(
    *, user: User, event_id: uuid.UUID, tier_id: uuid.UUID | None, provider: str | None
) -> None:
    """`order_hold`'s refusals that need no database, decided on the event loop for a caller the session cache
    already holds (`Caller.cached`): the same checks in the same order, then the sold-out flags read without a
    thread hop. Returns when the hold has to go to the database (`order_hold` with `flags_read`, which checks the rest
    again but does not read the flags a second time)."""
    _hold_checks(user, provider)
    _refuse_flagged(await sold_out_answer_nowait(event_id=event_id, tier_id=tier_id, user_id=user.id), tier_id)


def _remember_full(exc: SoldOut | TierSoldOut, *, event_id: uuid.UUID, token: str | None) -> None:
    """No seat was left (not merely too few for this order): flag the event or the tier for the fast path."""
    details = exc.details or {}
    if details.get("seats_left") != 0 or token is None:
        return
    event = Event.objects.filter(id=event_id).only("id", "status", "visibility").first()
    if event is None:
        return
    holds_due_at = Order.objects.filter(event_id=event_id, status=OrderStatus.PENDING, seats_held=True).aggregate(
        due=Min("hold_expires_at")
    )["due"]
    tier_id = uuid.UUID(details["tier_id"]) if isinstance(exc, TierSoldOut) else None
    sold_out_mark(event=event, tier_id=tier_id, token=token, holds_due_at=holds_due_at)


def _order_open(
    *,
    user: User,
    event_id: uuid.UUID,
    seats: int,
    provider_name: str,
    tier_id: uuid.UUID | None,
    unlock_code: str | None,
    promo_code: str | None,
    amount: Decimal | None,
    answers: list[AnswerGiven] | None,
) -> tuple[Order, bool, bool]:
    """The database part of `order_create`: the open order, or a new one with its seats held; whether it is new,
    and whether this call wrote it (then the instance holds every column as stored, with its event and tier)."""
    settings = get_settings()
    try:
        with transaction.atomic():
            event = event_for(user, event_id)
            order = _OPEN.instance(event_id=event.id, user_id=user.id)
            if order is not None:  # the open order stands; answers sent again replace the earlier ones
                checked = answers_check(event=event, user=user, tier=order.tier, answers=answers)
                answers_save(event=event, user=user, checked=checked, order_id=order.id)
                return order, False, False
            offer = waitlist_offer_of(user=user, event=event)  # seats the waitlist holds for this buyer
            tier = tier_pick(event, tier_id, unlock_code=unlock_code) or (offer.tier if offer else None)
            admission = ensure_may_take_part(user=user, event=event, seats=seats, way=Way.BUY, tier=tier)
            tier = admission.tier
            assert tier is not None  # the rules always choose one
            checked = answers_check(event=event, user=user, tier=tier, answers=answers)
            list_price = _list_price(tier, amount)
            on_offer = offer is not None and offer.tier_id == tier.id
            if not on_offer and event.capacity and event.seats_taken + seats > event.capacity:
                # Already full when read: refuse without writing (the conditional UPDATEs below stay the guard).
                raise SoldOut(details={"seats_left": max(event.capacity - event.seats_taken, 0)})
            if not on_offer and tier.capacity and tier.seats_taken + seats > tier.capacity:
                raise TierSoldOut(seats_left=max(tier.capacity - tier.seats_taken, 0), tier_id=tier.id)
            promo = promo_use(event=event, tier=tier, user=user, code=promo_code) if promo_code else None
            off = discount_per_seat(promo, list_price, event.currency) if promo else Decimal("0")
            snapshot = price(base=list_price - off, fee_percent=fee_percent_now(), seats=seats, currency=event.currency)
            order = Order(
                event=event,
                user=user,
                seats=seats,
                tier=tier,
                list_price=list_price,
                promo=promo,
                promo_code=promo.code if promo else "",
                discount_amount=off * seats,
                provider=provider_name,
                currency=snapshot.currency,
                base_price=snapshot.base_price,
                fee_percent=snapshot.fee_percent,
                unit_total=snapshot.unit_total,
                fee_amount=snapshot.fee_amount,
                host_earning=snapshot.host_earning,
                total=snapshot.total,
                hold_expires_at=timezone.now() + timedelta(minutes=settings.PAYMENT_HOLD_MINUTES),
            )
            _INSERT.insert(order)  # what Order.objects.create(...) ran, compiled once (no full_clean, as create)
            answers_save(event=event, user=user, checked=checked, order_id=order.id)
            sold_out_holder(event_id=event.id, user_id=user.id)  # their repeat call finds this order
            audit_record(
                action="order.created",
                actor=user,
                obj=order,
                data={
                    "event_id": str(event.id),
                    "seats": seats,
                    "tier_id": str(tier.id),
                    "promo_code": order.promo_code,
                    "total": str(order.total),
                },
            )
            # Last statement before commit: the event row stays locked only from here to the commit, so
            # buyers of one event queue on it as briefly as possible. Sold out undoes the order.
            try:
                if not (on_offer and offer and waitlist_hold_take_over(entry=offer, seats=seats)):
                    seats_take(event_id=event.id, seats=seats, tier_id=tier.id)
            except TierSoldOut:
                raise
            except CapacityExceeded as exc:
                raise SoldOut(details=exc.details) from None
    except IntegrityError:
        # The same buyer raced themself: the other call's order stands and this one wrote nothing (the whole
        # transaction rolled back, so no savepoint is needed inside it).
        order = _OPEN.instance(event_id=event_id, user_id=user.id)
        if order is None:
            raise
        return order, True, False
    return _as_stored(order), True, True


def _open_orders(event_id: uuid.UUID, user_id: uuid.UUID) -> QuerySet[Order]:
    """The buyer's pending order for the event (one at most: a repeat call finds it)."""
    return Order.objects.filter(event_id=event_id, user_id=user_id, status=OrderStatus.PENDING)


# Read on every hold (issue 22): compiled once, not built and compiled by the ORM on each call.
_OPEN = CompiledInstances(
    Order,
    lambda event_id, user_id: first(_open_orders(event_id, user_id)),
    related=(),
    slots={"event_id": UUIDField(), "user_id": UUIDField()},
)


_INSERT = CompiledInsert(Order)  # the new order's INSERT, compiled once


def _as_stored(order: Order) -> Order:
    """Money columns as they read back (to their decimal places: 0 is 0.00), so the instance is the stored row."""
    for field in Order._meta.concrete_fields:
        value = getattr(order, field.attname)
        if isinstance(field, DecimalField) and value is not None:
            setattr(order, field.attname, Decimal(value).quantize(Decimal(1).scaleb(-field.decimal_places)))
    return order


def _list_price(tier: TicketTier, amount: Decimal | None) -> Decimal:
    """The price per seat before any code: the tier's, or the buyer's choice on a pay-what-you-want tier."""
    if not tier.pay_what_you_want:
        if amount is not None and amount != tier.price:
            raise ValidationFailed.one("amount", "PRICE_FIXED", f"{tier.name} costs {tier.price}.")
        return tier.price
    chosen = amount if amount is not None else (tier.suggested_price or tier.price)
    if chosen < tier.price:
        raise ValidationFailed.one("amount", "BELOW_MINIMUM", f"{tier.name} costs at least {tier.price}.")
    return chosen


def _attach_checkout(order: Order, prov: Any) -> tuple[Order, bool]:
    """Ask the provider for a checkout (outside any transaction: no lock is held over the network); whether the
    order in memory is still as stored (our checkout was the one attached: the columns written are set here as
    they read back)."""
    try:
        checkout = prov.create_checkout(order)
    except ProviderUnavailable:
        order_release(order_id=order.id, status=OrderStatus.FAILED, reason="provider unavailable")
        raise
    attached = Order.objects.filter(id=order.id, provider_order_id="").update(
        provider_order_id=checkout.provider_order_id, checkout=checkout.data
    )
    if not attached:  # another call attached its checkout first: read what stands
        order.refresh_from_db()
        return order, False
    field = Order._meta.get_field("checkout")
    order.provider_order_id = checkout.provider_order_id
    order.checkout = json.loads(json.dumps(checkout.data, cls=field.encoder), cls=field.decoder)
    return order, True


def order_checkout_renew(*, order_id: uuid.UUID) -> Order:
    """Ask the order's provider for a checkout of the amount now due (credits were applied after the first).

    Outside any transaction. The checkout for the full total is kept as `replaced_provider_order_id`: a payment
    on it still finds the order, and its amount (the full total) does not match, so staff review it."""
    order = Order.objects.get(id=order_id)
    if order.status != OrderStatus.PENDING or order.checkout.get("amount_due") == str(order.amount_due):
        return order
    return order_checkout_new_attempt(order_id=order.id)


def order_checkout_new_attempt(*, order_id: uuid.UUID) -> Order:
    """A new checkout attempt for a pending order (`checkout_attempt` + 1, so PayU gets a txnid of its own).

    Outside any transaction. A payment on any earlier attempt still finds the order (by the kept checkout, or
    PayU's txnid naming it) and is confirmed exactly once by `payment_confirm`; its amount must be the amount due."""
    bumped = Order.objects.filter(id=order_id, status=OrderStatus.PENDING).update(
        checkout_attempt=F("checkout_attempt") + 1, updated_at=timezone.now()
    )
    order = Order.objects.get(id=order_id)
    if not bumped:
        return order
    try:
        checkout = get_provider(order.provider).create_checkout(order)
    except ProviderUnavailable:
        order_release(order_id=order.id, status=OrderStatus.FAILED, reason="provider unavailable")
        raise
    replaced = order.provider_order_id if order.provider_order_id != checkout.provider_order_id else ""
    Order.objects.filter(id=order.id, status=OrderStatus.PENDING).update(
        provider_order_id=checkout.provider_order_id,
        replaced_provider_order_id=replaced or order.replaced_provider_order_id,
        checkout={**checkout.data, "amount_due": str(order.amount_due)},
        updated_at=timezone.now(),
    )
    order.refresh_from_db()
    return order


def order_release(
    *, order_id: uuid.UUID, status: str = OrderStatus.EXPIRED, reason: str = "", due_only: bool = False
) -> bool:
    """End a pending order's hold (expired, failed or given up): its seats go back exactly once."""
    now = timezone.now()
    with transaction.atomic():
        qs = Order.objects.filter(id=order_id, status=OrderStatus.PENDING, seats_held=True)
        if due_only:
            qs = qs.filter(hold_expires_at__lte=now)
        changed = qs.update(
            status=status,
            seats_held=False,
            failure_reason=reason[:255],
            expired_at=now if status == OrderStatus.EXPIRED else None,
            updated_at=now,
        )
        if not changed:
            return False
        promo_release(order_id=order_id)  # before the seats: a code's row is locked before the event's
        order = Order.objects.select_related("user").get(id=order_id)
        if order.credits_applied > 0 and not order.credits_released:
            # Paid partly with credits, the card part never came: the credits go back (once: the UPDATE above
            # changes one pending order once, and the ledger posts once per key).
            credits_route()(
                order,
                amount_minor=to_minor(order.credits_applied, order.currency),
                idempotency_key=f"release:{order.id}",
            )
            order.credits_released = True
            order.save(update_fields=["credits_released", "updated_at"])
        seats_release(event_id=order.event_id, seats=order.seats, tier_id=order.tier_id)
        audit_record(action=f"order.{status}", actor=None, obj=order, subject=order.user, data={"reason": reason})
        if status == OrderStatus.FAILED:
            send_after_commit(signals.payment_failed, order_id=order.id)
    return True


def holds_due(now: datetime) -> QuerySet[Order]:
    """Pending orders whose seat hold ran out."""
    return Order.objects.filter(status=OrderStatus.PENDING, seats_held=True, hold_expires_at__lte=now)


def _due_rows(event_id: uuid.UUID, now: datetime) -> QuerySet[Any, Any]:
    """Whether the event has a hold or a waitlist offer due (`holds_due`, `waitlist_offers_due`), in one statement."""
    rows: QuerySet[Any, Any] = (
        Event.objects.filter(id=event_id)
        .annotate(
            holds=Exists(holds_due(now).filter(event_id=OuterRef("id"))),
            offers=Exists(waitlist_offers_due(now).filter(event_id=OuterRef("id"))),
        )
        .values("holds", "offers")
    )
    return rows


_DUE = CompiledQuery(_due_rows, slots={"event_id": UUIDField(), "now": DateTimeField()})


def _fee_rows() -> QuerySet[Any, Any]:
    rows: QuerySet[Any, Any] = FeeConfig.objects.filter(pk=1).values("fee_percent")
    return rows


_FEE = CompiledQuery(_fee_rows, slots={})


def fee_percent_now() -> Decimal:
    """The platform fee a new order snapshots (`FeeConfig.current()`, read as SQL compiled once)."""
    rows = _FEE.rows()
    return rows[0]["fee_percent"] if rows else FeeConfig.current().fee_percent


def holds_expire_due(*, event_id: uuid.UUID | None = None, limit: int = 500) -> int:
    """Expire every hold past its time (beat runs this every minute; reads do it lazily)."""
    qs = holds_due(timezone.now())
    if event_id is not None:
        qs = qs.filter(event_id=event_id)
    ids = list(qs.values_list("id", flat=True)[:limit])
    return sum(order_release(order_id=i, reason="hold expired", due_only=True) for i in ids)


def order_cancel_pending(*, user: User, order_id: uuid.UUID) -> Order:
    """The buyer gives up a pending order before paying; the seats go back at once."""
    order = Order.objects.filter(id=order_id, user=user).first()
    if order is None:
        raise NotFound("Order not found.", code=PaymentErrorCode.ORDER_NOT_FOUND)
    order_release(order_id=order.id, status=OrderStatus.CANCELLED, reason="given up by the buyer")
    order.refresh_from_db()
    return order
