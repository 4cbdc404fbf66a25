"""`door_event`'s one statement compiled once (`DOOR_ROWS`, issue 22) gives the ORM's answer for every caller.

For each kind of person at a personal event, an organisation's event and a venue's event (host, accepted and
invited co-host, door staff, each organisation role, a removed member, the venue's door staff, a ticket holder, a
stranger, Loopin staff) and for a deleted event: the compiled rows equal the same query run by the ORM, and
`door_event`'s answer equals what the access rules answer asked one by one through the ORM (`holds_host_power`,
`co_host_may`, the door-staff row, the door grants), with the event and its door settings as the ORM loads them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from loopin.core.errors import LoopinError
from loopin.events.models import CoHost, Event
from loopin.events.selectors.access import co_host_may, holds_host_power
from loopin.organisations.models import Membership
from loopin.organisations.tests.conftest import add_member, make_org
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory
from loopin.tickets.door import door_event, door_settings
from loopin.tickets.door.grants import door_granted
from loopin.tickets.door.settings import DOOR_ROWS
from loopin.tickets.models import DoorStaff, EventDoorSettings
from loopin.tickets.tests.conftest import guest_with_ticket, open_event
from loopin.venuecommerce.models import VenueStaff

pytestmark = pytest.mark.django_db


def _orm_answer(user: Any, event_id: Any) -> str:
    """The rule asked through the ORM, one question at a time (as `door_event` asked it before it was compiled)."""
    event = Event.objects.select_related("door").alive().filter(id=event_id).first()
    if event is None:
        return "EVENT_NOT_FOUND"
    allowed = (
        DoorStaff.objects.filter(event_id=event.id, user_id=user.id).exists()
        or holds_host_power(user, event, "door")
        or co_host_may(user, event, "door")
        or door_granted(user, event)
    )
    return "door" if allowed else "NOT_DOOR_STAFF"


def _answer(user: Any, event_id: Any) -> str:
    try:
        door_event(user, event_id)
    except LoopinError as exc:
        return str(exc.code)
    return "door"


def _columns(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def _assert_same(people: dict[str, Any], event: Any, expected: dict[str, str]) -> None:
    for name, user in people.items():
        assert DOOR_ROWS.rows(event_id=event.id, user_id=user.id) == DOOR_ROWS.rows_orm(
            event_id=event.id, user_id=user.id
        ), name
    answers = {name: _answer(user, event.id) for name, user in people.items()}
    assert answers == {name: _orm_answer(user, event.id) for name, user in people.items()}
    assert answers == expected


def _co_host(event: Any, *, accepted: bool) -> Any:
    user = UserWithProfileFactory()
    CoHost.objects.create(event=event, user=user, accepted_at=timezone.now() if accepted else None)
    return user


def test_a_personal_event_host_co_hosts_door_staff_and_everyone_else(interests):
    event = open_event()
    staff = UserWithProfileFactory()
    DoorStaff.objects.create(event=event, user=staff)
    other_event = open_event()
    staff_elsewhere = UserWithProfileFactory()
    DoorStaff.objects.create(event=other_event, user=staff_elsewhere)
    people = {
        "host": event.host,
        "co_host": _co_host(event, accepted=True),
        "invited_co_host": _co_host(event, accepted=False),
        "co_host_elsewhere": _co_host(other_event, accepted=True),
        "door_staff": staff,
        "door_staff_elsewhere": staff_elsewhere,
        "ticket_holder": guest_with_ticket(event).user,
        "stranger": UserWithProfileFactory(),
        "loopin_staff": UserWithProfileFactory(is_staff=True, is_superuser=True),
    }
    _assert_same(
        people,
        event,
        {
            "host": "door",
            "co_host": "door",
            "invited_co_host": "NOT_DOOR_STAFF",
            "co_host_elsewhere": "NOT_DOOR_STAFF",
            "door_staff": "door",
            "door_staff_elsewhere": "NOT_DOOR_STAFF",
            "ticket_holder": "NOT_DOOR_STAFF",
            "stranger": "NOT_DOOR_STAFF",
            "loopin_staff": "NOT_DOOR_STAFF",
        },
    )


def test_an_organisations_event_by_role_and_membership(interests):
    org = make_org()
    start = timezone.now() + timedelta(minutes=30)
    event = PublishedEventFactory(
        host=org.manager, organisation=org.organisation, start_at=start, end_at=start + timedelta(hours=3)
    )
    invited = add_member(org.organisation, "door", accepted=False)
    removed = add_member(org.organisation, "manager")
    Membership.objects.filter(user=removed).update(removed_at=timezone.now())
    elsewhere = make_org("taproom").owner
    people = {
        "owner": org.owner,
        "admin": org.admin,
        "manager (its creator)": org.manager,
        "agent": org.agent,
        "door": org.door,
        "invited_door": invited,
        "removed_manager": removed,
        "owner_elsewhere": elsewhere,
        "co_host": _co_host(event, accepted=True),
        "stranger": UserWithProfileFactory(),
    }
    _assert_same(
        people,
        event,
        {
            "owner": "door",
            "admin": "door",
            "manager (its creator)": "door",
            "agent": "NOT_DOOR_STAFF",
            "door": "door",
            "invited_door": "NOT_DOOR_STAFF",
            "removed_manager": "NOT_DOOR_STAFF",
            "owner_elsewhere": "NOT_DOOR_STAFF",
            "co_host": "door",
            "stranger": "NOT_DOOR_STAFF",
        },
    )
    org.organisation.deleted_at = timezone.now()
    org.organisation.save(update_fields=["deleted_at"])
    _assert_same(
        {"owner": org.owner, "door": org.door, "co_host": people["co_host"]},
        event,
        {"owner": "NOT_DOOR_STAFF", "door": "NOT_DOOR_STAFF", "co_host": "door"},
    )


def test_a_venues_door_staff_through_its_grant(interests):
    venue = VenueFactory(created_by=UserWithProfileFactory(is_host=True))
    start = timezone.now() + timedelta(minutes=30)
    event = PublishedEventFactory(venue=venue, start_at=start, end_at=start + timedelta(hours=3))
    people = {}
    for role, accepted in (("door", True), ("manager", True), ("concessions", True), ("door", False)):
        user = UserWithProfileFactory()
        VenueStaff.objects.create(venue=venue, user=user, role=role, accepted_at=timezone.now() if accepted else None)
        people[f"{role}{'' if accepted else '_invited'}"] = user
    _assert_same(
        people,
        event,
        {"door": "door", "manager": "door", "concessions": "NOT_DOOR_STAFF", "door_invited": "NOT_DOOR_STAFF"},
    )


def test_a_deleted_event_is_not_found_for_its_host_and_its_door_staff(interests):
    event = open_event()
    staff = UserWithProfileFactory()
    DoorStaff.objects.create(event=event, user=staff)
    Event.objects.filter(id=event.id).update(deleted_at=timezone.now())
    _assert_same(
        {"host": event.host, "door_staff": staff},
        event,
        {"host": "EVENT_NOT_FOUND", "door_staff": "EVENT_NOT_FOUND"},
    )


@pytest.mark.parametrize("saved", [False, True])
def test_the_event_and_its_door_settings_are_the_orms(interests, saved):
    event = open_event()
    if saved:
        EventDoorSettings.objects.create(event=event, reentry_allowed=True, opens_minutes_before=120)
    loaded = door_event(event.host, event.id)
    orm = Event.objects.select_related("door").get(id=event.id)
    assert _columns(loaded) == _columns(orm)
    assert (loaded._state.adding, loaded._state.db) == (False, "default")
    assert _columns(door_settings(loaded)) == _columns(door_settings(orm))
    assert (door_settings(loaded).reentry_allowed, door_settings(loaded).opens_minutes_before) == (
        (True, 120) if saved else (False, 60)
    )
    assert door_settings(loaded)._state.adding is not saved


@pytest.mark.parametrize("who", ["co_host", "org_door"])
def test_a_co_host_or_an_organisation_member_is_checked_in_the_events_one_statement(
    interests, who, django_assert_num_queries
):
    if who == "co_host":
        event = open_event()
        user = _co_host(event, accepted=True)
    else:
        org = make_org()
        event = PublishedEventFactory(host=org.manager, organisation=org.organisation)
        user = org.door
    with django_assert_num_queries(1):
        assert door_event(user, event.id).id == event.id
