"""`event_for` reads the event with its venue, host and organisation through one statement compiled once
(`selectors.access.EVENT_FOR`, issue 22): the same instances, column for column, as the select_related query it
replaced, the relations loaded (reading them costs no query), and a deleted or unknown event still not found."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loopin.core.errors import NotFound
from loopin.events.models import Event
from loopin.events.selectors.access import EVENT_FOR, event_for
from loopin.organisations.services import organisation_create
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory

pytestmark = pytest.mark.django_db


def _columns(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


@pytest.fixture
def events():
    host = UserWithProfileFactory(bio="Hosts on Sundays")
    org = organisation_create(user=host, name="Sunday Club", handle="sundayclub")
    return {
        "venue and organisation": PublishedEventFactory(
            host=host, venue=VenueFactory(name="The Hall"), organisation=org, capacity=40, seats_taken=7
        ),
        "neither": PublishedEventFactory(host=host),
    }


def test_the_compiled_read_gives_the_select_related_instances(events):
    for name, made in events.items():
        with CaptureQueriesContext(connection) as queries:
            got = event_for(None, made.id)
            relations = (got.venue, got.host, got.organisation)  # loaded with the event
        assert len(queries) == 1, name
        orm = Event.objects.select_related("venue", "host", "organisation").get(id=made.id)
        assert _columns(got) == _columns(orm), name
        for mine, theirs in zip(relations, (orm.venue, orm.host, orm.organisation), strict=True):
            assert (mine is None) == (theirs is None), name
            if mine is not None:
                assert type(mine) is type(theirs) and _columns(mine) == _columns(theirs), name
        assert got._state.adding is False
    full = event_for(None, events["venue and organisation"].id)
    assert (full.venue.name, full.organisation.handle, full.host.bio) == ("The Hall", "sundayclub", "Hosts on Sundays")
    assert (full.capacity, full.seats_taken) == (40, 7)
    bare = event_for(None, events["neither"].id)
    assert bare.venue is None and bare.organisation is None
    bare.title = "Renamed"
    bare.save(update_fields=["title"])  # an UPDATE of the loaded row
    assert Event.objects.get(id=bare.id).title == "Renamed"


def test_compiled_and_orm_rows_are_the_same_and_a_deleted_or_unknown_event_is_not_found(events):
    made = events["venue and organisation"]
    assert [_columns(e) for e in EVENT_FOR.instances(event_id=made.id)] == [
        _columns(e) for e in EVENT_FOR.instances_orm(event_id=made.id)
    ]
    Event.objects.filter(id=made.id).update(deleted_at=timezone.now())
    assert EVENT_FOR.instances(event_id=made.id) == []
    for missing in (made.id, uuid.uuid4()):
        with pytest.raises(NotFound) as failed:
            event_for(None, missing)
        assert failed.value.code == "EVENT_NOT_FOUND"
