"""Part payments with real threads (on PostgreSQL the order row lock and the ledger's account locks are the guard):
one balance spent by two orders at once never goes below zero, and a card webhook racing the hold's expiry gives
either the ticket or every rupee back, never both and never twice."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from loopin.looppay.ledger import user_account
from loopin.looppay.models import EntryReason, JournalEntry, Line
from loopin.looppay.selectors import credit_balance
from loopin.looppay.tests.conftest import give_credit
from loopin.looppay.tickets import order_pay_with_credits
from loopin.payments.models import Order, Refund
from loopin.payments.money import to_minor
from loopin.payments.services import order_create, order_release, payment_confirm
from loopin.testing.concurrency import outcomes as race
from loopin.testing.concurrency import run_at_once
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.tickets.models import Ticket

PRICE = Decimal("499.00")  # 548.90 with the fee


def test_two_part_payments_racing_for_one_balance_spend_it_once_and_never_below_zero(person):
    events = [PublishedEventFactory(is_paid=True, ticket_price=PRICE, capacity=10) for _ in range(2)]
    orders = [order_create(user=person, event_id=e.id) for e in events]
    give_credit(person, "500.00")
    calls = [lambda o=o: order_pay_with_credits(user=person, order_id=o.id, credits="300.00") for o in orders]
    assert race(calls) == Counter({"ok": 1, "INSUFFICIENT_CREDITS": 1})
    account = user_account(person)
    assert (account.balance, credit_balance(person)) == (Decimal("200.00"), Decimal("200.00"))
    assert Line.objects.filter(account=account).aggregate(s=Sum("amount"))["s"] == Decimal("200.00")
    applied = sorted(Order.objects.filter(id__in=[o.id for o in orders]).values_list("credits_applied", flat=True))
    assert applied == [Decimal("0.00"), Decimal("300.00")]


def test_a_card_webhook_racing_the_expiry_issues_at_most_one_ticket_and_returns_credits_at_most_once(interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=PRICE, capacity=10)
    buyers = [UserWithProfileFactory() for _ in range(4)]
    orders = []
    for buyer in buyers:
        order = order_create(user=buyer, event_id=event.id)
        give_credit(buyer, "1000.00")
        orders.append(order_pay_with_credits(user=buyer, order_id=order.id, credits="200.00"))
    Order.objects.filter(id__in=[o.id for o in orders]).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    calls = []
    for order in orders:
        calls.append(lambda o=order: order_release(order_id=o.id, reason="hold expired", due_only=True))
        calls.append(
            lambda o=order: payment_confirm(
                order_id=o.id,
                payment_id=f"sbx_pay_{o.id.hex[:8]}",
                provider=o.provider,
                amount_minor=to_minor(Decimal("348.90"), "INR"),
                currency="INR",
            )
        )
    for result in run_at_once(calls):
        assert not isinstance(result, Exception), result
    for buyer, order in zip(buyers, orders, strict=True):
        order.refresh_from_db()
        tickets = Ticket.objects.filter(event=event, user=buyer, status="valid").count()
        returns = JournalEntry.objects.filter(reason=EntryReason.SPEND_REFUND, reference=str(order.id)).count()
        card_refunds = list(Refund.objects.filter(order=order).values_list("amount", "to_credits"))
        if order.ticket_id is not None:  # the webhook went first: the ticket, the credits stay spent
            assert (order.status, tickets, returns, card_refunds) == ("paid", 1, 0, [])
            assert credit_balance(buyer) == Decimal("800.00")
        else:  # the expiry went first: the credits back once, the late card part refunded to the card
            assert (order.status, tickets, returns) == ("refunded", 0, 1)
            assert card_refunds == [(Decimal("348.90"), False)]
            assert credit_balance(buyer) == Decimal("1000.00")
    event.refresh_from_db()
    assert event.seats_taken == Ticket.objects.filter(event=event, status="valid").count()
