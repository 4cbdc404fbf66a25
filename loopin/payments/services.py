"""Writes for payments: orders and their seat holds, confirmation (exactly once), webhooks, expiry,
reconciliation and refunds.

The rules that keep money and seats right:
- A hold is the order's seats counted in `event.seats_taken` while `order.seats_held` is true. Holds are
  taken with the events' conditional UPDATE (`seats_take`), so they can never oversell, and given back
  by a conditional UPDATE on the order (`seats_held=True -> False`), so never twice.
- Confirmation locks the order row; only a not-yet-settled order changes, so however many
  confirmations arrive (webhook, verify, reconciliation, in any order) one ticket is issued.
- An order only moves forward (`models.ORDER_RANK`): a late "failed" never undoes "paid".
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.config.settings import get_settings
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied
from loopin.core.logging import get_logger
from loopin.events.errors import CapacityExceeded
from loopin.events.models import Event, EventStatus, Invitation, InvitationStatus, JoinMode, JoinRequest, RequestStatus
from loopin.events.services import ensure_gender_allowed, event_for, seats_release, seats_take
from loopin.events.signals import send_after_commit
from loopin.payments import signals
from loopin.payments.errors import ProviderUnavailable, RefundWindowClosed, SoldOut
from loopin.payments.models import (
    ORDER_RANK,
    SETTLED,
    FeeConfig,
    Order,
    OrderStatus,
    PaymentEvent,
    Refund,
    RefundStatus,
)
from loopin.payments.money import price, quantize, to_minor
from loopin.payments.providers import get_provider
from loopin.payments.providers.base import (
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    REFUND_FAILED,
    REFUND_PROCESSED,
    Notification,
)
from loopin.tickets.models import Ticket, TicketSource, TicketStatus
from loopin.tickets.services import ticket_cancel, ticket_issue

log = get_logger("loopin.payments")

# ---------------------------------------------------------------- buying


def _ensure_may_buy(user: User, event: Event, seats: int) -> None:
    if not event.is_paid:
        raise BusinessRuleError("This event is free: confirm your attendance instead.", code="NOT_A_PAID_EVENT")
    if event.host_id == user.id:
        raise BusinessRuleError("You are the host of this event.", code="OWN_EVENT")
    if event.status != EventStatus.PUBLISHED:
        raise BusinessRuleError(f"This event is {event.status}; it is not selling tickets.", code="EVENT_NOT_PUBLISHED")
    if event.has_started:
        raise BusinessRuleError("This event has already started.", code="EVENT_STARTED")
    if not 1 <= seats <= event.max_seats_per_guest:
        raise BusinessRuleError(
            f"You can take between 1 and {event.max_seats_per_guest} seats at this event.",
            code="TOO_MANY_SEATS",
            details={"max_seats": event.max_seats_per_guest},
        )
    accepted = JoinRequest.objects.filter(event=event, user=user, status=RequestStatus.ACCEPTED).exists()
    invited = Invitation.objects.filter(event=event, invitee=user, status=InvitationStatus.GOING).exists()
    if event.join_mode == JoinMode.APPROVAL and not (accepted or invited):
        raise PermissionDenied("The host must accept your request first.", code="REQUEST_NOT_ACCEPTED")
    if event.join_mode == JoinMode.INVITE_ONLY and not invited:
        raise PermissionDenied("This event is invite-only.", code="INVITE_ONLY")
    if not (accepted or invited):
        ensure_gender_allowed(user, event)
    if Ticket.objects.filter(event=event, user=user, status=TicketStatus.VALID).exists():
        raise Conflict("You are already going.", code="ALREADY_GOING")


def order_create(*, user: User, event_id: uuid.UUID, seats: int = 1, provider: str | None = None) -> Order:
    """Hold seats for PAYMENT_HOLD_MINUTES and open an order (a repeat call returns the open one)."""
    if not user.profile_complete:
        raise PermissionDenied("Complete your profile first.", code="PROFILE_INCOMPLETE")
    settings = get_settings()
    provider_name = provider or settings.PAYMENT_PROVIDER
    prov = get_provider(provider_name)
    holds_expire_due(event_id=event_id)  # lazily: stale holds give their seats back before we count
    with transaction.atomic():
        event = event_for(user, event_id)
        order = Order.objects.filter(event=event, user=user, status=OrderStatus.PENDING).first()
        if order is None:
            _ensure_may_buy(user, event, seats)
            snapshot = price(
                base=event.ticket_price,
                fee_percent=FeeConfig.current().fee_percent,
                seats=seats,
                currency=event.currency,
            )
            if event.capacity and event.seats_taken + seats > event.capacity:
                # Already full when read: refuse without writing (the conditional UPDATE below stays the guard).
                raise SoldOut(details={"seats_left": max(event.capacity - event.seats_taken, 0)})
            try:
                with transaction.atomic():
                    order = Order.objects.create(
                        event=event,
                        user=user,
                        seats=seats,
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
                    audit_record(
                        action="order.created",
                        actor=user,
                        obj=order,
                        data={"event_id": str(event.id), "seats": seats, "total": str(order.total)},
                    )
                    # Last statement before commit: the event row stays locked only from here to the commit,
                    # so buyers of one event queue on it as briefly as possible. Sold out undoes the order.
                    try:
                        seats_take(event_id=event.id, seats=seats)
                    except CapacityExceeded as exc:
                        raise SoldOut(details=exc.details) from None
            except IntegrityError:
                # The same buyer raced themself: the other call's order stands and this one took no seats.
                order = Order.objects.filter(event=event, user=user, status=OrderStatus.PENDING).first()
                if order is None:
                    raise
    if not order.provider_order_id:
        order = _attach_checkout(order, prov if order.provider == provider_name else get_provider(order.provider))
    return order


def _attach_checkout(order: Order, prov: Any) -> Order:
    """Ask the provider for a checkout (outside any transaction: no lock is held over the network)."""
    try:
        checkout = prov.create_checkout(order)
    except ProviderUnavailable:
        order_release(order_id=order.id, status=OrderStatus.FAILED, reason="provider unavailable")
        raise
    Order.objects.filter(id=order.id, provider_order_id="").update(
        provider_order_id=checkout.provider_order_id, checkout=checkout.data
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
        order = Order.objects.select_related("user").get(id=order_id)
        seats_release(event_id=order.event_id, seats=order.seats)
        audit_record(action=f"order.{status}", actor=None, obj=order, subject=order.user, data={"reason": reason})
        if status == OrderStatus.FAILED:
            send_after_commit(signals.payment_failed, order_id=order.id)
    return True


def holds_expire_due(*, event_id: uuid.UUID | None = None, limit: int = 500) -> int:
    """Expire every hold past its time (beat runs this every minute; reads do it lazily)."""
    qs = Order.objects.filter(status=OrderStatus.PENDING, seats_held=True, hold_expires_at__lte=timezone.now())
    if event_id is not None:
        qs = qs.filter(event_id=event_id)
    ids = list(qs.values_list("id", flat=True)[:limit])
    return sum(order_release(order_id=i, reason="hold expired", due_only=True) for i in ids)


def order_cancel_pending(*, user: User, order_id: uuid.UUID) -> Order:
    """The buyer gives up a pending order before paying; the seats go back at once."""
    order = Order.objects.filter(id=order_id, user=user).first()
    if order is None:
        raise NotFound("Order not found.", code="ORDER_NOT_FOUND")
    order_release(order_id=order.id, reason="given up by the buyer")
    order.refresh_from_db()
    return order


# ---------------------------------------------------------------- confirmation (exactly once)


def _payment_mismatch(order: Order, *, provider: str, amount_minor: Any, currency: str) -> tuple[str, str] | None:
    """(what, reason) when a "paid" message does not match the order exactly; None when it does."""
    expected = to_minor(order.total, order.currency)
    if provider != order.provider:
        return "provider", f"paid through {provider}, but the order is with {order.provider}"
    if amount_minor is None:
        return "amount", f"the provider gave no amount (expected {expected} minor units)"
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor != expected:
        return "amount", f"paid {str(amount_minor)[:32]} minor units, expected {expected}"
    if not currency:
        return "currency", f"the provider gave no currency (expected {order.currency})"
    if currency.upper() != order.currency.upper():
        return "currency", f"paid in {currency[:8]}, expected {order.currency}"
    return None


def payment_confirm(
    *,
    order_id: uuid.UUID,
    payment_id: str,
    provider: str,
    amount_minor: int | None,
    currency: str,
    via: str = "webhook",
) -> Order:
    """The provider says the order is paid. The first confirmation fulfils it; later ones change nothing.

    Only a payment whose provider, amount and currency all match the order fulfils it; any other stays
    pending with `review_reason` set for staff (admin: Orders, "needs review"), and is audited.
    A payment for an order whose hold is gone (expired, failed) is fulfilled if seats remain and the
    event still runs; otherwise it is refunded in full automatically.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("user").get(id=order_id)
        if order.status in SETTLED:
            return order
        mismatch = _payment_mismatch(order, provider=provider, amount_minor=amount_minor, currency=currency)
        if mismatch is not None:
            what, reason = mismatch
            # Not fulfilled: staff look at it (the audit entry and the stored provider event say what came in).
            audit_record(
                action=f"order.{what}_mismatch",
                obj=order,
                data={
                    "expected": {
                        "provider": order.provider,
                        "amount": to_minor(order.total, order.currency),
                        "currency": order.currency,
                    },
                    "got": {"provider": provider, "amount": str(amount_minor)[:32], "currency": currency[:8]},
                    "via": via,
                    "payment_id": payment_id[:128],
                },
            )
            order.review_reason = f"{what} mismatch ({via}): {reason}"[:255]
            order.save(update_fields=["review_reason", "updated_at"])
            return order
        event = Event.objects.get(id=order.event_id)
        had_hold = order.seats_held
        ticket = None
        if event.status == EventStatus.PUBLISHED or (had_hold and event.status == EventStatus.POSTPONED):
            try:
                with transaction.atomic():
                    if not had_hold:
                        seats_take(event_id=event.id, seats=order.seats)
                    ticket = ticket_issue(
                        event=event, user=order.user, seats=order.seats, source=TicketSource.PURCHASE, actor=order.user
                    )
            except (CapacityExceeded, Conflict):
                ticket = None
        if ticket is None and had_hold:
            seats_release(event_id=event.id, seats=order.seats)
        now = timezone.now()
        order.status = OrderStatus.PAID
        order.seats_held = False
        order.ticket = ticket
        order.provider_payment_id = payment_id or order.provider_payment_id
        order.paid_at = now
        order.save(update_fields=["status", "seats_held", "ticket", "provider_payment_id", "paid_at", "updated_at"])
        audit_record(
            action="order.paid",
            actor=order.user,
            obj=order,
            subject=order.user,
            data={"via": via, "late": not had_hold, "ticket_id": str(ticket.id) if ticket else None},
        )
        if ticket is None:
            _refund_open(order, amount=order.total, reason="no_seat_for_late_payment", key=f"auto:{order.id}")
        else:
            send_after_commit(signals.payment_succeeded, order_id=order.id)
    return order


