"""The demo has an organisation with three members in three roles; loading twice adds nothing."""

from __future__ import annotations

from loopin.config.demo import demo_load
from loopin.events.demo import ORGANISATION_EVENTS
from loopin.events.models import Event
from loopin.organisations.demo import HANDLE
from loopin.organisations.models import Membership, Organisation


def test_the_demo_organisation_has_an_owner_a_manager_and_a_door_member(transactional_db):
    demo_load()
    demo_load()  # twice: nothing is added the second time
    organisation = Organisation.objects.get(handle=HANDLE)
    members = Membership.objects.active().filter(organisation=organisation).order_by("user__phone_number")
    assert [(m.user.phone_number, m.role) for m in members] == [
        ("+919800000001", "owner"), ("+919800000003", "manager"), ("+919800000004", "door"),
    ]  # fmt: skip


def test_the_demo_organisation_runs_two_events_its_manager_created(transactional_db):
    demo_load()
    demo_load()
    events = Event.objects.filter(organisation__handle=HANDLE).order_by("start_at")
    assert [(e.title, e.host.phone_number, e.status) for e in events] == [
        (ORGANISATION_EVENTS[0], "+919800000003", "published"),
        (ORGANISATION_EVENTS[1], "+919800000003", "published"),
    ]
