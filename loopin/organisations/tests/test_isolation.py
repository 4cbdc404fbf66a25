"""The isolation matrix: every endpoint that takes an organisation (its own, its logo's and its money's: earnings, bank
accounts, payout requests), called as a member of another organisation, as a member whose role is too small, and
as a former member (removed, and one who left) — exact statuses, no field of the organisation in any refusal, and
nothing changed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from loopin.events.models import Event
from loopin.invoices.tests.helpers import paid_order
from loopin.organisations.models import Membership, Organisation
from loopin.organisations.services import member_remove, organisation_leave, organisation_logo_upload
from loopin.organisations.tests.conftest import make_org
from loopin.payments.models import BankAccount, PayoutRequest
from loopin.payments.organisation_payouts import organisation_bank_account_create
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.testing.images import plain_image

BASE = "/api/v2/organisations"
MONEY = "/api/v2/payouts/organisations"
ACCOUNT = {
    "holder_name": "Brewhouse LLP",
    "bank_name": "HDFC",
    "ifsc": "HDFC0001234",
    "account_number": "50100012345678",
}
NOT_MEMBER = (404, "ORGANISATION_NOT_FOUND")
TOO_SMALL = (403, "ORGANISATION_ROLE_TOO_SMALL")
NO_INVITATION = (404, "ORGANISATION_INVITATION_NOT_FOUND")
LOGO = [("logo", ("logo.png", plain_image("PNG"), "image/png"))]  # multipart files, not a JSON body


def endpoints(org, newcomer, event, account):
    """(name, method, path, body, what a door-role member gets: None when the role allows it)."""
    o, target = org.organisation.id, org.manager.id
    m, a = f"{MONEY}/{o}", account.id
    payout = {"event_id": str(event.id), "bank_account_id": str(a)}
    return [
        ("private", "GET", f"{BASE}/{o}/private", None, None),
        ("members", "GET", f"{BASE}/{o}/members", None, None),
        ("edit", "PATCH", f"{BASE}/{o}", {"name": "Taken over"}, TOO_SMALL),
        ("upload logo", "POST", f"{BASE}/{o}/logo", LOGO, TOO_SMALL),
        ("remove logo", "DELETE", f"{BASE}/{o}/logo", None, TOO_SMALL),
        ("delete", "DELETE", f"{BASE}/{o}", None, TOO_SMALL),
        ("invite", "POST", f"{BASE}/{o}/members", {"phone_number": newcomer.phone_number, "role": "admin"}, TOO_SMALL),
        ("change role", "PUT", f"{BASE}/{o}/members/{target}", {"role": "door"}, TOO_SMALL),
        ("remove", "DELETE", f"{BASE}/{o}/members/{target}", None, TOO_SMALL),
        ("transfer", "POST", f"{BASE}/{o}/transfer-ownership", {"user_id": str(target)}, TOO_SMALL),
        ("earnings", "GET", f"{m}/earnings", None, TOO_SMALL),
        ("bank accounts", "GET", f"{m}/bank-accounts", None, TOO_SMALL),
        ("add bank account", "POST", f"{m}/bank-accounts", {**ACCOUNT, "is_primary": True}, TOO_SMALL),
        ("make primary", "POST", f"{m}/bank-accounts/{a}/primary", None, TOO_SMALL),
        ("remove bank account", "DELETE", f"{m}/bank-accounts/{a}", None, TOO_SMALL),
        ("payouts", "GET", f"{m}/requests", None, TOO_SMALL),
        ("request payout", "POST", f"{m}/requests", payout, TOO_SMALL),
    ]


def snapshot(organisation):
    org = Organisation.objects.get(id=organisation.id)
    rows = Membership.objects.filter(organisation=organisation).order_by("id")
    accounts = BankAccount.objects.order_by("id").values_list("id", "organisation_id", "is_primary", "removed_at")
    return (
        org.name,
        org.logo_url,
        org.logo.name,
        default_storage.exists(org.logo.name),
        org.deleted_at,
        [(m.user_id, m.role, m.accepted_at, m.removed_at) for m in rows],
        list(accounts),
        PayoutRequest.objects.count(),
    )


def ended_paid_event(org):
    """One of the organisation's events, ended, with a paid ticket: a balance to pay out."""
    event = PublishedEventFactory(
        host=org.manager, organisation=org.organisation, is_paid=True, ticket_price=Decimal("499.00")
    )
    paid_order(event, UserWithProfileFactory())
    Event.objects.filter(id=event.id).update(
        start_at=timezone.now() - timedelta(hours=3), end_at=timezone.now() - timedelta(hours=1)
    )
    return event


