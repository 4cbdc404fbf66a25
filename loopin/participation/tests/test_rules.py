"""Who may take part, way by way: the rules as a table, called at the service level (no HTTP)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.core.errors import LoopinError
from loopin.events.models import (
    EventStatus,
    Invitation,
    InvitationStatus,
    JoinMode,
    JoinRequest,
    RequestStatus,
)
from loopin.events.tiers import default_tier
from loopin.participation.errors import CapacityExceeded
from loopin.participation.rules import Way, ensure_may_take_part
from loopin.participation.seats import seats_take
from loopin.participation.tickets import admit, ticket_cancel, ticket_issue
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.tickets.models import TicketSource, TicketStatus

pytestmark = pytest.mark.django_db

FREE_OPEN: dict = {}
PAID = {"is_paid": True, "ticket_price": Decimal("499.00")}
APPROVAL = {"join_mode": JoinMode.APPROVAL}
INVITE_ONLY = {"join_mode": JoinMode.INVITE_ONLY}
MEN_ONLY = {"allowed_genders": ["male"]}  # the factory's guests are "female"
DRAFT = {"status": EventStatus.DRAFT}
STARTED = {"start_at": timezone.now() - timedelta(minutes=5)}


def refusal(event_fields: dict, way: Way, seats: int = 1, let_in: str | None = None, own: bool = False) -> str | None:
    event = PublishedEventFactory(**event_fields)
    user = event.host if own else UserWithProfileFactory()
    if let_in == "request":
        JoinRequest.objects.create(event=event, user=user, status=RequestStatus.ACCEPTED)
    if let_in == "invitation":
        Invitation.objects.create(event=event, invitee=user, invited_by=event.host, status=InvitationStatus.GOING)
    try:
        ensure_may_take_part(user=user, event=event, seats=seats, way=way)
    except LoopinError as exc:
        return exc.code
    return None


@pytest.mark.parametrize(
    ("event_fields", "way", "seats", "let_in", "own", "code"),
    [
        (FREE_OPEN, Way.CONFIRM, 1, None, False, None),
        (FREE_OPEN, Way.CONFIRM, 1, None, True, "OWN_EVENT"),
        (FREE_OPEN, Way.CONFIRM, 2, None, False, "TOO_MANY_SEATS"),
        ({"allow_plus_one": True}, Way.CONFIRM, 2, None, False, None),
        (FREE_OPEN, Way.CONFIRM, 0, None, False, "TOO_MANY_SEATS"),
        (DRAFT, Way.CONFIRM, 1, None, False, "EVENT_NOT_PUBLISHED"),
        (STARTED, Way.CONFIRM, 1, None, False, "EVENT_STARTED"),
        (PAID, Way.CONFIRM, 1, None, False, "PAYMENT_REQUIRED"),
        (APPROVAL, Way.CONFIRM, 1, None, False, "REQUEST_NOT_ACCEPTED"),
        (APPROVAL, Way.CONFIRM, 1, "request", False, None),
        (APPROVAL, Way.CONFIRM, 1, "invitation", False, None),
        (INVITE_ONLY, Way.CONFIRM, 1, None, False, "INVITE_ONLY"),
        (INVITE_ONLY, Way.CONFIRM, 1, "request", False, "INVITE_ONLY"),
        (INVITE_ONLY, Way.CONFIRM, 1, "invitation", False, None),
        (MEN_ONLY, Way.CONFIRM, 1, None, False, "GENDER_RESTRICTED"),
        ({**MEN_ONLY, **APPROVAL}, Way.CONFIRM, 1, "request", False, None),  # the host let them in
        (PAID, Way.BUY, 1, None, False, None),
        (FREE_OPEN, Way.BUY, 1, None, False, "NOT_A_PAID_EVENT"),
        (PAID, Way.BUY, 1, None, True, "OWN_EVENT"),
        ({**PAID, **DRAFT}, Way.BUY, 1, None, False, "EVENT_NOT_PUBLISHED"),
        ({**PAID, **APPROVAL}, Way.BUY, 1, None, False, "REQUEST_NOT_ACCEPTED"),
        ({**PAID, **APPROVAL}, Way.BUY, 1, "request", False, None),
        ({**PAID, **MEN_ONLY}, Way.BUY, 1, None, False, "GENDER_RESTRICTED"),
        (APPROVAL, Way.ASK, 1, None, False, None),
        (APPROVAL, Way.ASK, 1, None, True, "OWN_EVENT"),
        (FREE_OPEN, Way.ASK, 1, None, False, "REQUEST_NOT_NEEDED"),
        (INVITE_ONLY, Way.ASK, 1, None, False, "INVITE_ONLY"),
        ({**APPROVAL, **MEN_ONLY}, Way.ASK, 1, None, False, "GENDER_RESTRICTED"),
        ({**APPROVAL, **STARTED}, Way.ASK, 1, None, False, "EVENT_STARTED"),
        (INVITE_ONLY, Way.INVITED, 1, None, False, None),
        ({**INVITE_ONLY, **MEN_ONLY}, Way.INVITED, 1, None, False, "GENDER_RESTRICTED"),
        ({**INVITE_ONLY, **DRAFT}, Way.INVITED, 1, None, False, "EVENT_NOT_PUBLISHED"),
    ],
)
def test_who_may_take_part(event_fields, way, seats, let_in, own, code):
    assert refusal(event_fields, way, seats, let_in, own) == code


@pytest.mark.parametrize("way", [Way.CONFIRM, Way.ASK, Way.INVITED])
def test_someone_already_going_is_refused_whatever_the_way(way):
    event = PublishedEventFactory(join_mode=JoinMode.APPROVAL if way == Way.ASK else JoinMode.OPEN)
    user = UserWithProfileFactory()
    ticket_issue(event=event, user=user, seats=1, source=TicketSource.OPEN)
    with pytest.raises(LoopinError) as exc:
        ensure_may_take_part(user=user, event=event, seats=1, way=way)
    assert exc.value.code == "ALREADY_GOING"


def test_the_admission_names_what_let_them_in_and_the_ticket_source():
    event = PublishedEventFactory(join_mode=JoinMode.APPROVAL)
    user = UserWithProfileFactory()
    req = JoinRequest.objects.create(event=event, user=user, status=RequestStatus.ACCEPTED)
    admission = ensure_may_take_part(user=user, event=event, seats=1, way=Way.CONFIRM)
    assert (admission.join_request, admission.invitation, admission.source) == (req, None, TicketSource.REQUEST)
    open_event = PublishedEventFactory()
    assert ensure_may_take_part(user=user, event=open_event, seats=1, way=Way.CONFIRM).source == TicketSource.OPEN


def counters(event) -> tuple[int, int]:
    event.refresh_from_db()
    return event.seats_taken, event.going_count


@pytest.mark.parametrize(("seats_held", "after_hold"), [(False, (0, 0)), (True, (2, 0))])
def test_a_ticket_moves_seats_and_people_together(seats_held, after_hold):
    event = PublishedEventFactory(allow_plus_one=True)
    if seats_held:
        # what a paid order's hold does before the payment arrives (in the tier the ticket is of)
        seats_take(event_id=event.id, seats=2, tier_id=default_tier(event).id)
    assert counters(event) == after_hold
    ticket = ticket_issue(
        event=event, user=UserWithProfileFactory(), seats=2, source=TicketSource.OPEN, seats_held=seats_held
    )
    assert counters(event) == (2, 1)
    ticket_cancel(ticket=ticket, reason="test")
    assert counters(event) == (0, 0)
    ticket_cancel(ticket=ticket, reason="twice")  # a second cancel changes nothing
    assert counters(event) == (0, 0)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.cancel_reason) == (TicketStatus.CANCELLED, "test")


def test_a_ticket_that_does_not_fit_takes_nothing():
    event = PublishedEventFactory(capacity=1)
    ticket_issue(event=event, user=UserWithProfileFactory(), seats=1, source=TicketSource.OPEN)
    with pytest.raises(CapacityExceeded) as exc:
        ticket_issue(event=event, user=UserWithProfileFactory(), seats=1, source=TicketSource.OPEN)
    assert exc.value.details == {"seats_left": 0}
    assert counters(event) == (1, 1)


@pytest.mark.parametrize(("paid", "tickets", "counted"), [(False, 1, (1, 1)), (True, 0, (0, 0))])
def test_admit_issues_a_ticket_on_a_free_event_and_nothing_on_a_paid_one(paid, tickets, counted):
    event = PublishedEventFactory(**(PAID if paid else {}))
    user = UserWithProfileFactory()
    ticket = admit(event=event, user=user, seats=1, source=TicketSource.REQUEST)
    assert event.tickets.filter(user=user, status=TicketStatus.VALID).count() == tickets
    assert (ticket is None) == paid
    assert counters(event) == counted
