"""An organisation's bank accounts and payout requests: owner and admin only, its events' owner share paid to its
account exactly once (real threads), never more than it earned; personal payouts unchanged."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from loopin.core.account_hooks import erase_audit_fields
from loopin.events.models import Event
from loopin.invoices.tests.helpers import paid_order
from loopin.organisations.tests.conftest import add_member, make_org
from loopin.payments.models import BankAccount, PayoutRequest
from loopin.payments.organisation_payouts import organisation_payout_request_create
from loopin.payments.payouts import account_number_decrypt, bank_account_create, payout_decide
from loopin.payments.services import refund_create
from loopin.payments.tests.helpers import finance_staff
from loopin.testing.concurrency import outcomes as race
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for

ACCOUNT = {
    "holder_name": "The Brewhouse LLP",
    "bank_name": "HDFC Bank",
    "ifsc": "HDFC0001234",
    "account_number": "50100012345678",
}


def _base(org):
    return f"/api/v2/payouts/organisations/{org.organisation.id}"


def _answer(r):
    return r.status_code, r.json()["error_code"]


def _ended_event(org, creator, buyers=2):
    event = PublishedEventFactory(
        host=creator, organisation=org.organisation, is_paid=True, ticket_price=Decimal("499.00"), capacity=10
    )
    orders = [paid_order(event, UserWithProfileFactory()) for _ in range(buyers)]
    Event.objects.filter(id=event.id).update(
        start_at=timezone.now() - timedelta(hours=3), end_at=timezone.now() - timedelta(hours=1)
    )
    return event, orders


@pytest.fixture
def org(transactional_db):
    return make_org()


def test_an_owner_adds_the_organisations_account_and_only_owner_and_admins_see_it(api, org):
    r = api.post(f"{_base(org)}/bank-accounts", json=ACCOUNT, headers=token_for(org.owner))
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert (data["account_number"], data["is_primary"], data["holder_name"]) == ("XXXX5678", True, "The Brewhouse LLP")
    stored = BankAccount.objects.get(id=data["id"])
    assert (stored.organisation_id, stored.user_id) == (org.organisation.id, None)
    assert account_number_decrypt(stored.account_number_encrypted) == "50100012345678"
    seen = {
        role: api.get(f"{_base(org)}/bank-accounts", headers=token_for(org.member(role)))
        for role in ("owner", "admin", "manager", "agent", "door")
    }
    assert [a["id"] for a in seen["admin"].json()["data"]] == [data["id"]]
    assert {role: r.status_code for role, r in seen.items()} == {
        "owner": 200, "admin": 200, "manager": 403, "agent": 403, "door": 403
    }  # fmt: skip
    # Not the owner's own account: their personal list stays empty.
    assert api.get("/api/v2/payouts/bank-accounts", headers=token_for(org.owner)).json()["data"] == []


def test_the_organisation_has_one_primary_account_and_removes_one_not_in_use(api, org):
    headers = token_for(org.admin)
    first = api.post(f"{_base(org)}/bank-accounts", json=ACCOUNT, headers=headers).json()["data"]["id"]
    body = {**ACCOUNT, "account_number": "99990000111122", "is_primary": True}
    second = api.post(f"{_base(org)}/bank-accounts", json=body, headers=headers).json()["data"]["id"]
    # The admin's own primary account does not collide with the organisation's.
    bank_account_create(user=org.admin, **ACCOUNT)

    def listed():
        return {
            a["id"]: a["is_primary"] for a in api.get(f"{_base(org)}/bank-accounts", headers=headers).json()["data"]
        }

    assert listed() == {first: False, second: True}
    assert api.post(f"{_base(org)}/bank-accounts/{first}/primary", headers=headers).status_code == 200
    assert listed() == {first: True, second: False}
    assert api.delete(f"{_base(org)}/bank-accounts/{second}", headers=headers).status_code == 200
    assert listed() == {first: True}
    assert BankAccount.objects.get(id=second).account_number_encrypted == ""


def test_the_admin_who_adds_an_account_and_the_one_who_removes_it_are_named(api, org):
    added = api.post(f"{_base(org)}/bank-accounts", json=ACCOUNT, headers=token_for(org.admin))
    account_id = added.json()["data"]["id"]
    stored = BankAccount.objects.get(id=account_id)
    assert (stored.created_by_id, stored.updated_by_id, stored.deleted_by_id, stored.removed_at) == (
        org.admin.id, org.admin.id, None, None
    )  # fmt: skip

    second_admin = add_member(org.organisation, "admin")
    assert api.delete(f"{_base(org)}/bank-accounts/{account_id}", headers=token_for(second_admin)).status_code == 200

    stored.refresh_from_db()
    assert (stored.created_by_id, stored.updated_by_id, stored.deleted_by_id) == (
        org.admin.id, second_admin.id, second_admin.id
    )  # fmt: skip
    assert stored.removed_at is not None and stored.is_primary is False


def test_making_an_account_primary_names_the_member_and_the_admin_page_shows_who(api, org):
    first = api.post(f"{_base(org)}/bank-accounts", json=ACCOUNT, headers=token_for(org.admin)).json()["data"]["id"]
    body = {**ACCOUNT, "account_number": "99990000111122", "is_primary": True}
    api.post(f"{_base(org)}/bank-accounts", json=body, headers=token_for(org.admin))
    assert api.post(f"{_base(org)}/bank-accounts/{first}/primary", headers=token_for(org.owner)).status_code == 200
    stored = BankAccount.objects.get(id=first)
    assert (stored.is_primary, stored.created_by_id, stored.updated_by_id) == (True, org.admin.id, org.owner.id)

    staff = UserWithProfileFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_bankaccount"))
    client = Client()
    client.force_login(staff)
    html = client.get(reverse("admin:payments_bankaccount_change", args=[first])).content.decode()

    def shown(field: str) -> list[str]:
        found = re.findall(rf'field-{field}">.*?<div class="readonly">(.*?)</div>', html, re.S)
        return [re.sub(r"<[^>]+>", "", text).strip() for text in found]

    assert (shown("created_by"), shown("updated_by"), shown("deleted_by")) == (
        [str(org.admin)], [str(org.owner)], ["-"]
    )  # fmt: skip


def test_erasing_a_member_empties_the_audit_fields_of_the_organisations_account(api, org):
    account_id = api.post(f"{_base(org)}/bank-accounts", json=ACCOUNT, headers=token_for(org.admin)).json()["data"][
        "id"
    ]
    erase_audit_fields(org.admin)
    stored = BankAccount.objects.get(id=account_id)
    assert (stored.created_by_id, stored.updated_by_id, stored.organisation_id) == (None, None, org.organisation.id)


def test_an_admin_asks_for_the_events_balance_to_the_organisations_account(api, org):
    event, orders = _ended_event(org, org.manager, buyers=3)
    refund_create(order_id=orders[0].id, reason="staff_refund")
    account = api.post(f"{_base(org)}/bank-accounts", json=ACCOUNT, headers=token_for(org.owner)).json()["data"]["id"]
    body = {"event_id": str(event.id), "bank_account_id": account}
    r = api.post(f"{_base(org)}/requests", json=body, headers=token_for(org.admin))
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert (data["gross_earnings"], data["refunds_total"], data["amount"], data["tickets_sold"]) == (
        "1497.00", "499.00", "998.00", 2
    )  # fmt: skip
    assert (data["organisation_id"], data["bank_account"], data["status"]) == (
        str(org.organisation.id), "XXXX5678", "requested"
    )  # fmt: skip
    listed = api.get(f"{_base(org)}/requests", headers=token_for(org.owner)).json()
    assert ([p["id"] for p in listed["data"]], listed["meta"]["total"]) == ([data["id"]], 1)
    # The organisation's payout is not the admin's own.
    assert api.get("/api/v2/payouts/requests", headers=token_for(org.admin)).json()["data"] == []
    again = api.post(f"{_base(org)}/requests", json=body, headers=token_for(org.owner))
    assert _answer(again) == (409, "PAYOUT_EXISTS")

    staff = finance_staff()
    payout_decide(staff=staff, payout_id=data["id"], target="approved")
    payout_decide(staff=staff, payout_id=data["id"], target="completed", transaction_ref="UTR777")
    assert _answer(api.post(f"{_base(org)}/requests", json=body, headers=token_for(org.owner))) == (
        400, "NOTHING_TO_PAY"
    )  # fmt: skip
    [row] = api.get(f"{_base(org)}/earnings", headers=token_for(org.owner)).json()["data"]
    assert (row["previously_paid"], row["balance"]) == ("998.00", "0.00")


def test_the_creating_member_cannot_take_the_organisations_share_personally(api, org):
    creator = add_member(org.organisation, "admin")
    event, _ = _ended_event(org, creator)
    mine = bank_account_create(user=creator, **ACCOUNT)
    body = {"event_id": str(event.id), "bank_account_id": str(mine.id)}
    assert _answer(api.post("/api/v2/payouts/requests", json=body, headers=token_for(creator))) == (
        400, "PAID_TO_ORGANISATION"
    )  # fmt: skip
    manager_event, _ = _ended_event(org, org.manager)
    manager_account = bank_account_create(user=org.manager, **ACCOUNT)
    body = {"event_id": str(manager_event.id), "bank_account_id": str(manager_account.id)}
    assert _answer(api.post("/api/v2/payouts/requests", json=body, headers=token_for(org.manager))) == (
        404, "EVENT_NOT_FOUND"
    )  # fmt: skip
    # Nor can the organisation pay to a member's own account.
    body = {"event_id": str(event.id), "bank_account_id": str(mine.id)}
    assert _answer(api.post(f"{_base(org)}/requests", json=body, headers=token_for(creator))) == (
        404, "BANK_ACCOUNT_NOT_FOUND"
    )  # fmt: skip
    assert PayoutRequest.objects.count() == 0


def test_only_the_organisations_own_ended_events_and_accounts_pay_out(api, org):
    other = make_org("nightowls")
    theirs, _ = _ended_event(other, other.manager)
    personal = PublishedEventFactory(host=org.owner, is_paid=True, ticket_price=Decimal("299.00"))
    upcoming = PublishedEventFactory(host=org.manager, organisation=org.organisation, is_paid=True)
    ours, _ = _ended_event(org, org.manager)
    account = api.post(f"{_base(org)}/bank-accounts", json=ACCOUNT, headers=token_for(org.owner)).json()["data"]["id"]
    other_account = api.post(f"{_base(other)}/bank-accounts", json=ACCOUNT, headers=token_for(other.owner)).json()
    headers = token_for(org.owner)
    answers = [
        _answer(api.post(f"{_base(org)}/requests", json={"event_id": str(e.id), "bank_account_id": a}, headers=headers))
        for e, a in [(theirs, account), (personal, account), (upcoming, account), (ours, other_account["data"]["id"])]
    ]
    assert answers == [
        (404, "EVENT_NOT_FOUND"), (404, "EVENT_NOT_FOUND"), (400, "EVENT_NOT_ENDED"), (404, "BANK_ACCOUNT_NOT_FOUND")
    ]  # fmt: skip


def test_owner_and_admins_asking_at_once_get_exactly_one_payout_of_exactly_the_balance(org):
    admins = [org.admin, *(add_member(org.organisation, "admin") for _ in range(4))]
    event, _ = _ended_event(org, org.manager, buyers=3)
    account = BankAccount.objects.create(
        organisation=org.organisation, holder_name="B", bank_name="HDFC", ifsc="HDFC0001234", last4="5678",
        account_number_encrypted="x", is_primary=True,
    )  # fmt: skip
    calls = [
        lambda u=u: organisation_payout_request_create(
            user=u, organisation_id=org.organisation.id, event_id=event.id, bank_account_id=account.id
        )
        for u in [org.owner, *admins]
    ]
    assert race(calls) == Counter({"ok": 1, "PAYOUT_EXISTS": 5})
    [payout] = PayoutRequest.objects.filter(event=event)
    assert (payout.amount, payout.organisation_id) == (Decimal("1497.00"), org.organisation.id)
    staff = finance_staff()
    payout_decide(staff=staff, payout_id=payout.id, target="approved")
    payout_decide(staff=staff, payout_id=payout.id, target="completed", transaction_ref="UTR1")
    assert race(calls) == Counter({"NOTHING_TO_PAY": 6})
    assert PayoutRequest.objects.filter(event=event).count() == 1