@pytest.fixture
def world(interests):
    org = make_org()
    other = make_org("nightowls")
    removed, left = org.agent, UserWithProfileFactory()
    Membership.objects.create(
        organisation=org.organisation, user=left, role="admin", accepted_at=org.organisation.created_at
    )
    member_remove(user=org.owner, organisation_id=org.organisation.id, user_id=removed.id)
    organisation_leave(user=left, organisation_id=org.organisation.id)
    event = ended_paid_event(org)
    organisation_logo_upload(user=org.owner, organisation_id=org.organisation.id, content=plain_image("JPEG"))
    account = organisation_bank_account_create(user=org.owner, organisation_id=org.organisation.id, **ACCOUNT)
    organisation_bank_account_create(user=other.owner, organisation_id=other.organisation.id, **ACCOUNT)
    return org, other, removed, left, event, account


def _call(api, method, path, body, user):
    if isinstance(body, list):
        return api.request(method, path, files=body, headers=token_for(user))
    return api.request(method, path, json=body, headers=token_for(user))


def test_no_endpoint_leaks_an_organisation_to_outsiders_small_roles_or_former_members(api, world):
    org, other, removed, left, event, account = world
    newcomer = UserWithProfileFactory()
    before = snapshot(org.organisation)
    callers = {
        "another organisation's owner": (other.owner, lambda small: NOT_MEMBER),
        "another organisation's admin": (other.admin, lambda small: NOT_MEMBER),
        "a door-role member": (org.door, lambda small: small),
        "a removed member": (removed, lambda small: NOT_MEMBER),
        "a member who left": (left, lambda small: NOT_MEMBER),
    }
    got, expected, allowed = {}, {}, 0
    for who, (user, expect) in callers.items():
        for name, method, path, body, small in endpoints(org, newcomer, event, account):
            want = expect(small)
            r = _call(api, method, path, body, user)
            if want is None:
                assert r.status_code == 200, (who, name, r.text)
                allowed += 1
                continue
            got[(who, name)] = (r.status_code, r.json()["error_code"])
            expected[(who, name)] = want
            assert "Brewhouse" not in r.text and "brewhouse" not in r.text, (who, name)
        for name, path in [("accept", f"{BASE}/{org.organisation.id}/invitation/accept"),
                           ("decline", f"{BASE}/{org.organisation.id}/invitation/decline")]:  # fmt: skip
            r = _call(api, "POST", path, None, user)
            got[(who, name)], expected[(who, name)] = (r.status_code, r.json()["error_code"]), NO_INVITATION
        if user is not org.door:
            r = _call(api, "POST", f"{BASE}/{org.organisation.id}/leave", None, user)
            got[(who, "leave")], expected[(who, "leave")] = (r.status_code, r.json()["error_code"]), NOT_MEMBER
    assert got == expected
    assert (len(got), allowed) == (4 * 20 + 17, 2)
    assert snapshot(org.organisation) == before
    for user in [other.owner, removed, left]:
        mine = api.get(f"{BASE}/mine", headers=token_for(user)).json()
        assert org.organisation.id not in {m["organisation"]["id"] for m in mine["data"]}
    # The other organisation's owner sees their own accounts only.
    theirs = api.get(f"{MONEY}/{other.organisation.id}/bank-accounts", headers=token_for(other.owner)).json()["data"]
    assert str(account.id) not in {a["id"] for a in theirs} and len(theirs) == 1


def test_removal_ends_an_admins_money_powers_at_once(api, world):
    org, event, account = world[0], world[4], world[5]
    headers = token_for(org.admin)
    assert api.get(f"{MONEY}/{org.organisation.id}/bank-accounts", headers=headers).status_code == 200
    member_remove(user=org.owner, organisation_id=org.organisation.id, user_id=org.admin.id)
    body = {"event_id": str(event.id), "bank_account_id": str(account.id)}
    r = api.post(f"{MONEY}/{org.organisation.id}/requests", json=body, headers=headers)
    assert (r.status_code, r.json()["error_code"]) == NOT_MEMBER
    assert PayoutRequest.objects.count() == 0


def test_removal_ends_access_for_a_token_issued_before_it(api, world):
    org = world[0]
    headers = token_for(org.manager)
    assert api.get(f"{BASE}/{org.organisation.id}/private", headers=headers).status_code == 200
    member_remove(user=org.admin, organisation_id=org.organisation.id, user_id=org.manager.id)
    r = api.get(f"{BASE}/{org.organisation.id}/members", headers=headers)
    assert (r.status_code, r.json()["error_code"]) == NOT_MEMBER


def test_the_owner_of_another_organisation_sees_only_the_public_page(api, world):
    org, other = world[0], world[1]
    r = api.get(f"{BASE}/{org.organisation.id}", headers=token_for(other.owner))
    assert (r.status_code, r.json()["data"]["handle"], "gstin" in r.json()["data"]) == (200, "brewhouse", False)