def payment_fail(*, order_id: uuid.UUID, reason: str = "") -> bool:
    """The provider says the payment failed: a pending order gives its seats back; anything later is kept."""
    return order_release(order_id=order_id, status=OrderStatus.FAILED, reason=reason or "payment failed")


def order_verify(*, user: User, order_id: uuid.UUID, payload: dict[str, Any]) -> Order:
    """Client-side confirmation: checked with the provider (Razorpay: the HMAC of order id | payment id)."""
    order = Order.objects.filter(id=order_id, user=user).first()
    if order is None:
        raise NotFound("Order not found.", code="ORDER_NOT_FOUND")
    if order.status in SETTLED:
        return order
    state = get_provider(order.provider).verify_client(order, payload)
    if state.state == "paid":
        return payment_confirm(
            order_id=order.id,
            payment_id=state.payment_id,
            provider=order.provider,
            amount_minor=state.amount_minor,
            currency=state.currency,
            via="verify",
        )
    if state.state == "failed":
        payment_fail(order_id=order.id, reason=state.reason)
    order.refresh_from_db()
    return order


# ---------------------------------------------------------------- webhooks


def _refund_match(key: str, provider_refund_id: str) -> Q | None:
    match = Q(idempotency_key=key) if key else None
    if provider_refund_id:
        by_id = Q(provider_refund_id=provider_refund_id)
        match = by_id if match is None else match | by_id
    return match


