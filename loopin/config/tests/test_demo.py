"""`make run`'s demo data reaches every state a newcomer wants to try, and loading it twice adds nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from loopin.accounts.demo import DEMO_GUESTS, DEMO_HOSTS
from loopin.config.demo import demo_load
from loopin.events.demo import STARTING_SOON
from loopin.events.models import CoHost, Event, JoinMode, JoinRequest
from loopin.events.selectors.tiers import tiers_for
from loopin.payments.demo import ENDED_TITLE, TIERED_TITLE
from loopin.payments.models import BankAccount, Order
from loopin.payments.payouts import payout_request_create
from loopin.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_an_event_starts_in_half_an_hour_with_ticket_holders():
    before = timezone.now().replace(second=0, microsecond=0)
    demo_load()
    after = timezone.now()
    soon = Event.objects.get(title=STARTING_SOON)
    # Whole minutes, 30 of them after the minute the demo loaded in (measured around the load, not after it).
    assert before + timedelta(minutes=30) <= soon.start_at <= after + timedelta(minutes=30)
    assert (soon.start_at.second, soon.start_at.microsecond) == (0, 0)
    holders = Ticket.objects.filter(event=soon, status="valid").values_list("user__phone_number", flat=True)
    assert sorted(holders) == sorted(p for p, *_ in DEMO_GUESTS[:3])


def test_an_ended_paid_event_is_ready_for_a_payout_request():
    demo_load()
    ended = Event.objects.get(title=ENDED_TITLE)
    assert ended.status == "completed" and ended.end_at < timezone.now()
    assert Order.objects.filter(event=ended, status="paid").count() == len(DEMO_GUESTS)
    account = BankAccount.objects.get(user=ended.host)
    payout = payout_request_create(host=ended.host, event_id=ended.id, bank_account_id=account.id)
    assert (payout.amount, payout.tickets_sold) == (Decimal("1396.00"), 4)


def test_a_paid_event_has_three_tiers_a_sold_out_early_bird_with_a_waitlist_and_a_promo_code():
    demo_load()
    event = Event.objects.get(title=TIERED_TITLE)
    tiers = [(t.name, t.price, t.visibility, t.seats_taken) for t in event.tiers.all()]
    assert tiers == [
        ("Early bird", Decimal("299.00"), "public", 2),
        ("Regular", Decimal("499.00"), "public", 0),
        ("VIP", Decimal("1499.00"), "hidden", 0),
    ]
    assert [t.state for t in tiers_for(event)] == ["sold_out", "on_sale"]
    assert event.tiers.get(name="VIP").unlock_code == "VIPNIGHT"
    assert list(event.waitlist.values_list("tier__name", "status")) == [("Early bird", "waiting")]
    assert event.promo_codes.get().code == "LOOPIN10"


def test_the_approval_only_event_has_pending_requests():
    demo_load()
    # The personal host's approval event (the organisation's gig waits for real guests).
    event = Event.objects.get(join_mode=JoinMode.APPROVAL, is_paid=False, organisation__isnull=True)
    assert JoinRequest.objects.filter(event=event, status="pending").count() == 2


def test_loading_twice_adds_nothing_and_the_command_prints_who_to_sign_in_as(app_settings):
    app_settings.PORT = 8102
    demo_load()
    counts = (Event.objects.count(), Ticket.objects.count(), Order.objects.count(), JoinRequest.objects.count())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert (Event.objects.count(), Ticket.objects.count(), Order.objects.count(), JoinRequest.objects.count()) == counts
    printed = out.getvalue()
    for phone, name, *_ in DEMO_HOSTS:
        assert f"host   {phone}  {name}" in printed
    for phone, name, *_ in DEMO_GUESTS:
        assert f"guest  {phone}  {name}" in printed
    soon = Event.objects.get(title=STARTING_SOON)
    assert f"Share page: http://localhost:8102/in/bengaluru/events/{soon.slug}--{soon.canonical_id}" in printed


def test_the_event_about_to_start_has_an_accepted_co_host():
    demo_load()
    co_host = CoHost.objects.select_related("user").get(event__title=STARTING_SOON)
    assert (co_host.user.phone_number, co_host.accepted_at is not None, co_host.can_see_phone_numbers) == (
        "+919800000002",
        True,
        False,
    )
