"""Reads for payments: orders as their owner/host/staff see them, bank accounts, payouts."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from loopin.accounts.models import User
from loopin.core.errors import NotFound
from loopin.core.settings import get_settings
from loopin.events.models import Event
from loopin.events.selectors.access import ensure_can_manage, event_for, holds_host_power
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.models import (
    BankAccount,
    Order,
    OrderStatus,
    PayoutRequest,
    PromoCode,
    Settlement,
    SettlementAccount,
)
from loopin.payments.providers.base import PAYMENT_FAILED, PAYMENT_SUCCEEDED
from loopin.payments.providers.sandbox import checkout_link_claims, sandbox_event
from loopin.payments.schemas import (
    BankAccountOut,
    OrderOut,
    PayoutOut,
    PromoCodeOut,
    SettlementAccountOut,
    SettlementOut,
    money_text,
)


def refund_cutoff(event: Event) -> Any:
    """Until when a buyer may cancel a paid ticket with a refund (REFUND_CUTOFF_HOURS before the start)."""
    return event.start_at - timedelta(hours=get_settings().REFUND_CUTOFF_HOURS)


def ticket_order_paid(ticket_id: uuid.UUID) -> bool:
    """Whether a purchased ticket's order is paid (the door asks through `tickets.door.purchases`)."""
    return Order.objects.filter(
        ticket_id=ticket_id, status__in=[OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED]
    ).exists()


def refund_state(order: Order) -> tuple[str, str | None]:
    """How much of an order came back, in words a buyer understands, and the fee kept if that is the gap."""
    if order.amount_refunded <= 0:
        return "none", None
    if order.amount_refunded >= order.total:
        return "refunded_in_full", None
    if order.fee_amount > 0 and order.amount_refunded == order.total - order.fee_amount:
        return "refunded_except_fee", money_text(order.fee_amount)
    return "partially_refunded", None


def order_data(order: Order, *, viewer: User, documents: list[Any] | None = None) -> OrderOut:
    """The order as `viewer` sees it: the checkout only to its buyer while pending, the GST documents per
    `_documents` (`documents`: already known, as for an order opened by this request, which has none)."""
    state, fee_kept = refund_state(order)
    return OrderOut.from_model(
        order,
        refund_state=state,
        fee_kept=fee_kept,
        checkout_shown=viewer.id == order.user_id and order.status == OrderStatus.PENDING,
        refund_cutoff=refund_cutoff(order.event),
        documents=_documents(order, viewer) if documents is None else documents,
    )


def _documents(order: Order, viewer: User) -> list[Any]:
    """The order's GST documents (written by loopin.invoices; read through the relation it adds, so payments
    imports nothing of it): all to the buyer and staff, only the host's own (the ticket's) to the host."""
    host_only = viewer.id != order.user_id and reads_as_host(viewer, order)
    return [d for d in order.tax_documents.all() if not host_only or d.kind == "ticket"]


def reads_as_host(user: User, order: Order) -> bool:
    """Whether `user` reads an order as its event's host: a money view (`holds_host_power(..., "money")`: the
    person of a personal event, an organisation's members whose role allows `money`)."""
    return holds_host_power(user, order.event, "money")


def order_for_viewer(*, user: User, order_id: uuid.UUID) -> Order:
    """The order, if `user` may read it: its buyer, the event's host and staff with `payments.view_order`
    (a staff read is recorded by `services.staff_reads.order_for_viewer_and_audit`); 404 for anyone else."""
    order = Order.objects.select_related("event", "tier").filter(id=order_id).first()
    if order is None:
        raise NotFound("Order not found.", code=PaymentErrorCode.ORDER_NOT_FOUND)
    if (
        user.id != order.user_id
        and not reads_as_host(user, order)
        and not (user.is_staff and user.has_perm("payments.view_order"))
    ):
        raise NotFound("Order not found.", code=PaymentErrorCode.ORDER_NOT_FOUND)
    return order


