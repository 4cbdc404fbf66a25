"""The demo: the venue of the event about to start has a counter, a menu and a concessions staff member."""

from __future__ import annotations

import pytest

from loopin.accounts.demo import DEMO_HOSTS
from loopin.config.demo import demo_load
from loopin.events.demo import STARTING_SOON
from loopin.events.models import Event
from loopin.venuecommerce.demo import CLUB_MENU
from loopin.venuecommerce.models import MenuItem, VenueStaff
from loopin.venuecommerce.selectors import menu_get

pytestmark = pytest.mark.django_db


def test_the_event_about_to_start_has_a_menu_a_counter_and_a_second_load_adds_nothing():
    demo_load()
    demo_load()
    event = Event.objects.select_related("venue").get(title=STARTING_SOON)
    menu = menu_get(venue_id=event.venue_id, event_id=event.id)
    assert [i.name for i in menu.items] == ["Masala chai", "Cold coffee", "Vada pav", "Board-game night tee"]
    assert [c.name for c in menu.counters] == ["Rooftop bar"]
    assert MenuItem.objects.count() == 4 + len(CLUB_MENU)  # and the demo organisation's venue's; nothing twice
    assert event.venue.created_by_id == event.host_id
    staff = VenueStaff.objects.select_related("user").get(venue=event.venue)
    assert (staff.user.phone_number, staff.role, staff.accepted_at is not None) == (
        DEMO_HOSTS[1][0],
        "concessions",
        True,
    )
