"""Host payouts: bank accounts (validated, encrypted, masked, one primary) and payout requests and their math."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.core.errors import LoopinError
from loopin.events.models import Event
from loopin.payments.models import BankAccount, Order, PayoutRequest
from loopin.payments.payouts import account_number_decrypt, payout_decide
from loopin.payments.services import refund_create
from loopin.payments.signals import payout_status_changed
from loopin.payments.tests.helpers import buy, finance_staff, sandbox_webhook
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for

ACCOUNT = {
    "holder_name": "Aarav Mehta",
    "bank_name": "HDFC Bank",
    "ifsc": "HDFC0001234",
    "account_number": "50100012345678",
}


def _add_account(api, headers, **overrides):
    return api.post("/api/v2/payouts/bank-accounts", json={**ACCOUNT, **overrides}, headers=headers)


def test_a_bank_account_is_stored_encrypted_and_shown_masked(api, buyer, buyer_headers):
    r = _add_account(api, buyer_headers)
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert (data["account_number"], data["is_primary"], data["ifsc"]) == ("XXXX5678", True, "HDFC0001234")
    stored = BankAccount.objects.get(id=data["id"])
    assert "50100012345678" not in stored.account_number_encrypted
    assert account_number_decrypt(stored.account_number_encrypted) == "50100012345678"
    listed = api.get("/api/v2/payouts/bank-accounts", headers=buyer_headers).json()["data"]
    assert [a["account_number"] for a in listed] == ["XXXX5678"]


@pytest.mark.parametrize("ifsc", ["HDFC1001234", "HDF00001234", "hdfc0001234x", "HDFC000123"])
def test_a_bad_ifsc_is_refused(api, buyer_headers, ifsc):
    r = _add_account(api, buyer_headers, ifsc=ifsc)
    assert r.status_code == 422


@pytest.mark.parametrize("number", ["1234567", "12345678901234567890123456789012", "1234abcd5678"])
def test_a_bad_account_number_is_refused(api, buyer_headers, number):
    assert _add_account(api, buyer_headers, account_number=number).status_code == 422


def test_there_is_one_primary_account(api, buyer_headers):
    first = _add_account(api, buyer_headers).json()["data"]["id"]
    second = _add_account(api, buyer_headers, account_number="99990000111122", is_primary=True).json()["data"]["id"]
    listed = {
        a["id"]: a["is_primary"] for a in api.get("/api/v2/payouts/bank-accounts", headers=buyer_headers).json()["data"]
    }
    assert listed == {first: False, second: True}
    api.post(f"/api/v2/payouts/bank-accounts/{first}/primary", headers=buyer_headers)
    listed = {
        a["id"]: a["is_primary"] for a in api.get("/api/v2/payouts/bank-accounts", headers=buyer_headers).json()["data"]
    }
    assert listed == {first: True, second: False}


def _sold_and_ended(api, event, buyers: int) -> list[Order]:
    orders = []
    for _ in range(buyers):
        order = Order.objects.get(id=buy(api, token_for(UserWithProfileFactory()), event).json()["data"]["id"])
        sandbox_webhook(api, order)
        order.refresh_from_db()
        orders.append(order)
    Event.objects.filter(id=event.id).update(
        start_at=timezone.now() - timedelta(hours=3), end_at=timezone.now() - timedelta(hours=1)
    )
    return orders


@pytest.fixture
def host_headers(paid_event):
    return token_for(Event.objects.get(id=paid_event.id).host)


def test_payout_is_host_earnings_minus_refunds(api, paid_event, host_headers):
    orders = _sold_and_ended(api, paid_event, 3)
    refund_create(order_id=orders[0].id, reason="staff_refund")  # 548.90: 499.00 taken from the host
    refund_create(order_id=orders[1].id, amount=Decimal("20.00"), reason="goodwill")
    account = _add_account(api, host_headers).json()["data"]["id"]
    r = api.post(
        "/api/v2/payouts/requests",
        json={"event_id": str(paid_event.id), "bank_account_id": account},
        headers=host_headers,
    )
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert (data["gross_earnings"], data["refunds_total"], data["amount"]) == ("1497.00", "519.00", "978.00")
    assert (data["tickets_sold"], data["attendees"], data["status"], data["bank_account"]) == (
        2,
        2,
        "requested",
        "XXXX5678",
    )


def test_a_payout_waits_for_the_event_to_end(api, paid_event, host_headers):
    account = _add_account(api, host_headers).json()["data"]["id"]
    r = api.post(
        "/api/v2/payouts/requests",
        json={"event_id": str(paid_event.id), "bank_account_id": account},
        headers=host_headers,
    )
    assert (r.status_code, r.json()["error_code"]) == (400, "EVENT_NOT_ENDED")


def test_a_payout_opens_when_the_host_completes_the_event_before_its_scheduled_end(api, paid_event, host_headers):
    order = Order.objects.get(id=buy(api, token_for(UserWithProfileFactory()), paid_event).json()["data"]["id"])
    sandbox_webhook(api, order)
    Event.objects.filter(id=paid_event.id).update(
        start_at=timezone.now() - timedelta(hours=1), end_at=timezone.now() + timedelta(hours=2)
    )
    assert api.post(f"/api/v2/events/{paid_event.id}/complete", json={}, headers=host_headers).status_code == 200
    account = _add_account(api, host_headers).json()["data"]["id"]
    r = api.post(
        "/api/v2/payouts/requests",
        json={"event_id": str(paid_event.id), "bank_account_id": account},
        headers=host_headers,
    )
    assert r.status_code == 201, r.text
    assert r.json()["data"]["amount"] == "499.00"


def test_one_active_payout_per_event(api, paid_event, host_headers):
    _sold_and_ended(api, paid_event, 1)
    account = _add_account(api, host_headers).json()["data"]["id"]
    body = {"event_id": str(paid_event.id), "bank_account_id": account}
    assert api.post("/api/v2/payouts/requests", json=body, headers=host_headers).status_code == 201
    r = api.post("/api/v2/payouts/requests", json=body, headers=host_headers)
    assert (r.status_code, r.json()["error_code"]) == (409, "PAYOUT_EXISTS")


def test_only_the_host_requests_a_payout(api, paid_event, buyer_headers):
    _sold_and_ended(api, paid_event, 1)
    account = _add_account(api, buyer_headers).json()["data"]["id"]
    r = api.post(
        "/api/v2/payouts/requests",
        json={"event_id": str(paid_event.id), "bank_account_id": account},
        headers=buyer_headers,
    )
    assert r.status_code == 404


def test_finance_staff_take_a_payout_to_completed(api, paid_event, host_headers):
    _sold_and_ended(api, paid_event, 1)
    account = _add_account(api, host_headers).json()["data"]["id"]
    payout_id = api.post(
        "/api/v2/payouts/requests",
        json={"event_id": str(paid_event.id), "bank_account_id": account},
        headers=host_headers,
    ).json()["data"]["id"]
    staff = finance_staff()
    for target in ("approved", "processing"):
        payout_decide(staff=staff, payout_id=payout_id, target=target)
    with pytest.raises(LoopinError):
        payout_decide(staff=staff, payout_id=payout_id, target="completed")  # needs a reference
    payout_decide(staff=staff, payout_id=payout_id, target="completed", transaction_ref="UTR123456")
    seen = api.get("/api/v2/payouts/requests", headers=host_headers).json()["data"]
    assert [(p["status"], p["transaction_ref"]) for p in seen] == [("completed", "UTR123456")]


def test_a_rejected_payout_needs_a_reason_and_frees_the_event(api, paid_event, host_headers):
    _sold_and_ended(api, paid_event, 1)
    account = _add_account(api, host_headers).json()["data"]["id"]
    body = {"event_id": str(paid_event.id), "bank_account_id": account}
    payout_id = api.post("/api/v2/payouts/requests", json=body, headers=host_headers).json()["data"]["id"]
    payout_decide(staff=finance_staff(), payout_id=payout_id, target="rejected", reason="Account name mismatch")
    assert PayoutRequest.objects.get(id=payout_id).rejection_reason == "Account name mismatch"
    assert api.post("/api/v2/payouts/requests", json=body, headers=host_headers).status_code == 201


def test_a_completed_payout_is_not_paid_again(api, paid_event, host_headers):
    _sold_and_ended(api, paid_event, 1)
    account = _add_account(api, host_headers).json()["data"]["id"]
    body = {"event_id": str(paid_event.id), "bank_account_id": account}
    payout_id = api.post("/api/v2/payouts/requests", json=body, headers=host_headers).json()["data"]["id"]
    staff = finance_staff()
    payout_decide(staff=staff, payout_id=payout_id, target="approved")
    payout_decide(staff=staff, payout_id=payout_id, target="completed", transaction_ref="UTR1")
    r = api.post("/api/v2/payouts/requests", json=body, headers=host_headers)
    assert (r.status_code, r.json()["error_code"]) == (400, "NOTHING_TO_PAY")


def test_staff_without_the_finance_permission_cannot_decide(api, paid_event, host_headers):
    _sold_and_ended(api, paid_event, 1)
    account = _add_account(api, host_headers).json()["data"]["id"]
    body = {"event_id": str(paid_event.id), "bank_account_id": account}
    payout_id = api.post("/api/v2/payouts/requests", json=body, headers=host_headers).json()["data"]["id"]
    with pytest.raises(LoopinError) as exc:
        payout_decide(staff=UserWithProfileFactory(is_staff=True), payout_id=payout_id, target="approved")
    assert exc.value.status == 403


def test_payout_status_changes_are_signalled(api, paid_event, host_headers):
    _sold_and_ended(api, paid_event, 1)
    account = _add_account(api, host_headers).json()["data"]["id"]
    body = {"event_id": str(paid_event.id), "bank_account_id": account}
    payout_id = api.post("/api/v2/payouts/requests", json=body, headers=host_headers).json()["data"]["id"]
    seen = []

    def receiver(sender, payout_id, old, new, **kwargs):
        seen.append((str(payout_id), old, new))

    payout_status_changed.connect(receiver)
    try:
        payout_decide(staff=finance_staff(), payout_id=payout_id, target="approved")
    finally:
        payout_status_changed.disconnect(receiver)
    assert seen == [(payout_id, "requested", "approved")]


def test_a_removed_account_disappears_and_loses_its_number(api, buyer_headers):
    account = _add_account(api, buyer_headers).json()["data"]["id"]
    assert api.delete(f"/api/v2/payouts/bank-accounts/{account}", headers=buyer_headers).status_code == 200
    assert api.get("/api/v2/payouts/bank-accounts", headers=buyer_headers).json()["data"] == []
    assert BankAccount.objects.get(id=account).account_number_encrypted == ""


def test_the_person_is_named_on_their_account_when_adding_choosing_and_removing_it(api, buyer, buyer_headers):
    first = _add_account(api, buyer_headers).json()["data"]["id"]
    second = _add_account(api, buyer_headers, account_number="99990000111122").json()["data"]["id"]
    stored = BankAccount.objects.get(id=second)
    assert (stored.created_by_id, stored.updated_by_id, stored.deleted_by_id) == (buyer.id, buyer.id, None)

    assert api.post(f"/api/v2/payouts/bank-accounts/{second}/primary", headers=buyer_headers).status_code == 200
    assert api.delete(f"/api/v2/payouts/bank-accounts/{first}", headers=buyer_headers).status_code == 200

    chosen, removed = BankAccount.objects.get(id=second), BankAccount.objects.get(id=first)
    assert (chosen.is_primary, chosen.updated_by_id, chosen.deleted_by_id, chosen.removed_at) == (
        True, buyer.id, None, None
    )  # fmt: skip
    assert (removed.is_primary, removed.deleted_by_id, removed.updated_by_id) == (False, buyer.id, buyer.id)
    assert removed.removed_at is not None


def test_an_account_used_by_a_payout_in_progress_cannot_be_removed(api, paid_event, host_headers):
    _sold_and_ended(api, paid_event, 1)
    account = _add_account(api, host_headers).json()["data"]["id"]
    body = {"event_id": str(paid_event.id), "bank_account_id": account}
    api.post("/api/v2/payouts/requests", json=body, headers=host_headers)
    r = api.delete(f"/api/v2/payouts/bank-accounts/{account}", headers=host_headers)
    assert (r.status_code, r.json()["error_code"]) == (409, "BANK_ACCOUNT_IN_USE")
