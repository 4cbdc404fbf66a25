"""The HTTP API end to end: create, read, edit, list, invite, accept/decline, roles, removal, leaving, transfer."""

from __future__ import annotations

from decimal import Decimal

from loopin.organisations.models import Membership, Organisation
from loopin.organisations.tests.conftest import GSTIN, make_org
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for

BASE = "/api/v2/organisations"


def test_a_person_creates_an_organisation_invites_a_team_and_hands_it_over(api, interests):
    owner, friend = UserWithProfileFactory(), UserWithProfileFactory()
    r = api.post(BASE, json={"name": "Night Owls", "handle": "nightowls", "city": "Pune", "gstin": GSTIN,
                             "legal_name": "Night Owls LLP"}, headers=token_for(owner))  # fmt: skip
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    org_id = data["id"]
    assert (data["my_role"], data["gstin"], data["is_verified"], data["my_actions"][-1]) == (
        "owner", GSTIN, False, "delete",
    )  # fmt: skip
    public = api.get(f"{BASE}/{org_id}").json()["data"]
    assert sorted(public) == ["city", "created_at", "description", "handle", "id", "is_verified", "logo_url", "name"]
    r = api.post(f"{BASE}/{org_id}/members", json={"phone_number": friend.phone_number, "role": "manager"},
                 headers=token_for(owner))  # fmt: skip
    assert (r.status_code, r.json()["data"]["accepted_at"], r.json()["data"]["role"]) == (201, None, "manager")
    assert api.get(f"{BASE}/{org_id}/private", headers=token_for(friend)).status_code == 404
    invites = api.get(f"{BASE}/invitations", headers=token_for(friend)).json()
    assert (invites["meta"]["total"], invites["data"][0]["organisation"]["id"]) == (1, org_id)
    r = api.post(f"{BASE}/{org_id}/invitation/accept", headers=token_for(friend))
    assert (r.status_code, r.json()["data"]["my_role"]) == (200, "manager")
    mine = api.get(f"{BASE}/mine", headers=token_for(friend)).json()
    assert [(m["organisation"]["handle"], m["role"]) for m in mine["data"]] == [("nightowls", "manager")]
    members = api.get(f"{BASE}/{org_id}/members", headers=token_for(friend)).json()
    assert [(m["user_id"], m["role"]) for m in members["data"]] == [
        (str(owner.id), "owner"),
        (str(friend.id), "manager"),
    ]
    r = api.put(f"{BASE}/{org_id}/members/{friend.id}", json={"role": "admin"}, headers=token_for(owner))
    assert (r.status_code, r.json()["data"]["role"]) == (200, "admin")
    r = api.patch(f"{BASE}/{org_id}", json={"description": "Late nights"}, headers=token_for(friend))
    assert (r.status_code, r.json()["data"]["description"]) == (200, "Late nights")
    r = api.post(f"{BASE}/{org_id}/transfer-ownership", json={"user_id": str(friend.id)}, headers=token_for(owner))
    assert (r.status_code, r.json()["data"]["my_role"]) == (200, "admin")
    assert (
        api.post(f"{BASE}/{org_id}/leave", headers=token_for(friend)).json()["error_code"] == "ORGANISATION_OWNER_STAYS"
    )
    assert api.post(f"{BASE}/{org_id}/leave", headers=token_for(owner)).status_code == 200
    assert api.get(f"{BASE}/mine", headers=token_for(owner)).json()["meta"]["total"] == 0
    r = api.delete(f"{BASE}/{org_id}", headers=token_for(friend))
    assert r.status_code == 200
    assert api.get(f"{BASE}/{org_id}").json()["error_code"] == "ORGANISATION_NOT_FOUND"


def test_errors_are_envelopes_with_their_codes(api, interests):
    org = make_org()
    org_id = org.organisation.id
    r = api.post(BASE, json={"name": "Copy", "handle": "BREWHOUSE"}, headers=token_for(org.agent))
    assert (r.status_code, r.json()["error_code"]) == (409, "ORGANISATION_HANDLE_TAKEN")
    r = api.post(BASE, json={"name": "Tax", "handle": "taxes", "gstin": "27AAPFU0939F1ZA", "legal_name": "X"},
                 headers=token_for(org.agent))  # fmt: skip
    assert (r.status_code, r.json()["error_code"], r.json()["details"]["fields"][0]["field"]) == (
        422, "VALIDATION_ERROR", "gstin",
    )  # fmt: skip
    r = api.put(f"{BASE}/{org_id}/members/{org.owner.id}", json={"role": "door"}, headers=token_for(org.admin))
    assert (r.status_code, r.json()["error_code"]) == (400, "ORGANISATION_OWNER_STAYS")
    r = api.post(
        f"{BASE}/{org_id}/members", json={"handle": "nobody_here", "role": "agent"}, headers=token_for(org.admin)
    )
    assert (r.status_code, r.json()["error_code"]) == (404, "USER_NOT_FOUND")
    r = api.post(f"{BASE}/{org_id}/members", json={"phone_number": org.door.phone_number, "role": "agent"},
                 headers=token_for(org.admin))  # fmt: skip
    assert (r.status_code, r.json()["error_code"]) == (409, "ORGANISATION_MEMBER_EXISTS")
    r = api.post(f"{BASE}/{org_id}/members", json={"handle": "x_y", "role": "owner"}, headers=token_for(org.admin))
    assert r.status_code == 422
    assert api.get(f"{BASE}/mine").status_code == 401
    assert Membership.objects.filter(organisation=org.organisation).count() == 5


def test_owner_and_admin_set_the_invoice_details_and_a_bad_prefix_is_refused(api, interests):
    org = make_org()
    path = f"{BASE}/{org.organisation.id}"
    details = {"address": "12th Main, Indiranagar", "invoice_prefix": "club", "state_code": "29", "gst_rate": "12"}
    r = api.patch(path, json=details, headers=token_for(org.admin))
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert (data["address"], data["invoice_prefix"], data["state_code"], data["gst_rate"]) == (
        "12th Main, Indiranagar", "CLUB", "29", "12.00",
    )  # fmt: skip
    refusals = [
        ({"invoice_prefix": "CLUB1"}, "invoice_prefix", "STRING_TOO_LONG"),
        ({"invoice_prefix": "C-B"}, "invoice_prefix", "invalid_invoice_prefix"),
        ({"state_code": "00"}, "state_code", "invalid_state_code"),
        ({"gst_rate": "30"}, "gst_rate", "invalid_gst_rate"),
    ]
    for bad, field, code in refusals:
        r = api.patch(path, json=bad, headers=token_for(org.owner))
        body = r.json()
        fields = [(f["field"], f["code"]) for f in body["details"]["fields"]]
        assert (r.status_code, body["error_code"], fields) == (422, "VALIDATION_ERROR", [(field, code)]), bad
    r = api.patch(path, json={"invoice_prefix": "MINE"}, headers=token_for(org.manager))
    assert (r.status_code, r.json()["error_code"]) == (403, "ORGANISATION_ROLE_TOO_SMALL")
    organisation = Organisation.objects.get(id=org.organisation.id)
    assert (organisation.invoice_prefix, organisation.state_code, organisation.gst_rate) == (
        "CLUB",
        "29",
        Decimal("12"),
    )