def _order_for_notification(provider: str, note: Notification) -> Order | None:
    if note.provider_order_id:
        order = Order.objects.filter(provider=provider, provider_order_id=note.provider_order_id).first()
        if order is not None:
            return order
    match = _refund_match(note.refund_key, note.refund_id)
    if match is not None:
        refund = Refund.objects.filter(match).select_related("order").first()
        if refund is not None:
            return refund.order
    if note.payment_id:
        return Order.objects.filter(provider=provider, provider_payment_id=note.payment_id).first()
    return None


def webhook_receive(*, provider: str, body: bytes, headers: dict[str, str]) -> tuple[PaymentEvent, bool]:
    """Check the signature over the raw body, store the event once, and queue its processing.

    Returns the stored event and whether it is new. Once stored, the event is acknowledged (200) even when
    the broker is away: a repeat delivery of an event not yet applied queues it again, and the reconcile
    sweeper (`payment_events_retry`) applies whatever no task did.
    """
    try:
        note = get_provider(provider).parse_webhook(body, {k.lower(): v for k, v in headers.items()})
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # signed but unreadable
        raise BusinessRuleError("The webhook body could not be read.", code="INVALID_PAYLOAD") from exc
    order = _order_for_notification(provider, note)
    try:
        with transaction.atomic():
            event = PaymentEvent.objects.create(
                provider=provider,
                event_id=note.event_id[:191],
                kind=note.kind,
                provider_type=note.provider_type[:128],
                order=order,
                payload=note.payload,
                parsed={
                    "payment_id": note.payment_id,
                    "amount": note.amount_minor,
                    "currency": note.currency,
                    "reason": note.reason[:255],
                    "refund_id": note.refund_id,
                    "refund_key": note.refund_key,
                },
            )
        created = True
    except IntegrityError:
        event = PaymentEvent.objects.get(provider=provider, event_id=note.event_id[:191])
        created = False
    if event.processed_at is None:
        event_id = event.id
        transaction.on_commit(lambda: _queue_event_processing(event_id))
    return event, created


