"""Automatic settlement: Razorpay Route and Stripe Connect transfers (faked at their HTTP boundary), co-host
splits that add up exactly, reversals on refund, and payout balances that never pay a transferred share."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from django.test import Client
from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.core.errors import BusinessRuleError, ValidationFailed
from loopin.events.models import CoHost, Event
from loopin.payments.models import (
    Order,
    Settlement,
    SettlementAccount,
    SettlementReversal,
)
from loopin.payments.payouts import payout_figures
from loopin.payments.services import payment_confirm, refund_create
from loopin.payments.settlement import (
    SplitIn,
    event_settlement_data,
    event_settlement_set,
    settlement_account_register,
    settlement_to_payout,
    settlement_transfer,
    settlements_retry,
    split_minor,
)
from loopin.payments.settlement.splits import split_within
from loopin.payments.tasks import settle_order
from loopin.payments.tests.helpers import buy, finance_staff, razorpay_signature
from loopin.testing.concurrency import run_at_once
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for

RZP = "api.razorpay.com"
STRIPE = "api.stripe.com"
HOST_ACC, CO1_ACC, CO2_ACC = "acc_HOST0000000001", "acc_COHOST00000001", "acc_COHOST00000002"


def _co_host(event, **fields):
    user = UserWithProfileFactory(**fields)
    CoHost.objects.create(event_id=event.id, user=user, accepted_at=timezone.now())
    return user


def _body(request) -> dict:
    return json.loads(request.body)


def _form(request) -> dict:
    raw = request.body if isinstance(request.body, str) else request.body.decode()
    return {k: v[0] for k, v in parse_qs(raw).items()}


def _rzp_accounts(fake_http, *accounts: str, status: str = "activated") -> None:
    for acc in accounts:
        fake_http.route("GET", RZP, f"/v2/accounts/{acc}", (200, {"id": acc, "status": status}))


def _rzp_transfers(fake_http, *, existing: list | None = None) -> None:
    counter = itertools.count(1)

    def create(request):
        transfer = _body(request)["transfers"][0]
        return 200, {"entity": "collection", "count": 1, "items": [{"id": f"trf_{next(counter)}", **transfer}]}

    fake_http.route("GET", RZP, "/v1/payments/", (200, {"entity": "collection", "count": 0, "items": existing or []}))
    fake_http.route("POST", RZP, "/v1/payments/", create)


def _rzp_paid_order(api, event, fake_http, n: int = 1) -> Order:
    fake_http.route("POST", RZP, "/v1/orders", (200, {"id": f"order_RZP{n}", "amount": 54890, "status": "created"}))
    r = buy(api, token_for(UserWithProfileFactory()), event, provider="razorpay")
    assert r.status_code == 200, r.text
    order = payment_confirm(
        order_id=r.json()["data"]["id"], payment_id=f"pay_{n}", provider="razorpay", amount_minor=54890, currency="INR"
    )
    order.refresh_from_db()
    return order


@pytest.fixture
def three_ways(paid_event, razorpay_keys, fake_http):
    """The owner and two co-hosts, each with an active Route account; the event auto-settled 3334/3333/3333."""
    host = Event.objects.get(id=paid_event.id).host
    co1, co2 = _co_host(paid_event), _co_host(paid_event)
    _rzp_accounts(fake_http, HOST_ACC, CO1_ACC, CO2_ACC)
    for user, acc in ((host, HOST_ACC), (co1, CO1_ACC), (co2, CO2_ACC)):
        assert settlement_account_register(user=user, provider="razorpay", account_id=acc).status == "active"
    event_settlement_set(
        user=host,
        event_id=paid_event.id,
        mode="auto",
        splits=[SplitIn(host.id, 3334), SplitIn(co1.id, 3333), SplitIn(co2.id, 3333)],
    )
    _rzp_transfers(fake_http)
    return host, co1, co2


# ---------------------------------------------------------------- splits


def test_a_split_adds_up_exactly_with_the_remainder_to_the_owner():
    assert split_minor(10000, [3334, 3333, 3333]) == [3334, 3333, 3333]  # 100.00 three ways
    assert split_minor(10000, [1, 1, 1]) == [3334, 3333, 3333]
    assert split_minor(10001, [5000, 5000]) == [5001, 5000]
    assert split_minor(49900, [3334, 3333, 3333]) == [16638, 16631, 16631]
    assert split_minor(7, [0, 10000]) == [0, 7]
    assert split_within(29900, [16638, 16631, 16631]) == [9970, 9965, 9965]  # the card part of 499.00 three ways
    assert split_within(2, [1, 1, 1]) == [1, 1, 0]  # never above a share
    assert split_within(500, [300, 200]) == [300, 200]


def test_split_shares_must_add_up_to_10000_and_name_real_people(paid_event):
    host = Event.objects.get(id=paid_event.id).host
    co = _co_host(paid_event)
    with pytest.raises(ValidationFailed) as exc:
        event_settlement_set(user=host, event_id=paid_event.id, mode="manual", splits=[SplitIn(host.id, 5000)])
    assert exc.value.details["fields"][0]["code"] == "SHARES_NOT_WHOLE"
    with pytest.raises(ValidationFailed) as exc:
        event_settlement_set(
            user=host, event_id=paid_event.id, mode="manual", splits=[SplitIn(co.id, 5000), SplitIn(co.id, 5000)]
        )
    assert exc.value.details["fields"][0]["code"] == "DUPLICATE_RECIPIENT"
    invited = UserWithProfileFactory()
    CoHost.objects.create(event_id=paid_event.id, user=invited)  # asked, not accepted
    for outsider in (invited, UserWithProfileFactory()):
        with pytest.raises(ValidationFailed) as exc:
            event_settlement_set(
                user=host,
                event_id=paid_event.id,
                mode="manual",
                splits=[SplitIn(host.id, 5000), SplitIn(outsider.id, 5000)],
            )
        assert exc.value.details["fields"][0]["code"] == "NOT_A_CO_HOST"
    with pytest.raises(BusinessRuleError) as rule:
        event_settlement_set(user=host, event_id=paid_event.id, mode="auto")
    assert rule.value.code == "SETTLEMENT_ACCOUNT_NEEDED"
    event_settlement_set(
        user=host, event_id=paid_event.id, mode="manual", splits=[SplitIn(host.id, 6000), SplitIn(co.id, 4000)]
    )
    assert event_settlement_data(user=host, event_id=paid_event.id) == {
        "event_id": paid_event.id,
        "mode": "manual",
        "splits": [{"user_id": host.id, "share_bps": 6000}, {"user_id": co.id, "share_bps": 4000}],
    }


def test_a_co_host_who_left_leaves_their_share_to_the_owner(api, paid_event):
    host = Event.objects.get(id=paid_event.id).host
    stays, leaves = _co_host(paid_event), _co_host(paid_event)
    event_settlement_set(
        user=host,
        event_id=paid_event.id,
        mode="manual",
        splits=[SplitIn(host.id, 5000), SplitIn(stays.id, 2500), SplitIn(leaves.id, 2500)],
    )
    CoHost.objects.filter(event_id=paid_event.id, user=leaves).delete()
    order_id = buy(api, token_for(UserWithProfileFactory()), paid_event).json()["data"]["id"]
    payment_confirm(order_id=order_id, payment_id="sbx_1", provider="sandbox", amount_minor=54890, currency="INR")
    assert {(s.recipient_id, s.share_bps, s.amount) for s in Settlement.objects.filter(order_id=order_id)} == {
        (host.id, 7500, Decimal("374.25")),
        (stays.id, 2500, Decimal("124.75")),
    }


# ---------------------------------------------------------------- razorpay route


def test_a_paid_order_transfers_each_share_to_its_route_account(api, paid_event, three_ways, fake_http):
    host, co1, co2 = three_ways
    order = _rzp_paid_order(api, paid_event, fake_http)
    posted = [_body(r) for r in fake_http.sent("POST", "/v1/payments/pay_1/transfers")]
    by_account = {p["transfers"][0]["account"]: p["transfers"][0]["amount"] for p in posted}
    assert by_account == {HOST_ACC: 16638, CO1_ACC: 16631, CO2_ACC: 16631}  # of the 499.00 host earning
    rows = {s.recipient_id: s for s in Settlement.objects.filter(order=order)}
    assert posted[0]["transfers"][0] == {
        "account": HOST_ACC,
        "amount": 16638,
        "currency": "INR",
        "notes": {"settlement_key": f"settlement-{rows[host.id].id}", "order_id": str(order.id)},
        "on_hold": False,
    }
    assert {uid: (s.amount, s.status, s.method) for uid, s in rows.items()} == {
        host.id: (Decimal("166.38"), "transferred", "transfer"),
        co1.id: (Decimal("166.31"), "transferred", "transfer"),
        co2.id: (Decimal("166.31"), "transferred", "transfer"),
    }
    assert rows[host.id].provider_transfer_id == "trf_1"  # the owner's goes first
    assert sorted(s.provider_transfer_id for s in rows.values()) == ["trf_1", "trf_2", "trf_3"]
    assert sum(s.amount for s in rows.values()) == order.host_earning


def test_a_retried_task_posts_each_transfer_once(api, paid_event, three_ways, fake_http):
    order = _rzp_paid_order(api, paid_event, fake_http)
    settle_order(str(order.id))
    settle_order.delay(str(order.id))
    Settlement.objects.filter(order=order).update(created_at=timezone.now() - timedelta(hours=1))
    assert settlements_retry() == {"transfers": 0, "reversals": 0}
    assert len(fake_http.sent("POST", "/v1/payments/pay_1/transfers")) == 3


def test_a_lost_answer_is_found_at_razorpay_not_posted_again(api, paid_event, three_ways, fake_http):
    host, _, _ = three_ways
    fake_http.route("POST", RZP, "/v1/payments/", (502, {"error": {"description": "bad gateway"}}))
    order = _rzp_paid_order(api, paid_event, fake_http)
    owner_share = Settlement.objects.get(order=order, recipient=host)
    # Razorpay did make the owner's transfer; only its answer was lost.
    existing = [{"id": "trf_made", "notes": {"settlement_key": f"settlement-{owner_share.id}"}}]
    fake_http.route("GET", RZP, "/v1/payments/", (200, {"count": 1, "items": existing}))
    posts = len(fake_http.sent("POST", "/v1/payments/pay_1/transfers"))
    assert settlement_transfer(settlement_id=owner_share.id) == "transferred"
    assert len(fake_http.sent("POST", "/v1/payments/pay_1/transfers")) == posts
    owner_share.refresh_from_db()
    assert (owner_share.provider_transfer_id, owner_share.attempts) == ("trf_made", 2)


def test_a_provider_error_leaves_the_share_failed_and_the_sweep_retries_it(
    api, paid_event, three_ways, buyer_headers, fake_http
):
    fake_http.route("POST", RZP, "/v1/payments/", (500, {"error": {"description": "server error"}}))
    order = _rzp_paid_order(api, paid_event, fake_http)
    assert order.status == "paid"  # the buyer's payment stands
    rows = Settlement.objects.filter(order=order)
    assert {(s.status, s.attempts) for s in rows} == {("failed", 1)}
    assert all(s.error.startswith("PAYMENT_PROVIDER_UNAVAILABLE") for s in rows)
    assert AuditEntry.objects.filter(action="settlement.failed").count() == 3
    _rzp_transfers(fake_http)
    assert settlements_retry() == {"transfers": 3, "reversals": 0}
    assert {(s.status, s.attempts, s.error) for s in rows.all()} == {("transferred", 2, "")}


def test_a_failed_webhook_transfer_is_never_a_500_for_the_buyer(api, paid_event, three_ways, fake_http):
    fake_http.route("POST", RZP, "/v1/orders", (200, {"id": "order_RZP1", "amount": 54890, "status": "created"}))
    fake_http.route("POST", RZP, "/v1/payments/", (500, {"error": {"description": "server error"}}))
    headers = token_for(UserWithProfileFactory())
    order_id = buy(api, headers, paid_event, provider="razorpay").json()["data"]["id"]
    r = api.post(
        f"/api/v2/payments/orders/{order_id}/verify",
        json={
            "razorpay_order_id": "order_RZP1",
            "razorpay_payment_id": "pay_1",
            "razorpay_signature": razorpay_signature("order_RZP1|pay_1", "rzp_test_secret"),
        },
        headers=headers,
    )
    assert (r.status_code, r.json()["data"]["status"]) == (200, "paid")
    assert set(Settlement.objects.filter(order_id=order_id).values_list("status", flat=True)) == {"failed"}


def test_a_refund_reverses_each_transfer_in_proportion(api, paid_event, three_ways, fake_http):
    host, co1, co2 = three_ways
    counter = itertools.count(1)
    fake_http.route("POST", RZP, "/v1/payments/pay_1/refund", (200, {"id": "rfnd_1", "status": "processed"}))
    fake_http.route("POST", RZP, "/v1/transfers/", lambda r: (200, {"id": f"rvrsl_{next(counter)}"}))
    order = _rzp_paid_order(api, paid_event, fake_http)
    shares = {s.recipient_id: s for s in Settlement.objects.filter(order=order)}

    refund_create(order_id=order.id, amount=Decimal("100.00"), reason="goodwill")  # 100.00 from the host
    sent = {r.url.split("/")[-2]: _body(r) for r in fake_http.sent("POST", "/v1/transfers/")}
    expected = {shares[host.id]: 3336, shares[co1.id]: 3332, shares[co2.id]: 3332}
    assert {tid: body["amount"] for tid, body in sent.items()} == {
        s.provider_transfer_id: paise for s, paise in expected.items()
    }
    first = SettlementReversal.objects.get(settlement=shares[host.id])
    assert sent[shares[host.id].provider_transfer_id]["notes"] == {"reversal_key": f"reversal-{first.id}"}

    refund_create(order_id=order.id, reason="staff_refund")  # the rest: 448.90, of which 399.00 from the host
    for s in shares.values():
        s.refresh_from_db()
        assert s.amount_reversed == s.amount  # everything taken back, to the paisa
    assert SettlementReversal.objects.filter(status="reversed").count() == 6
    assert len(fake_http.sent("POST", "/v1/transfers/")) == 6


def test_a_reversal_waits_for_its_transfer(api, paid_event, three_ways, fake_http):
    fake_http.route("POST", RZP, "/v1/payments/pay_1/refund", (200, {"id": "rfnd_1", "status": "processed"}))
    fake_http.route("POST", RZP, "/v1/transfers/", (200, {"id": "rvrsl_1"}))
    fake_http.route("POST", RZP, "/v1/payments/", (500, {"error": {"description": "down"}}))
    order = _rzp_paid_order(api, paid_event, fake_http)
    refund_create(order_id=order.id, amount=Decimal("10.00"), reason="goodwill")
    assert set(SettlementReversal.objects.values_list("status", flat=True)) == {"pending"}
    assert fake_http.sent("POST", "/v1/transfers/") == []
    _rzp_transfers(fake_http)
    assert settlements_retry() == {"transfers": 3, "reversals": 0}  # the reversals ran after their transfers
    assert set(SettlementReversal.objects.values_list("status", flat=True)) == {"reversed"}
    assert sorted(_body(r)["amount"] for r in fake_http.sent("POST", "/v1/transfers/")) == [333, 333, 334]


# ---------------------------------------------------------------- payout balances


def test_transferred_shares_are_not_in_the_payout_balance(api, paid_event, razorpay_keys, fake_http):
    host = Event.objects.get(id=paid_event.id).host
    co = _co_host(paid_event)  # no settlement account: their share is paid out by hand
    _rzp_accounts(fake_http, HOST_ACC)
    settlement_account_register(user=host, provider="razorpay", account_id=HOST_ACC)
    _rzp_transfers(fake_http)
    before = _rzp_paid_order(api, paid_event, fake_http, n=1)  # paid before any split: all the owner's, manual
    event_settlement_set(
        user=host, event_id=paid_event.id, mode="auto", splits=[SplitIn(host.id, 7500), SplitIn(co.id, 2500)]
    )
    after = _rzp_paid_order(api, paid_event, fake_http, n=2)
    assert Settlement.objects.filter(order=before).count() == 0
    assert {(s.recipient_id, s.method, s.amount) for s in Settlement.objects.filter(order=after)} == {
        (host.id, "transfer", Decimal("374.25")),
        (co.id, "payout", Decimal("124.75")),
    }
    assert payout_figures(paid_event)["gross_earnings"] == Decimal("499.00")  # only the order before the split
    assert payout_figures(paid_event, co)["gross_earnings"] == Decimal("124.75")
    refund_create(order_id=after.id, amount=Decimal("40.00"), reason="goodwill")  # 40.00 host part: 10.00 is co's
    co_figures = payout_figures(paid_event, co)
    assert (co_figures["refunds_total"], co_figures["amount"]) == (Decimal("10.00"), Decimal("114.75"))
    assert payout_figures(paid_event)["refunds_total"] == Decimal("0.00")


def test_a_share_given_up_on_moves_to_the_payout_balance(api, paid_event, three_ways, fake_http):
    host, _, _ = three_ways
    fake_http.route("POST", RZP, "/v1/payments/", (500, {"error": {"description": "down"}}))
    order = _rzp_paid_order(api, paid_event, fake_http)
    owner_share = Settlement.objects.get(order=order, recipient=host)
    assert payout_figures(paid_event)["amount"] == Decimal("0.00")
    settlement_to_payout(settlement_id=owner_share.id, actor=finance_staff())
    assert payout_figures(paid_event)["amount"] == Decimal("166.38")
    assert settlement_transfer(settlement_id=owner_share.id) == "manual"  # never transferred as well


# ---------------------------------------------------------------- accounts


def test_an_account_is_active_only_when_the_provider_says_so(paid_event, razorpay_keys, fake_http):
    user = UserWithProfileFactory()
    _rzp_accounts(fake_http, HOST_ACC, status="under_review")
    account = settlement_account_register(user=user, provider="razorpay", account_id=HOST_ACC)
    assert (account.status, account.provider_status) == ("pending", "under_review")
    assert fake_http.sent("GET", f"/v2/accounts/{HOST_ACC}")[0].headers["Authorization"].startswith("Basic ")
    with pytest.raises(ValidationFailed):
        settlement_account_register(user=user, provider="razorpay", account_id="acct_1234567")
    with pytest.raises(BusinessRuleError) as exc:
        settlement_account_register(user=user, provider="sandbox", account_id="acc_1234567")
    assert exc.value.code == "SETTLEMENT_PROVIDER_UNSUPPORTED"
    assert SettlementAccount.objects.count() == 1


# ---------------------------------------------------------------- admin


def test_finance_staff_retry_a_failed_transfer_from_the_admin(api, paid_event, three_ways, fake_http):
    fake_http.route("POST", RZP, "/v1/payments/", (500, {"error": {"description": "down"}}))
    order = _rzp_paid_order(api, paid_event, fake_http)
    client = Client()
    client.force_login(finance_staff())
    assert client.get("/admin/payments/settlement/").status_code == 200
    assert client.get("/admin/payments/settlementaccount/").status_code == 200
    assert client.get("/admin/payments/eventsettlement/").status_code == 200
    _rzp_transfers(fake_http)
    ids = [str(i) for i in Settlement.objects.filter(order=order).values_list("id", flat=True)]
    r = client.post("/admin/payments/settlement/", {"action": "retry", "_selected_action": ids})
    assert r.status_code == 302
    assert set(Settlement.objects.filter(order=order).values_list("status", flat=True)) == {"transferred"}
    assert Client().get("/admin/payments/settlement/").status_code == 302  # not signed in


def test_finance_staff_register_a_hosts_account_verified_with_the_provider(paid_event, razorpay_keys, fake_http):
    host = Event.objects.get(id=paid_event.id).host
    _rzp_accounts(fake_http, HOST_ACC)
    client = Client()
    staff = finance_staff()
    client.force_login(staff)
    r = client.post(
        "/admin/payments/settlementaccount/add/", {"user": str(host.id), "provider": "razorpay", "account_id": HOST_ACC}
    )
    assert r.status_code == 302, r.content[:2000]
    account = SettlementAccount.objects.get(user=host)
    assert (account.status, account.created_by) == ("active", staff)


# ---------------------------------------------------------------- over HTTP


def test_a_host_links_an_account_and_auto_settles_an_event_over_http(api, paid_event, razorpay_keys, fake_http):
    host = Event.objects.get(id=paid_event.id).host
    co = _co_host(paid_event)
    headers = token_for(host)
    _rzp_accounts(fake_http, HOST_ACC)
    r = api.post(
        "/api/v2/payouts/settlement-accounts", json={"provider": "razorpay", "account_id": HOST_ACC}, headers=headers
    )
    assert r.status_code == 201, r.text
    account = r.json()["data"]
    assert (account["status"], account["provider_status"], account["account_id"]) == ("active", "activated", HOST_ACC)
    again = api.post(
        "/api/v2/payouts/settlement-accounts", json={"provider": "razorpay", "account_id": HOST_ACC}, headers=headers
    )
    assert (again.status_code, again.json()["error_code"]) == (409, "SETTLEMENT_ACCOUNT_EXISTS")
    url = f"/api/v2/payouts/events/{paid_event.id}/settlement"
    assert api.get(url, headers=headers).json()["data"] == {
        "event_id": str(paid_event.id),
        "mode": "manual",
        "splits": [{"user_id": str(host.id), "share_bps": 10000}],
    }
    body = {
        "mode": "auto",
        "splits": [{"user_id": str(host.id), "share_bps": 7000}, {"user_id": str(co.id), "share_bps": 3000}],
    }
    r = api.put(url, json=body, headers=headers)
    assert (r.status_code, r.json()["data"]["mode"]) == (200, "auto"), r.text
    bad = api.put(url, json={"mode": "auto", "splits": [{"user_id": str(co.id), "share_bps": 3000}]}, headers=headers)
    assert (bad.status_code, bad.json()["error_code"]) == (422, "VALIDATION_ERROR")
    stranger = api.put(url, json=body, headers=token_for(co))
    assert (stranger.status_code, stranger.json()["error_code"]) == (403, "NOT_EVENT_HOST")

    _rzp_transfers(fake_http)
    _rzp_paid_order(api, paid_event, fake_http)
    mine = api.get("/api/v2/payouts/settlements", headers=headers).json()["data"]
    assert [(s["method"], s["status"], s["amount"]) for s in mine] == [("transfer", "transferred", "349.30")]
    theirs = api.get("/api/v2/payouts/settlements", headers=token_for(co)).json()["data"]
    assert [(s["method"], s["status"], s["amount"]) for s in theirs] == [("payout", "manual", "149.70")]

    r = api.delete(f"/api/v2/payouts/settlement-accounts/{account['id']}", headers=headers)
    assert r.json()["data"]["status"] == "disabled"
    missing = api.post(f"/api/v2/payouts/settlement-accounts/{account['id']}/verify", headers=token_for(co))
    assert (missing.status_code, missing.json()["error_code"]) == (404, "SETTLEMENT_ACCOUNT_NOT_FOUND")


def test_a_cohost_requests_a_payout_of_their_own_share(api, paid_event, fake_http):
    host = Event.objects.get(id=paid_event.id).host
    co = _co_host(paid_event)
    event_settlement_set(
        user=host, event_id=paid_event.id, mode="manual", splits=[SplitIn(host.id, 5000), SplitIn(co.id, 5000)]
    )
    order_id = buy(api, token_for(UserWithProfileFactory()), paid_event).json()["data"]["id"]
    payment_confirm(order_id=order_id, payment_id="sbx_1", provider="sandbox", amount_minor=54890, currency="INR")
    Event.objects.filter(id=paid_event.id).update(
        start_at=timezone.now() - timedelta(hours=3), end_at=timezone.now() - timedelta(hours=1)
    )
    for user in (host, co):
        headers = token_for(user)
        account = api.post(
            "/api/v2/payouts/bank-accounts",
            json={
                "holder_name": "A Host",
                "bank_name": "HDFC Bank",
                "ifsc": "HDFC0001234",
                "account_number": "50100012345678",
            },
            headers=headers,
        ).json()["data"]["id"]
        r = api.post(
            "/api/v2/payouts/requests",
            json={"event_id": str(paid_event.id), "bank_account_id": account},
            headers=headers,
        )
        assert (r.status_code, r.json()["data"]["amount"]) == (201, "249.50"), r.text
    outsider = token_for(UserWithProfileFactory())
    r = api.post(
        "/api/v2/payouts/requests",
        json={"event_id": str(paid_event.id), "bank_account_id": str(account)},
        headers=outsider,
    )
    assert r.status_code == 404


# ---------------------------------------------------------------- stripe connect


def test_stripe_transfers_each_share_from_the_charge_and_reverses_on_refund(api, paid_event, stripe_keys, fake_http):
    host = Event.objects.get(id=paid_event.id).host
    co = _co_host(paid_event)
    for user, acct in ((host, "acct_HOST000001"), (co, "acct_COHOST0001")):
        fake_http.route(
            "GET",
            STRIPE,
            f"/v1/accounts/{acct}",
            (200, {"id": acct, "object": "account", "capabilities": {"transfers": "active"}}),
        )
        assert settlement_account_register(user=user, provider="stripe", account_id=acct).status == "active"
    event_settlement_set(
        user=host, event_id=paid_event.id, mode="auto", splits=[SplitIn(host.id, 5000), SplitIn(co.id, 5000)]
    )
    intent = {"id": "pi_1", "object": "payment_intent", "client_secret": "pi_1_secret_x", "status": "succeeded"}
    fake_http.route("POST", STRIPE, "/v1/payment_intents", (200, intent))
    fake_http.route("GET", STRIPE, "/v1/payment_intents/pi_1", (200, {**intent, "latest_charge": "ch_1"}))
    counter = itertools.count(1)
    fake_http.route(
        "POST", STRIPE, "/v1/transfers", lambda r: (200, {"id": f"tr_{next(counter)}", "object": "transfer"})
    )
    fake_http.route(
        "POST", STRIPE, "/v1/transfers/", lambda r: (200, {"id": f"trr_{next(counter)}", "object": "transfer_reversal"})
    )
    fake_http.route("POST", STRIPE, "/v1/refunds", (200, {"id": "re_1", "object": "refund", "status": "succeeded"}))
    order_id = buy(api, token_for(UserWithProfileFactory()), paid_event, provider="stripe").json()["data"]["id"]
    payment_confirm(order_id=order_id, payment_id="pi_1", provider="stripe", amount_minor=54890, currency="INR")

    shares = {s.recipient_id: s for s in Settlement.objects.filter(order_id=order_id)}
    sent = fake_http.sent("POST", "/v1/transfers")
    assert len(sent) == 2
    assert _form(sent[0]) == {
        "amount": "24950",
        "currency": "inr",
        "destination": "acct_HOST000001",
        "source_transaction": "ch_1",
        "transfer_group": f"order-{order_id}",
        "metadata[settlement_key]": f"settlement-{shares[host.id].id}",
        "metadata[order_id]": order_id,
    }
    assert [r.headers["Idempotency-Key"] for r in sent] == [
        f"settlement-{shares[host.id].id}",
        f"settlement-{shares[co.id].id}",
    ]
    assert {s.status for s in shares.values()} == {"transferred"}

    refund_create(order_id=order_id, amount=Decimal("100.01"), reason="goodwill")
    reversals = [r for r in fake_http.requests if r.method == "POST" and "/reversals" in r.url]
    by_transfer = {r.url.split("/")[-2]: _form(r)["amount"] for r in reversals}
    assert by_transfer == {shares[host.id].provider_transfer_id: "5001", shares[co.id].provider_transfer_id: "5000"}
    owner_reversal = SettlementReversal.objects.get(settlement=shares[host.id])
    assert (
        next(r for r in reversals if shares[host.id].provider_transfer_id in r.url).headers["Idempotency-Key"]
        == f"reversal-{owner_reversal.id}"
    )


def test_racing_tasks_post_a_transfer_once(api, paid_event, three_ways, fake_http):
    host, _, _ = three_ways
    fake_http.route("POST", RZP, "/v1/payments/", (500, {"error": {"description": "down"}}))
    order = _rzp_paid_order(api, paid_event, fake_http)
    owner_share = Settlement.objects.get(order=order, recipient=host)
    _rzp_transfers(fake_http)
    before = len(fake_http.sent("POST", "/v1/payments/pay_1/transfers"))
    results = run_at_once([lambda: settlement_transfer(settlement_id=owner_share.id) for _ in range(6)])
    posted = fake_http.sent("POST", "/v1/payments/pay_1/transfers")[before:]
    assert [_body(r)["transfers"][0]["account"] for r in posted] == [HOST_ACC]
    assert results.count("transferred") >= 1 and set(results) <= {"transferred", "busy"}
    owner_share.refresh_from_db()
    assert (owner_share.status, owner_share.attempts) == ("transferred", 2)


def test_a_transfer_left_sending_by_a_dead_worker_is_taken_again_by_the_sweep(api, paid_event, three_ways, fake_http):
    host, _, _ = three_ways
    fake_http.route("POST", RZP, "/v1/payments/", (500, {"error": {"description": "down"}}))
    order = _rzp_paid_order(api, paid_event, fake_http)
    Settlement.objects.filter(order=order).update(status="sending", claimed_at=timezone.now())
    _rzp_transfers(fake_http)
    assert settle_order(str(order.id)) == {}  # nothing pending
    assert settlements_retry() == {"transfers": 0, "reversals": 0}  # a live send is left alone
    Settlement.objects.filter(order=order).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert settlements_retry() == {"transfers": 3, "reversals": 0}
    assert set(Settlement.objects.filter(order=order).values_list("status", flat=True)) == {"transferred"}
