"""The demo has an organisation with three members in three roles running two events at its own venue; loading
twice adds nothing."""

from __future__ import annotations

from loopin.accounts.models import User
from loopin.config.demo import demo_load
from loopin.events.demo import ORGANISATION_EVENTS, ORGANISATION_VENUE
from loopin.events.models import Event, Venue
from loopin.organisations.demo import HANDLE
from loopin.organisations.models import Membership, Organisation
from loopin.venuecommerce.access import venue_may
from loopin.venuecommerce.demo import CLUB_COUNTER, CLUB_MENU
from loopin.venuecommerce.models import Counter, MenuItem, VenueStaff


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


def test_the_demo_organisation_owns_the_venue_of_its_events_and_its_members_run_it_by_role(transactional_db):
    demo_load()
    demo_load()
    venue = Venue.objects.get(name=ORGANISATION_VENUE)
    assert (venue.organisation.handle, venue.created_by.phone_number) == (HANDLE, "+919800000003")
    events = Event.objects.filter(organisation__handle=HANDLE)
    assert {e.venue_id for e in events} == {venue.id}
    assert list(MenuItem.objects.filter(venue=venue).values_list("name", flat=True)) == [n for n, *_ in CLUB_MENU]
    assert list(Counter.objects.filter(venue=venue).values_list("name", flat=True)) == [CLUB_COUNTER]
    assert not VenueStaff.objects.filter(venue=venue).exists()  # everyone there by their organisation role
    people = {
        phone: User.objects.get(phone_number=phone) for phone in ("+919800000001", "+919800000003", "+919800000004")
    }
    actions = ["venue", "managers", "menu", "orders", "door"]
    assert {phone: [a for a in actions if venue_may(u, venue, a)] for phone, u in people.items()} == {
        "+919800000001": actions,  # the owner: the venue's owner
        "+919800000003": ["venue", "menu", "orders", "door"],  # the manager: a venue manager
        "+919800000004": ["door"],  # door
    }