def order_view(*, user: User, order_id: uuid.UUID) -> OrderOut:
    """An order a service just returned to `user`, read back with its refunds and documents for the response."""
    order = Order.objects.select_related("event", "tier").prefetch_related("refunds", "tax_documents").get(id=order_id)
    return order_data(order, viewer=user)


def order_view_new(order: Order, *, viewer: User) -> OrderOut:
    """`order_view` of an order this request has just opened, from the instance the service wrote (its event and
    tier loaded; a new order has no refunds and no documents yet), without reading it back. The service says
    when it may (`services.order_hold`); tests prove the same answer as `order_view`."""
    refunds = order.refunds.none()
    refunds._result_cache = []  # as prefetch fills it: read without compiling SQL
    refunds._prefetch_done = True  # type: ignore[attr-defined]  # Django's, set by prefetch_related_objects
    order._prefetched_objects_cache = {"refunds": refunds}  # type: ignore[attr-defined]  # Django's prefetch cache
    return order_data(order, viewer=viewer, documents=[])


def my_orders(*, user: User, offset: int, limit: int) -> tuple[list[OrderOut], int]:
    qs = Order.objects.filter(user=user).select_related("event", "tier").prefetch_related("refunds", "tax_documents")
    return [order_data(o, viewer=user) for o in qs[offset : offset + limit]], qs.count()


def bank_accounts(*, user: User) -> list[BankAccountOut]:
    return [BankAccountOut.from_model(a) for a in BankAccount.objects.filter(user=user, removed_at__isnull=True)]


def my_payouts(*, user: User, offset: int, limit: int) -> tuple[list[PayoutOut], int]:
    qs = PayoutRequest.objects.filter(host=user, organisation__isnull=True)  # an organisation's: under it
    return [PayoutOut.from_model(p) for p in qs[offset : offset + limit]], qs.count()


def sandbox_checkout_context(*, order_id: uuid.UUID, token: str) -> dict[str, Any]:
    """What the sandbox checkout page shows: the order and its signed Pay/Fail webhooks.

    Only through the buyer's link (order and buyer signed, valid as long as the hold); 404 for anything else,
    and always while the sandbox is off.
    """
    missing = NotFound("Order not found.", code=PaymentErrorCode.ORDER_NOT_FOUND)
    claims = checkout_link_claims(token) if get_settings().payment_sandbox_enabled else None
    if claims is None or claims[0] != str(order_id):
        raise missing
    order = Order.objects.select_related("event").filter(id=order_id, user_id=claims[1], provider="sandbox").first()
    if order is None or not order.provider_order_id:
        raise missing
    events = {}
    for button, kind in (("pay", PAYMENT_SUCCEEDED), ("fail", PAYMENT_FAILED)):
        body, headers = sandbox_event(order, kind)
        events[button] = {"body": body.decode(), "signature": headers["X-Sandbox-Signature"]}
    return {
        "order": order,
        "events": events,
        "open": order.status in (OrderStatus.PENDING, OrderStatus.EXPIRED, OrderStatus.FAILED),
    }


def promo_view(*, promo_id: uuid.UUID) -> PromoCodeOut:
    """A promo code a service just wrote, read back with its tiers for the response."""
    return PromoCodeOut.from_model(PromoCode.objects.prefetch_related("tiers").get(id=promo_id))


def event_promo_codes(*, user: User, event_id: uuid.UUID) -> list[PromoCodeOut]:
    """The event's promo codes, for its host (and staff who may change events)."""
    event = event_for(user, event_id)
    ensure_can_manage(user, event)
    return [PromoCodeOut.from_model(p) for p in PromoCode.objects.filter(event_id=event.id).prefetch_related("tiers")]


def my_settlement_accounts(*, user: User) -> list[SettlementAccountOut]:
    return [SettlementAccountOut.from_model(a) for a in SettlementAccount.objects.filter(user=user)]


def my_settlements(*, user: User, offset: int, limit: int) -> tuple[list[SettlementOut], int]:
    """The caller's shares of paid orders (as owner or co-host), newest first."""
    qs = Settlement.objects.filter(recipient=user).select_related("order")
    return [SettlementOut.from_model(s) for s in qs[offset : offset + limit]], qs.count()