def _queue_event_processing(payment_event_id: uuid.UUID) -> None:
    """Queue one stored webhook; with the broker away it stays stored for the sweeper (never a 500)."""
    from loopin.payments.tasks import process_payment_event

    try:
        process_payment_event.delay(str(payment_event_id))
    except (KombuError, RedisError, OSError) as exc:
        log.warning("payment_event_queue_failed", payment_event_id=str(payment_event_id), error=type(exc).__name__)


def payment_event_process(*, payment_event_id: uuid.UUID | str) -> str:
    """Apply one stored webhook (idempotent: a processed event is not applied again)."""
    with transaction.atomic():
        event = PaymentEvent.objects.select_for_update().filter(id=payment_event_id).first()
        if event is None or event.processed_at is not None:
            return event.result if event else "missing"
        result = _apply(event)
        event.processed_at = timezone.now()
        event.result = result[:255]
        event.save(update_fields=["processed_at", "result"])
    return result


def _apply(event: PaymentEvent) -> str:
    if event.order_id is None:
        return "ignored: no order"
    data = event.parsed
    if event.kind == PAYMENT_SUCCEEDED:
        order = payment_confirm(
            order_id=event.order_id,
            payment_id=data.get("payment_id", ""),
            provider=event.provider,
            amount_minor=data.get("amount"),
            currency=data.get("currency", ""),
            via="webhook",
        )
        if order.status == OrderStatus.PENDING and order.review_reason:
            return f"held for review: {order.review_reason}"
        return f"order {order.status}"
    if event.kind == PAYMENT_FAILED:
        return (
            "order failed" if payment_fail(order_id=event.order_id, reason=data["reason"]) else "ignored: not pending"
        )
    if event.kind in (REFUND_PROCESSED, REFUND_FAILED):
        match = _refund_match(data["refund_key"], data["refund_id"])
        refund = Refund.objects.filter(match, order_id=event.order_id).first() if match else None
        if refund is None:
            return "ignored: unknown refund"
        state = "processed" if event.kind == REFUND_PROCESSED else "failed"
        return "refund " + refund_apply_state(refund_id=refund.id, state=state, provider_refund_id=data["refund_id"])
    return "ignored"


