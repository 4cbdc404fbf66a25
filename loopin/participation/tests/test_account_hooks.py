"""The events domain's part in account deletion and export (loopin.participation.account_hooks), through the hooks."""

from __future__ import annotations

from django.db import transaction

from loopin.core import hooks
from loopin.events.models import JoinMode, JoinRequest
from loopin.participation.attendance import attendance_confirm
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory


def test_hooks_are_registered(db):
    assert "events.hosting" in hooks.deletion_blockers()
    assert "events.participation" in hooks.erasure_steps()
    assert "events" in hooks.export_sections()


def test_a_host_with_guests_is_blocked(interests):
    event = PublishedEventFactory()
    block = hooks.deletion_blockers()["events.hosting"]
    assert block(event.host) is None
    attendance_confirm(user=UserWithProfileFactory(), event_id=event.id)
    assert "1 upcoming event(s) with guests" in block(event.host)


def test_erasure_cancels_requests_and_frees_future_seats(interests):
    person = UserWithProfileFactory()
    open_event = PublishedEventFactory(capacity=5)
    approval = PublishedEventFactory(join_mode=JoinMode.APPROVAL)
    attendance_confirm(user=person, event_id=open_event.id)
    JoinRequest.objects.create(event=approval, user=person)
    with transaction.atomic():  # erasure steps run inside the deletion transaction
        hooks.erasure_steps()["events.participation"](person)
    open_event.refresh_from_db()
    assert (open_event.seats_taken, open_event.going_count) == (0, 0)
    assert JoinRequest.objects.get(user=person).status == "cancelled"


def test_export_lists_tickets_and_requests(interests):
    person = UserWithProfileFactory()
    event = PublishedEventFactory()
    ticket = attendance_confirm(user=person, event_id=event.id)
    data = hooks.export_sections()["events"](person)
    assert [t["code"] for t in data["tickets"]] == [ticket.code]
    assert data["tickets"][0]["seats"] == 1
    assert data["join_requests"] == [] and data["hosted_events"] == []
