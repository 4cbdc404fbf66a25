"""The people API over HTTP: the flows a person runs in the app."""

from __future__ import annotations

import pytest

from loopin.people.models import PrivacySettings, ProfileVisibility
from loopin.people.services.profile import handle_set
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ana(api):
    return UserWithProfileFactory(name="Ana Rao", bio="Runs at dawn.")


@pytest.fixture
def ben(api):
    return UserWithProfileFactory(name="Ben Das")


def test_friend_request_flow_over_http(api, ana, ben):
    sent = api.post("/api/v2/me/friend-requests", json={"user_id": str(ben.id)}, headers=token_for(ana))
    assert sent.status_code == 201, sent.text
    assert sent.json()["data"]["status"] == "pending" and sent.json()["data"]["became_friends"] is False
    inbox = api.get("/api/v2/me/friend-requests", headers=token_for(ben)).json()
    assert inbox["meta"]["total"] == 1
    assert inbox["data"][0]["person"]["id"] == str(ana.id) and inbox["data"][0]["direction"] == "incoming"
    outbox = api.get("/api/v2/me/friend-requests?direction=outgoing", headers=token_for(ana)).json()
    assert [r["person"]["id"] for r in outbox["data"]] == [str(ben.id)]
    request_id = inbox["data"][0]["id"]
    r = api.post(f"/api/v2/me/friend-requests/{request_id}/accept", headers=token_for(ben))
    assert r.status_code == 200, r.text
    friends = api.get("/api/v2/me/friends", headers=token_for(ana)).json()
    assert [f["id"] for f in friends["data"]] == [str(ben.id)] and friends["data"][0]["is_friend"] is True
    again = api.post("/api/v2/me/friend-requests", json={"user_id": str(ben.id)}, headers=token_for(ana))
    assert (again.status_code, again.json()["error_code"]) == (409, "ALREADY_FRIENDS")


def test_public_profile_hides_details_of_a_private_profile_by_leaving_them_out(api, ana, ben):
    handle_set(user=ana, handle="ana.runs")
    public = api.get(f"/api/v2/users/{ana.id}", headers=token_for(ben)).json()["data"]
    assert public["handle"] == "ana.runs" and public["bio"] == "Runs at dawn."
    assert public["relationship"]["friend"] is False and "interests" in public
    PrivacySettings.objects.create(user=ana, profile_visibility=ProfileVisibility.PRIVATE)
    private = api.get(f"/api/v2/users/{ana.id}", headers=token_for(ben)).json()["data"]
    assert private["name"] == "Ana Rao" and private["counts"]["friends"] == 0
    for hidden in ("bio", "interests", "links", "city", "cover_url", "upcoming_events"):
        assert hidden not in private
    anonymous = api.get(f"/api/v2/users/{ana.id}").json()["data"]
    assert "relationship" not in anonymous and "bio" not in anonymous


def test_a_block_makes_the_profile_404_both_ways(api, ana, ben):
    r = api.post("/api/v2/me/blocks", json={"user_id": str(ben.id)}, headers=token_for(ana))
    assert r.status_code == 201, r.text
    for viewer, subject in ((ana, ben), (ben, ana)):
        r = api.get(f"/api/v2/users/{subject.id}", headers=token_for(viewer))
        assert (r.status_code, r.json()["error_code"]) == (404, "USER_NOT_FOUND")
    blocked = api.get("/api/v2/me/blocks", headers=token_for(ana)).json()
    assert [b["id"] for b in blocked["data"]] == [str(ben.id)]


def test_old_handle_redirects_to_its_owner(api, ana, app_settings):
    app_settings.HANDLE_CHANGE_COOLDOWN_DAYS = 0
    handle_set(user=ana, handle="AnaR")
    handle_set(user=ana, handle="ana.new")
    r = api.get("/api/v2/users/by-handle/anar").json()["data"]
    assert (r["id"], r["handle"], r["redirected_from"]) == (str(ana.id), "ana.new", "anar")
    current = api.get("/api/v2/users/by-handle/@ANA.NEW").json()["data"]
    assert current["id"] == str(ana.id) and "redirected_from" not in current
    assert api.get("/api/v2/users/by-handle/nobody_here").status_code == 404


def test_privacy_settings_read_and_partial_update(api, ana):
    got = api.get("/api/v2/me/privacy", headers=token_for(ana)).json()["data"]
    assert got["profile_visibility"] == "public" and got["show_in_search"] is True
    r = api.patch("/api/v2/me/privacy", json={"show_in_search": False}, headers=token_for(ana))
    assert r.status_code == 200, r.text
    assert r.json()["data"]["show_in_search"] is False and r.json()["data"]["profile_visibility"] == "public"
    bad = api.patch("/api/v2/me/privacy", json={"profile_visibility": "secret"}, headers=token_for(ana))
    assert bad.status_code == 422


def test_handle_endpoints(api, ana, ben):
    r = api.put("/api/v2/me/handle", json={"handle": "Ana_R"}, headers=token_for(ana))
    assert r.status_code == 200 and r.json()["data"]["handle"] == "Ana_R"
    taken = api.put("/api/v2/me/handle", json={"handle": "ana_r"}, headers=token_for(ben))
    assert (taken.status_code, taken.json()["error_code"]) == (409, "HANDLE_TAKEN")
    check = api.get("/api/v2/me/handle/check?handle=admin", headers=token_for(ben)).json()["data"]
    assert check == {"handle": "admin", "available": False, "problem": "That handle is reserved."}
    bad = api.put("/api/v2/me/handle", json={"handle": "a"}, headers=token_for(ben))
    assert (bad.status_code, bad.json()["error_code"]) == (422, "VALIDATION_ERROR")


def test_follow_and_report_over_http(api, ana, ben):
    r = api.post("/api/v2/me/following", json={"user_id": str(ben.id)}, headers=token_for(ana))
    assert r.status_code == 201 and r.json()["data"]["status"] == "active"
    followers = api.get(f"/api/v2/users/{ben.id}/followers").json()
    assert [f["id"] for f in followers["data"]] == [str(ana.id)]
    rep = api.post(
        "/api/v2/reports",
        json={"user_id": str(ben.id), "category": "spam", "note": "Sells stuff"},
        headers=token_for(ana),
    )
    assert rep.status_code == 201 and rep.json()["data"]["status"] == "open"
    again = api.post("/api/v2/reports", json={"user_id": str(ben.id), "category": "spam"}, headers=token_for(ana))
    assert (again.status_code, again.json()["error_code"]) == (409, "REPORT_EXISTS")
