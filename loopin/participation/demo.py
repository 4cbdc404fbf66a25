"""Demo guests at the demo events for `make run` (moved from loopin.events.demo: they take part through
participation's services). Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from loopin.accounts.demo import demo_guests
from loopin.accounts.models import User
from loopin.events.demo import STARTING_SOON, demo_event
from loopin.events.models import CoHost, Event, EventStatus, JoinMode, JoinRequest
from loopin.participation.attendance import attendance_confirm
from loopin.participation.join_requests import join_request_create


def demo_states(hosts: list[User]) -> dict[str, int]:
    """The states a newcomer wants to try at once: an event about to start whose guests hold tickets (the
    door opens CHECKIN_OPENS_MINUTES before), and pending requests on the approval-only events."""
    guests = demo_guests()
    soon = Event.objects.filter(title=STARTING_SOON).first()
    if soon is None:
        start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=30)
        soon = demo_event(
            host=hosts[0],
            title=STARTING_SOON,
            description="Catan, Codenames and chai. Your demo guests already hold tickets: try the door.",
            start=start,
            hours=3,
            interests=["entertainment"],
            location_text="Rooftop, 80 Feet Road, Koramangala",
            city="Bengaluru",
            latitude=12.9352,
            longitude=77.6245,
            capacity=30,
            join_mode=JoinMode.OPEN,
        )
        for guest in guests[:3]:
            attendance_confirm(user=guest, event_id=soon.id)
    elif soon.start_at < timezone.now() + timedelta(minutes=5):  # a later `make run`: about to start again
        start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=30)
        Event.objects.filter(id=soon.id).update(start_at=start, end_at=start + timedelta(hours=3))
    for event in Event.objects.filter(
        host__in=hosts, organisation__isnull=True, join_mode=JoinMode.APPROVAL, status=EventStatus.PUBLISHED
    ):
        if event.is_paid or event.has_started or JoinRequest.objects.filter(event=event).exists():
            continue
        for guest in guests[:2]:
            join_request_create(user=guest, event_id=event.id, message="Could I join? First time here.")
    # The second demo host co-hosts the event about to start (accepted): sign in as them to run its door and list.
    CoHost.objects.get_or_create(
        event=soon, user=hosts[1], defaults={"added_by": hosts[0], "accepted_at": timezone.now()}
    )
    return {
        "guests": len(guests),
        "pending_requests": JoinRequest.objects.filter(event__host__in=hosts, status="pending").count(),
        "co_hosts": CoHost.objects.filter(event__host__in=hosts).count(),
    }
