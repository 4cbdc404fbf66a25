"""Event admin actions through Django's own admin views."""

from __future__ import annotations

import pytest

from loopin.audit.models import AuditEntry
from loopin.events.models import EventStatus, HostLead, TicketTier, Venue
from loopin.participation.attendance import attendance_confirm
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory
from loopin.testing.fixtures import admin_action, superuser_client


@pytest.fixture
def staff(db):
    return superuser_client()


def _act(client, model, action, ids):
    return admin_action(client, f"/admin/events/{model}/", action, ids)


def test_cancel_events_from_the_admin(staff, interests):
    client, user = staff
    event = PublishedEventFactory()
    guest = UserWithProfileFactory()

    attendance_confirm(user=guest, event_id=event.id)
    assert _act(client, "event", "cancel_events", [event.id]).status_code == 200
    event.refresh_from_db()
    assert (event.status, event.going_count, event.seats_taken) == (EventStatus.CANCELLED, 0, 0)
    assert AuditEntry.objects.filter(action="event.cancelled", actor=user).count() == 1


def test_verify_venues(staff):
    client, user = staff
    venue = VenueFactory()
    _act(client, "venue", "verify", [venue.id])
    assert Venue.objects.get(id=venue.id).is_verified is True
    assert AuditEntry.objects.filter(action="venue.verified", actor=user).count() == 1


def test_mark_host_leads(staff):
    client, _ = staff
    lead = HostLead.objects.create(first_name="Asha", last_name="Rao", phone_number="+919876543210")
    _act(client, "hostlead", "mark_contacted", [lead.id])
    assert HostLead.objects.get(id=lead.id).state == "contacted"
    _act(client, "hostlead", "mark_converted", [lead.id])
    assert HostLead.objects.get(id=lead.id).state == "converted"


def test_the_event_page_lists_its_tiers_inline(staff, interests):
    client, _ = staff
    event = PublishedEventFactory()
    TicketTier.objects.create(event=event, name="Balcony", capacity=20, sort_order=1)
    page = client.get(f"/admin/events/event/{event.id}/change/").content.decode()
    assert 'name="tiers-TOTAL_FORMS" value="2"' in page
    assert 'value="General admission"' in page and 'value="Balcony"' in page
