"""Payments' demo data for `make run`: the fee configuration and one paid open event to buy through the sandbox."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from loopin.accounts.demo import demo_guests
from loopin.events.demo import demo_event
from loopin.events.models import Event, EventStatus, JoinMode, TicketTier, TierVisibility, Visibility
from loopin.events.tiers import default_tier
from loopin.participation.waitlist import waitlist_join
from loopin.payments.models import BankAccount, FeeConfig, PromoCode, PromoKind
from loopin.payments.money import to_minor
from loopin.payments.payouts import bank_account_create
from loopin.payments.services import order_create, payment_confirm

DEMO_TITLE = "Rooftop jazz evening (paid demo)"


def demo_payments(hosts: list) -> dict[str, int]:
    FeeConfig.current()
    if not Event.objects.filter(title=DEMO_TITLE).exists() and hosts:
        start = (timezone.now() + timedelta(days=7)).replace(hour=14, minute=30, second=0, microsecond=0)
        demo_event(
            host=hosts[0],
            title=DEMO_TITLE,
            description="Live jazz on a rooftop. Buy a ticket through the sandbox checkout: no real money moves.",
            start=start,
            hours=3,
            interests=["music-and-concerts", "entertainment"],
            location_text="Terrace, 5 Church Street",
            city="Bengaluru",
            latitude=12.9752,
            longitude=77.6050,
            capacity=50,
            is_paid=True,
            ticket_price=Decimal("499.00"),
            currency="INR",
            allow_plus_one=True,
            join_mode=JoinMode.OPEN,
            visibility=Visibility.PUBLIC,
        )
    return {"paid_events": Event.objects.filter(is_paid=True, status=EventStatus.PUBLISHED).count()}


ENDED_TITLE = "Sunset acoustic session (ended, paid)"


def demo_ended_sales(hosts: list) -> dict[str, int]:
    """An ended paid event with sales, its host holding a bank account: request a payout right away.

    The tickets are bought through the real order and confirmation services while the event is ahead,
    then the event is moved into the past and completed (demo data only).
    """
    host = hosts[1]
    if not BankAccount.objects.filter(user=host, removed_at__isnull=True).exists():
        bank_account_create(
            user=host, holder_name=host.name, bank_name="Demo Bank", ifsc="HDFC0001234", account_number="50100123456789"
        )
    if not Event.objects.filter(title=ENDED_TITLE).exists():
        start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=1)
        event = demo_event(
            host=host,
            title=ENDED_TITLE,
            description="It happened yesterday: the host can ask for a payout of the ticket sales.",
            start=start,
            hours=2,
            interests=["music-and-concerts"],
            location_text="Carter Road promenade",
            city="Mumbai",
            latitude=19.0660,
            longitude=72.8225,
            capacity=60,
            is_paid=True,
            ticket_price=Decimal("349.00"),
            currency="INR",
            join_mode=JoinMode.OPEN,
        )
        for n, guest in enumerate(demo_guests()):
            order = order_create(user=guest, event_id=event.id, seats=1, provider="sandbox")
            payment_confirm(
                order_id=order.id,
                payment_id=f"sbx_pay_demo_{event.canonical_id}_{n}",
                provider=order.provider,
                amount_minor=to_minor(order.total, order.currency),
                currency=order.currency,
                via="demo",
            )
        ended = timezone.now().replace(second=0, microsecond=0) - timedelta(days=1)
        Event.objects.filter(id=event.id).update(
            start_at=ended - timedelta(hours=2), end_at=ended, status=EventStatus.COMPLETED, completed_at=ended
        )
    return {"ended_paid_events": Event.objects.filter(title=ENDED_TITLE).count()}


TIERED_TITLE = "Loopin Live: three tiers (tiers demo)"


def demo_tiered_event(hosts: list) -> dict[str, int]:
    """A paid event with three tiers: an early bird sold out (with a waitlist), the regular tier, and a hidden
    VIP tier behind the unlock code VIPNIGHT; the promo code LOOPIN10 takes 10 % off. Sold through the real
    order, confirmation and waitlist services."""
    if not Event.objects.filter(title=TIERED_TITLE).exists() and hosts:
        start = (timezone.now() + timedelta(days=10)).replace(hour=14, minute=0, second=0, microsecond=0)
        event = demo_event(
            host=hosts[0],
            title=TIERED_TITLE,
            slug="loopin-live-three-tiers",
            description="Early birds are gone (join the waitlist), regular tickets are on sale, and VIPs know the "
            "code. Try LOOPIN10 at checkout.",
            start=start,
            hours=4,
            interests=["music-and-concerts", "entertainment"],
            location_text="Phoenix Arena, Whitefield",
            city="Bengaluru",
            latitude=12.9975,
            longitude=77.6963,
            capacity=40,
            is_paid=True,
            ticket_price=Decimal("499.00"),
            currency="INR",
            join_mode=JoinMode.OPEN,
        )
        TicketTier.objects.filter(id=default_tier(event).id).update(name="Regular", sort_order=1)
        early = TicketTier.objects.create(
            event=event, name="Early bird", price=Decimal("299.00"), capacity=2, sort_order=0
        )
        TicketTier.objects.create(
            event=event,
            name="VIP",
            description="Front of house and a drink.",
            price=Decimal("1499.00"),
            capacity=10,
            visibility=TierVisibility.HIDDEN,
            unlock_code="VIPNIGHT",
            sort_order=2,
        )
        PromoCode.objects.create(event=event, code="LOOPIN10", kind=PromoKind.PERCENT, amount=10, max_uses=100)
        guests = demo_guests()
        for n, guest in enumerate(guests[:2]):
            order = order_create(user=guest, event_id=event.id, tier_id=early.id, provider="sandbox")
            payment_confirm(
                order_id=order.id,
                payment_id=f"sbx_pay_tiers_{event.canonical_id}_{n}",
                provider=order.provider,
                amount_minor=to_minor(order.total, order.currency),
                currency=order.currency,
                via="demo",
            )
        if len(guests) > 2:
            waitlist_join(user=guests[2], event_id=event.id, tier_id=early.id)
    return {"tiered_events": Event.objects.filter(title=TIERED_TITLE).count()}
