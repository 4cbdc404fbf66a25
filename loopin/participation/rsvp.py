"""RSVP deadlines: how long an accepted guest or an invitee has to say yes (the app's four policies)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from loopin.accounts.models import User
from loopin.core.time import display_zone
from loopin.events.models import Event, JoinRequest, RequestStatus, RsvpPolicy
from loopin.tickets.models import Ticket, TicketStatus


def rsvp_deadline(*, event: Event, policy: str, start: datetime | None = None) -> datetime:
    """The moment a policy ends, counted from `start` (now by default), never after the event starts.

    48h / 7d: that long after `start`. day_before_event: 00:00 (display zone, Asia/Kolkata) on the event's day.
    event_start: the start itself.
    """
    start = start or timezone.now()
    if policy == RsvpPolicy.H48:
        deadline = start + timedelta(hours=48)
    elif policy == RsvpPolicy.D7:
        deadline = start + timedelta(days=7)
    elif policy == RsvpPolicy.DAY_BEFORE_EVENT:
        zone = display_zone()
        deadline = datetime.combine(event.start_at.astimezone(zone).date(), time(0, 0), tzinfo=zone)
    else:
        deadline = event.start_at
    return min(deadline, event.start_at)


def live_accepted_request(*, event: Event, user: User) -> JoinRequest | None:
    """The guest's accepted request whose confirmation deadline has not passed (None otherwise)."""
    req = JoinRequest.objects.filter(event=event, user=user, status=RequestStatus.ACCEPTED).first()
    if req is None or (req.confirm_by is not None and req.confirm_by <= timezone.now()):
        return None
    return req


def confirmation_open(*, user: User, event: Event, request: JoinRequest | None = None) -> bool:
    """May this guest still confirm ("Going!")? An accepted request, no valid ticket yet, deadline not passed."""
    req = request
    if req is None:
        req = JoinRequest.objects.filter(event=event, user=user, status=RequestStatus.ACCEPTED).first()
    if req is None or req.status != RequestStatus.ACCEPTED:
        return False
    if req.confirm_by is not None and req.confirm_by <= timezone.now():
        return False
    if event.has_started:
        return False
    return not Ticket.objects.filter(event=event, user_id=req.user_id, status=TicketStatus.VALID).exists()