# ---------------------------------------------------------------- reconciliation


def payment_events_retry(*, older_than_minutes: int = 2, limit: int = 500) -> int:
    """Stored webhooks whose processing task was lost (a worker crash, a dropped message) are applied now."""
    stale = PaymentEvent.objects.filter(
        processed_at__isnull=True, received_at__lte=timezone.now() - timedelta(minutes=older_than_minutes)
    ).order_by("received_at")
    ids = list(stale.values_list("id", flat=True)[:limit])
    for event_id in ids:
        payment_event_process(payment_event_id=event_id)
    return len(ids)


def refunds_resubmit(*, older_than_minutes: int = 10) -> int:
    """Refunds never handed to the provider (a lost task) are sent again, with their idempotency key."""
    from loopin.payments.tasks import submit_refund

    stale = Refund.objects.filter(
        status=RefundStatus.PENDING,
        provider_refund_id="",
        created_at__lte=timezone.now() - timedelta(minutes=older_than_minutes),
    ).values_list("id", flat=True)[:200]
    for refund_id in stale:
        submit_refund.delay(str(refund_id))
    return len(stale)


def cancelled_events_sweep() -> int:
    """Paid orders of cancelled events that were not refunded (a lost signal or task) are refunded now."""
    event_ids = (
        Order.objects.filter(
            event__status=EventStatus.CANCELLED, status__in=[OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED]
        )
        .values_list("event_id", flat=True)
        .distinct()
    )
    return sum(event_orders_refund(event_id=event_id) for event_id in list(event_ids)[:50])


def orders_reconcile(*, older_than_minutes: int | None = None, limit: int = 200) -> dict[str, int]:
    """Ask the provider about orders left unpaid, so a lost webhook loses nothing."""
    minutes = older_than_minutes if older_than_minutes is not None else get_settings().PAYMENT_RECONCILE_AFTER_MINUTES
    now = timezone.now()
    candidates = (
        Order.objects.filter(
            status__in=[OrderStatus.PENDING, OrderStatus.EXPIRED, OrderStatus.FAILED],
            created_at__lte=now - timedelta(minutes=minutes),
            created_at__gte=now - timedelta(days=1),
        )
        .exclude(provider_order_id="")
        .exclude(provider="sandbox")
        .order_by("created_at")[:limit]
    )
    counts = {"asked": 0, "paid": 0, "failed": 0, "errors": 0}
    for order in candidates:
        counts["asked"] += 1
        try:
            state = get_provider(order.provider).fetch_status(order)
        except (ProviderUnavailable, BusinessRuleError):
            counts["errors"] += 1
            continue
        if state.state == "paid":
            payment_confirm(
                order_id=order.id,
                payment_id=state.payment_id,
                provider=order.provider,
                amount_minor=state.amount_minor,
                currency=state.currency,
                via="reconcile",
            )
            counts["paid"] += 1
        elif state.state == "failed" and payment_fail(order_id=order.id, reason=state.reason):
            counts["failed"] += 1
    return counts


