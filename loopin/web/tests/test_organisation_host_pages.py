"""An organisation's events are on the organisation's page, not on the personal host page of the member who
created them (`/hosts/<id>`, the feed's `host_id`, a person's profile counts); the sitemap lists every organisation's
page (verified or not), never a deleted one's."""

from __future__ import annotations

import pytest

from loopin.events.selectors import share_path
from loopin.organisations.services import organisation_create, organisation_delete
from loopin.organisations.tests.conftest import add_member
from loopin.participation.activity import EventsActivity
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def club():
    owner = UserWithProfileFactory(name="Aarav")
    organisation = organisation_create(user=owner, name="Koramangala Social Club", handle="kmsocial")
    manager = add_member(organisation, "manager")
    return organisation, owner, manager


def test_a_members_host_page_shows_their_own_events_and_not_the_organisations(api, club):
    organisation, owner, manager = club
    manager.is_host = True
    manager.save(update_fields=["is_host"])
    own = PublishedEventFactory(host=manager, title="My own supper club")
    theirs = PublishedEventFactory(host=manager, organisation=organisation, title="Club quiz night")
    r = api.get(f"/hosts/{manager.id}")
    assert r.status_code == 200
    assert f'href="{share_path(own)}"' in r.text
    assert "Club quiz night" not in r.text and share_path(theirs) not in r.text
    page = api.get(f"/organisations/{organisation.id}")
    assert page.status_code == 200
    assert f'href="{share_path(theirs)}"' in page.text and "My own supper club" not in page.text


def test_a_member_who_only_created_the_organisations_events_has_no_host_page(api, club):
    organisation, owner, manager = club
    PublishedEventFactory(host=manager, organisation=organisation, title="Club quiz night")
    assert api.get(f"/hosts/{manager.id}").status_code == 404


def test_the_feeds_host_filter_and_the_profile_counts_leave_the_organisations_events_out(api, club):
    organisation, owner, manager = club
    own = PublishedEventFactory(host=manager, title="Mine")
    PublishedEventFactory(host=manager, organisation=organisation, title="The club's")
    r = api.get("/api/v2/events", params={"host_id": str(manager.id)})
    assert r.status_code == 200, r.text
    assert [e["id"] for e in r.json()["data"]] == [str(own.id)]
    activity = EventsActivity()
    assert activity.counts(manager.id) == {"events_hosted": 1, "events_attended": 0}
    assert [c.title for c in activity.upcoming_hosted(manager.id, None, 10)] == ["Mine"]


def test_the_sitemap_lists_organisation_pages_verified_or_not_never_deleted_ones(api, club):
    organisation, owner, manager = club
    organisation.is_verified = True
    organisation.save(update_fields=["is_verified"])
    other_owner = UserWithProfileFactory()
    unverified = organisation_create(user=other_owner, name="Rooftop Promoters", handle="rooftoppro")
    gone = organisation_create(user=UserWithProfileFactory(), name="Gone Club", handle="goneclub")
    organisation_delete(user=gone.memberships.get().user, organisation_id=gone.id)
    event = PublishedEventFactory(host=manager, organisation=organisation)
    r = api.get("/sitemap.xml")
    assert r.status_code == 200
    assert f"<loc>http://testserver{share_path(event)}</loc>" in r.text
    assert f"<loc>http://testserver/organisations/{organisation.id}</loc>" in r.text
    assert f"<loc>http://testserver/organisations/{unverified.id}</loc>" in r.text
    assert str(gone.id) not in r.text
    assert f"/hosts/{manager.id}" not in r.text  # the organisation's event is not its creator's
    assert r.text.count("<url>") == 3
