"""The app's dialect finds its own events by `host.user_id`: an organisation's event shows its members the acting
member as host (their host screens), everyone else the member who created it; money only to a money role."""

from __future__ import annotations

from loopin.app_v1 import event_reads
from loopin.events.selectors import share_path
from loopin.organisations.models import Organisation
from loopin.organisations.tests.conftest import make_org, org_event
from loopin.testing.factories import UserWithProfileFactory
from loopin.web.tests.pages import preview_tags


def test_members_see_themselves_as_host_and_others_see_the_creator(interests):
    org = make_org()
    event = org_event(org, org.manager)
    seen = {
        who: event_reads.event_detail(user=user, event_id=event.number)["host"]["user_id"]
        for who, user in [("door", org.door), ("admin", org.admin), ("stranger", UserWithProfileFactory())]
    }
    assert seen == {"door": org.door.number, "admin": org.admin.number, "stranger": org.manager.number}


def test_home_lists_an_organisations_event_for_every_member_and_not_for_others(interests):
    org = make_org()
    event = org_event(org, org.manager, visibility="private")
    listed = {
        who: [e["uuid"] for e in event_reads.home_events(user=user, offset=0, limit=20)[0]]
        for who, user in [("agent", org.agent), ("outsider", UserWithProfileFactory())]
    }
    assert listed == {"agent": [str(event.id)], "outsider": []}


def test_the_web_page_names_the_organisation_as_organizer(api):
    org = make_org()
    Organisation.objects.filter(id=org.organisation.id).update(is_verified=True)
    event = org_event(org, org.manager)
    r = api.get(share_path(event))
    assert r.status_code == 200
    assert (
        f'Hosted by <a href="/organisations/{org.organisation.id}"><strong id="organisation">The Brewhouse</strong></a>'
        in r.text
    )
    assert "✓ Verified" in r.text and "@brewhouse" in r.text
    [ld] = preview_tags(r.text).json_ld
    assert ld["organizer"] == {"@type": "Organization", "name": "The Brewhouse"}