# ---------------------------------------------------------------- refunds


def _host_refunded(order: Order) -> Decimal:
    total = order.refunds.exclude(status=RefundStatus.FAILED).aggregate(s=Sum("host_amount"))["s"]
    return total or Decimal("0")


def _recompute_status(order: Order) -> None:
    if order.amount_refunded <= 0:
        order.status = OrderStatus.PAID
    elif order.amount_refunded >= order.total:
        order.status = OrderStatus.REFUNDED
    else:
        order.status = OrderStatus.PARTIALLY_REFUNDED


def _refund_open(order: Order, *, amount: Decimal, reason: str, key: str, actor: Any = None) -> Refund:
    """Record a refund on a locked, settled order and send it to the provider after commit (once per key)."""
    from loopin.payments.tasks import submit_refund

    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    amount = quantize(amount, order.currency)
    if amount <= 0 or amount > order.total - order.amount_refunded:
        raise BusinessRuleError(
            "The refund is more than what is left to refund.",
            code="REFUND_TOO_LARGE",
            details={"refundable": str(order.total - order.amount_refunded)},
        )
    host_amount = min(amount, max(order.host_earning - _host_refunded(order), Decimal("0")))
    refund = Refund.objects.create(
        order=order,
        amount=amount,
        host_amount=host_amount,
        reason=reason[:64],
        idempotency_key=key,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    order.amount_refunded += amount
    if ORDER_RANK[order.status] < ORDER_RANK[OrderStatus.PAID]:
        order.status = OrderStatus.PAID
    _recompute_status(order)
    order.save(update_fields=["amount_refunded", "status", "updated_at"])
    audit_record(
        action="refund.created",
        actor=actor,
        obj=refund,
        subject=order.user,
        data={"order_id": str(order.id), "amount": str(amount), "reason": reason},
    )
    transaction.on_commit(lambda: submit_refund.delay(str(refund.id)))
    return refund


def refund_create(
    *,
    order_id: uuid.UUID,
    amount: Decimal | None = None,
    reason: str,
    actor: Any = None,
    idempotency_key: str | None = None,
) -> Refund:
    """Refund a paid order fully (amount None) or partly; a repeated key returns the first refund."""
    key = idempotency_key or f"{reason}:{order_id}:{uuid.uuid4().hex}"
    try:
        with transaction.atomic():
            existing = Refund.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return existing
            order = Order.objects.select_for_update().select_related("user").get(id=order_id)
            if order.status not in SETTLED:
                raise BusinessRuleError("Only a paid order can be refunded.", code="ORDER_NOT_PAID")
            amount = order.total - order.amount_refunded if amount is None else amount
            refund = _refund_open(order, amount=amount, reason=reason, key=key, actor=actor)
            if order.amount_refunded >= order.total and order.ticket_id:
                ticket = Ticket.objects.select_for_update().get(id=order.ticket_id)
                ticket_cancel(ticket=ticket, reason=reason, actor=actor, status=TicketStatus.REFUNDED)
    except IntegrityError:
        return Refund.objects.get(idempotency_key=key)
    return refund


def refund_submit(*, refund_id: uuid.UUID | str) -> str:
    """Send a pending refund to the provider with its idempotency key (a retry never pays twice)."""
    refund = Refund.objects.select_related("order").get(id=refund_id)
    if refund.status != RefundStatus.PENDING or refund.provider_refund_id:
        return refund.status
    order = refund.order
    result = get_provider(order.provider).refund(
        order, amount_minor=to_minor(refund.amount, order.currency), idempotency_key=refund.idempotency_key
    )
    Refund.objects.filter(id=refund.id, provider_refund_id="").update(provider_refund_id=result.provider_refund_id)
    if result.state != "pending":
        return refund_apply_state(refund_id=refund.id, state=result.state)
    return "pending"


def refund_apply_state(*, refund_id: uuid.UUID, state: str, provider_refund_id: str = "") -> str:
    """pending -> processed | failed, once. A failed refund gives its amount back to the refundable total."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("order").get(id=refund_id)
        if refund.status != RefundStatus.PENDING:
            return refund.status
        refund.status = state
        if provider_refund_id and not refund.provider_refund_id:
            refund.provider_refund_id = provider_refund_id
        refund.processed_at = timezone.now()
        refund.save(update_fields=["status", "provider_refund_id", "processed_at"])
        if state == RefundStatus.FAILED:
            order = Order.objects.select_for_update().get(id=refund.order_id)
            order.amount_refunded -= refund.amount
            _recompute_status(order)
            order.save(update_fields=["amount_refunded", "status", "updated_at"])
        audit_record(action=f"refund.{state}", obj=refund, data={"order_id": str(refund.order_id)})
        if state == RefundStatus.PROCESSED:
            send_after_commit(signals.refund_processed, refund_id=refund.id)
    return state


def refund_cutoff(event: Event) -> Any:
    return event.start_at - timedelta(hours=get_settings().REFUND_CUTOFF_HOURS)


def _attendee_refund_amount(order: Order) -> Decimal:
    if get_settings().REFUND_PLATFORM_FEE:
        return order.total - order.amount_refunded
    return max(min(order.host_earning - _host_refunded(order), order.total - order.amount_refunded), Decimal("0"))


def order_cancel(*, user: User, order_id: uuid.UUID) -> Order:
    """The buyer cancels: a pending order lets its seats go; a paid one is refunded until the cut-off."""
    order = Order.objects.filter(id=order_id, user=user).select_related("event").first()
    if order is None:
        raise NotFound("Order not found.", code="ORDER_NOT_FOUND")
    if order.status == OrderStatus.PENDING:
        return order_cancel_pending(user=user, order_id=order.id)
    if order.status not in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED) or order.ticket_id is None:
        raise BusinessRuleError(
            f"This order is {order.status}; there is nothing to cancel.", code="ORDER_NOT_CANCELLABLE"
        )
    if timezone.now() >= refund_cutoff(order.event):
        raise RefundWindowClosed(
            details={"refund_cutoff": refund_cutoff(order.event).isoformat()},
        )
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("user").get(id=order.id)
        ticket = Ticket.objects.select_for_update().filter(id=order.ticket_id, status=TicketStatus.VALID).first()
        if ticket is None:
            raise BusinessRuleError("This ticket is no longer valid.", code="ORDER_NOT_CANCELLABLE")
        ticket_cancel(ticket=ticket, reason="attendee_cancelled", actor=user, status=TicketStatus.REFUNDED)
        amount = _attendee_refund_amount(order)
        if amount > 0:
            _refund_open(order, amount=amount, reason="attendee_cancelled", key=f"cancel:{order.id}", actor=user)
        audit_record(action="order.cancelled", actor=user, obj=order, data={"refund": str(amount)})
    order.refresh_from_db()
    return order


def event_orders_refund(*, event_id: uuid.UUID) -> int:
    """A cancelled event: release every hold, refund every paid order in full and void its ticket."""
    for order_id in Order.objects.filter(event_id=event_id, status=OrderStatus.PENDING).values_list("id", flat=True):
        order_release(order_id=order_id, reason="event cancelled")
    refunded = 0
    paid = Order.objects.filter(event_id=event_id, status__in=[OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED])
    for order_id in paid.values_list("id", flat=True):
        with transaction.atomic():
            order = Order.objects.select_for_update().select_related("user").get(id=order_id)
            if order.ticket_id:
                ticket = Ticket.objects.select_for_update().get(id=order.ticket_id)
                ticket_cancel(ticket=ticket, reason="event_cancelled", status=TicketStatus.REFUNDED)
            if order.total > order.amount_refunded:
                _refund_open(
                    order,
                    amount=order.total - order.amount_refunded,
                    reason="event_cancelled",
                    key=f"event-cancelled:{order.id}",
                )
                refunded += 1
    return refunded
