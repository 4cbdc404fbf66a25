"""An organisation's face on its events' cards (name, handle, logo, verification) is on the feed's next read after
it changes, cached pages or not (`events.feed_cache`)."""

from __future__ import annotations

from loopin.organisations.services import organisation_verify
from loopin.organisations.tests.conftest import make_org
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for


def _card_organisation(api) -> dict | None:
    r = api.get("/api/v2/events")
    assert r.status_code == 200, r.text
    return r.json()["data"][0]["organisation"]


def test_a_rename_a_verification_and_a_deletion_show_on_the_next_read(api):
    org = make_org()
    PublishedEventFactory(host=org.manager, organisation=org.organisation)
    first = _card_organisation(api)
    assert (first["name"], first["handle"], first["is_verified"]) == ("The Brewhouse", "brewhouse", False)
    edit = {"name": "Brewhouse Social", "handle": "brewsocial"}
    r = api.patch(f"/api/v2/organisations/{org.organisation.id}", json=edit, headers=token_for(org.admin))
    assert r.status_code == 200, r.text
    renamed = _card_organisation(api)
    assert (renamed["name"], renamed["handle"], renamed["is_verified"]) == ("Brewhouse Social", "brewsocial", False)
    organisation_verify(staff=UserWithProfileFactory(is_staff=True), organisation_id=org.organisation.id)
    assert _card_organisation(api)["is_verified"] is True
    organisation_verify(
        staff=UserWithProfileFactory(is_staff=True), organisation_id=org.organisation.id, verified=False
    )
    assert _card_organisation(api)["is_verified"] is False
    assert api.delete(f"/api/v2/organisations/{org.organisation.id}", headers=token_for(org.owner)).status_code in (
        200,
        204,
    )
    assert _card_organisation(api) is None
