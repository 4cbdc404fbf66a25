"""A ticket order paid partly with LoopPay credits and the rest by card: the provider asked only for the rest, the
ticket issued once, the credits back once when the card part never comes, and refunds split card first."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from loopin.events.models import Event
from loopin.events.services import event_transition
from loopin.looppay.ledger import sales_account
from loopin.looppay.models import EntryReason, JournalEntry
from loopin.looppay.selectors import credit_balance
from loopin.looppay.tests.conftest import give_credit
from loopin.payments.models import Order, Refund
from loopin.payments.providers.payu import request_hash
from loopin.payments.providers.sandbox import sandbox_client_signature, sandbox_event
from loopin.payments.services import holds_expire_due, refund_create
from loopin.payments.tests.fakes import FakeProviderHttp
from loopin.payments.tests.helpers import razorpay_signature, sandbox_webhook
from loopin.testing.fixtures import token_for
from loopin.tickets.models import Ticket

RZP = "api.razorpay.com"
STRIPE = "api.stripe.com"
# 499.00 a seat + 10 % fee = 548.90; 200.00 of it in credits leaves 348.90 for the card.
TOTAL, CREDITS, DUE = Decimal("548.90"), Decimal("200.00"), Decimal("348.90")


def _open_order(api, headers, event, provider: str | None = None) -> Order:
    body = {"event_id": str(event.id), **({"provider": provider} if provider else {})}
    r = api.post("/api/v2/payments/orders", json=body, headers=headers)
    assert r.status_code == 200, r.text
    return Order.objects.get(id=r.json()["data"]["id"])


def _pay_part(api, headers, order, credits: str = "200.00"):
    return api.post(f"/api/v2/looppay/orders/{order.id}/pay", json={"credits": credits}, headers=headers)


def _part_paid(api, person, event, *, balance: str = "1000.00") -> tuple[dict[str, str], Order]:
    headers = token_for(person)
    order = _open_order(api, headers, event)
    give_credit(person, balance)
    r = _pay_part(api, headers, order)
    assert r.status_code == 200, r.text
    order.refresh_from_db()
    return headers, order


def _credit_returns(order: Order) -> int:
    return JournalEntry.objects.filter(reason=EntryReason.SPEND_REFUND, reference=str(order.id)).count()


# ---------------------------------------------------------------- paying


def test_part_credits_leave_the_order_pending_with_only_the_rest_due_by_card(api, person, paid_event):
    headers = token_for(person)
    order = _open_order(api, headers, paid_event)
    give_credit(person, "1000.00")
    r = _pay_part(api, headers, order)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert (data["status"], data["total"], data["credits_applied"], data["amount_due"]) == (
        "pending",
        "548.90",
        "200.00",
        "348.90",
    )
    assert data["checkout"]["amount_due"] == "348.90"
    assert r.json()["message"] == "Credits applied: pay the rest by card"
    order.refresh_from_db()
    assert (order.credits_applied, order.amount_due, order.seats_held) == (CREDITS, DUE, True)
    assert credit_balance(person) == Decimal("800.00")
    assert sales_account("tickets").balance == CREDITS
    body, _headers = sandbox_event(order, "payment.succeeded")
    assert json.loads(body)["data"]["amount"] == 34890  # the sandbox charge is for the rest only, in paise
    assert Ticket.objects.filter(event=paid_event, user=person).count() == 0


def test_the_card_part_issues_the_ticket_once_by_webhook_and_verify(api, person, paid_event):
    headers, order = _part_paid(api, person, paid_event)
    body, wh_headers = sandbox_event(order, "payment.succeeded", payment_id="sbx_pay_1")
    first = api.post("/api/payments/webhooks/sandbox", content=body, headers=wh_headers)
    again = api.post("/api/payments/webhooks/sandbox", content=body, headers=wh_headers)
    verify = api.post(
        f"/api/v2/payments/orders/{order.id}/verify",
        json={"payment_id": "sbx_pay_1", "signature": sandbox_client_signature(order.provider_order_id, "sbx_pay_1")},
        headers=headers,
    )
    assert (first.status_code, again.json()["data"]["duplicate"], verify.status_code) == (200, True, 200)
    order.refresh_from_db()
    assert (order.status, order.provider_payment_id, order.credits_applied) == ("paid", "sbx_pay_1", CREDITS)
    assert Ticket.objects.filter(event=paid_event, user=person, status="valid").count() == 1
    assert credit_balance(person) == Decimal("800.00")
    assert _credit_returns(order) == 0


def test_a_card_payment_of_the_full_total_after_credits_does_not_issue_the_ticket(api, person, paid_event):
    _headers, order = _part_paid(api, person, paid_event)
    stale = Order.objects.get(id=order.id)
    stale.credits_applied = Decimal("0")  # in memory only: the webhook then carries the full total, 54890
    sandbox_webhook(api, stale)
    order.refresh_from_db()
    assert (order.status, order.ticket_id) == ("pending", None)
    assert order.review_reason == "amount mismatch (webhook): paid 54890 minor units, expected 34890"


def test_retrying_the_same_part_spends_once_and_another_part_is_refused(api, person, paid_event):
    headers, order = _part_paid(api, person, paid_event)
    again = _pay_part(api, headers, order)
    other = _pay_part(api, headers, order, "100.00")
    full = api.post(f"/api/v2/looppay/orders/{order.id}/pay", headers=headers)
    assert (again.status_code, again.json()["data"]["amount_due"]) == (200, "348.90")
    assert (other.status_code, other.json()["error_code"]) == (409, "CREDITS_ALREADY_APPLIED")
    assert other.json()["details"] == {"credits_applied": "200.00", "amount_due": "348.90"}
    assert (full.status_code, full.json()["error_code"]) == (409, "CREDITS_ALREADY_APPLIED")
    assert credit_balance(person) == Decimal("800.00")
    assert JournalEntry.objects.filter(reason=EntryReason.SPEND, reference=str(order.id)).count() == 1


def test_more_credits_than_the_total_and_a_short_balance_are_refused(api, person, paid_event):
    headers = token_for(person)
    order = _open_order(api, headers, paid_event)
    give_credit(person, "150.00")
    over = _pay_part(api, headers, order, "600.00")
    short = _pay_part(api, headers, order, "200.00")
    zero = _pay_part(api, headers, order, "0")
    assert (over.status_code, over.json()["error_code"], over.json()["details"]) == (
        400,
        "CREDITS_EXCEED_TOTAL",
        {"total": "548.90"},
    )
    assert (short.status_code, short.json()["error_code"]) == (409, "INSUFFICIENT_CREDITS")
    assert (zero.status_code, zero.json()["error_code"]) == (422, "VALIDATION_ERROR")
    order.refresh_from_db()
    assert (order.status, order.credits_applied, order.amount_due) == ("pending", Decimal("0.00"), TOTAL)
    assert credit_balance(person) == Decimal("150.00")


def test_credits_equal_to_the_total_pay_in_full_at_once(api, person, paid_event):
    headers = token_for(person)
    order = _open_order(api, headers, paid_event)
    give_credit(person, "1000.00")
    r = _pay_part(api, headers, order, "548.90")
    assert (r.status_code, r.json()["data"]["status"], r.json()["data"]["amount_due"]) == (200, "paid", "0.00")
    assert Ticket.objects.filter(event=paid_event, user=person, status="valid").count() == 1
    assert credit_balance(person) == Decimal("451.10")


# ---------------------------------------------------------------- every provider is asked for the rest only


def _routes_in_turn(*answers):
    left = list(answers)
    return lambda _request: (200, left.pop(0))


def test_razorpay_gets_a_new_order_for_the_rest_and_a_payment_on_the_old_one_is_reviewed(
    api, person, paid_event, razorpay_keys, fake_http: FakeProviderHttp
):
    fake_http.route(
        "POST",
        RZP,
        "/v1/orders",
        _routes_in_turn({"id": "order_RZP1", "amount": 54890}, {"id": "order_RZP2", "amount": 34890}),
    )
    headers = token_for(person)
    order = _open_order(api, headers, paid_event, provider="razorpay")
    give_credit(person, "1000.00")
    r = _pay_part(api, headers, order)
    assert r.json()["data"]["checkout"] == {
        "razorpay_order_id": "order_RZP2",
        "key_id": "rzp_test_key",
        "amount": 34890,
        "currency": "INR",
        "amount_due": "348.90",
    }
    sent = [json.loads(x.body)["amount"] for x in fake_http.sent("POST", "/v1/orders")]
    assert sent == [54890, 34890]
    order.refresh_from_db()
    assert (order.provider_order_id, order.replaced_provider_order_id) == ("order_RZP2", "order_RZP1")

    def captured(rzp_order: str, amount: int, event_id: str):
        entity = {"id": f"pay_{event_id}", "order_id": rzp_order, "amount": amount, "currency": "INR"}
        body = json.dumps({"event": "payment.captured", "payload": {"payment": {"entity": entity}}}).encode()
        wh = {
            "X-Razorpay-Signature": razorpay_signature(body, "rzp_webhook_secret"),
            "X-Razorpay-Event-Id": event_id,
            "Content-Type": "application/json",
        }
        return api.post("/api/payments/webhooks/razorpay", content=body, headers=wh)

    captured("order_RZP1", 54890, "e1")  # the old checkout, for the full total: held for staff, not fulfilled
    order.refresh_from_db()
    assert (order.status, order.review_reason) == (
        "pending",
        "amount mismatch (webhook): paid 54890 minor units, expected 34890",
    )
    captured("order_RZP2", 34890, "e2")
    order.refresh_from_db()
    assert (order.status, order.provider_payment_id) == ("paid", "pay_e2")
    assert Ticket.objects.filter(event=paid_event, user=person, status="valid").count() == 1


def test_stripe_gets_an_intent_for_the_rest_under_its_own_idempotency_key(
    api, person, paid_event, stripe_keys, fake_http: FakeProviderHttp
):
    intent = {"object": "payment_intent", "status": "requires_payment_method"}
    fake_http.route(
        "POST",
        STRIPE,
        "/v1/payment_intents",
        _routes_in_turn(
            {**intent, "id": "pi_1", "client_secret": "s1"}, {**intent, "id": "pi_2", "client_secret": "s2"}
        ),
    )
    headers = token_for(person)
    order = _open_order(api, headers, paid_event, provider="stripe")
    give_credit(person, "1000.00")
    _pay_part(api, headers, order)
    sent = fake_http.sent("POST", "/v1/payment_intents")
    assert [("amount=54890" in str(sent[0].body)), ("amount=34890" in str(sent[1].body))] == [True, True]
    assert [x.headers["Idempotency-Key"] for x in sent] == [f"order-{order.id}", f"order-{order.id}-due-34890"]
    order.refresh_from_db()
    assert (order.provider_order_id, order.replaced_provider_order_id) == ("pi_2", "pi_1")


def test_payu_gets_a_form_for_the_rest_with_a_valid_hash(api, person, paid_event, payu_keys):
    headers = token_for(person)
    order = _open_order(api, headers, paid_event, provider="payu")
    give_credit(person, "1000.00")
    fields = _pay_part(api, headers, order).json()["data"]["checkout"]["fields"]
    assert fields["amount"] == "348.90"
    assert fields["hash"] == request_hash(fields, "payusalt")


# ---------------------------------------------------------------- the card part never comes: credits back once


def test_a_failed_card_part_returns_the_credits_once(api, person, paid_event):
    _headers, order = _part_paid(api, person, paid_event)
    sandbox_webhook(api, order, "payment.failed")
    sandbox_webhook(api, order, "payment.failed")
    order.refresh_from_db()
    assert (order.status, order.seats_held, order.credits_released) == ("failed", False, True)
    assert credit_balance(person) == Decimal("1000.00")
    assert sales_account("tickets").balance == Decimal("0.00")
    assert _credit_returns(order) == 1


def test_an_expired_hold_returns_the_credits_once_and_a_late_card_part_is_refunded(api, person, paid_event):
    _headers, order = _part_paid(api, person, paid_event)
    Order.objects.filter(id=order.id).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    assert (holds_expire_due(), holds_expire_due()) == (1, 0)
    assert credit_balance(person) == Decimal("1000.00")
    sandbox_webhook(api, order)  # the card part arrives after the credits went back
    order.refresh_from_db()
    assert (order.status, order.ticket_id, order.amount_refunded) == ("refunded", None, TOTAL)
    refund = Refund.objects.get(order=order)
    assert (refund.amount, refund.to_credits, refund.status, refund.reason) == (
        DUE,
        False,
        "processed",
        "no_seat_for_late_payment",
    )
    assert refund.provider_refund_id.startswith("sbx_rfnd_")
    assert credit_balance(person) == Decimal("1000.00")
    assert _credit_returns(order) == 1
    assert Ticket.objects.filter(event=paid_event, user=person).count() == 0


def test_giving_up_the_order_returns_the_credits(api, person, paid_event):
    headers, order = _part_paid(api, person, paid_event)
    r = api.post(f"/api/v2/payments/orders/{order.id}/cancel", headers=headers)
    assert (r.status_code, r.json()["data"]["status"]) == (200, "cancelled")
    assert credit_balance(person) == Decimal("1000.00")
    assert _credit_returns(order) == 1


# ---------------------------------------------------------------- refunds split card first


def _paid_part(api, person, event) -> tuple[dict[str, str], Order]:
    headers, order = _part_paid(api, person, event)
    sandbox_webhook(api, order)
    order.refresh_from_db()
    assert order.status == "paid"
    return headers, order


def _refund_rows(order: Order) -> list[tuple[Decimal, bool, str, bool]]:
    return [
        (r.amount, r.to_credits, r.status, r.provider_refund_id.startswith("looppay:"))
        for r in Refund.objects.filter(order=order).order_by("created_at", "to_credits")
    ]


def test_an_attendee_cancel_refunds_the_card_part_first_and_the_rest_as_credits(api, person, paid_event):
    headers, order = _paid_part(api, person, paid_event)
    r = api.post(f"/api/v2/payments/orders/{order.id}/cancel", headers=headers)
    assert r.status_code == 200, r.text
    # The ticket price (499.00; the fee is kept) comes back: the card's 348.90 first, then 150.10 of credits.
    assert sorted((x["amount"], x["to_credits"]) for x in r.json()["data"]["refunds"]) == [
        ("150.10", True),
        ("348.90", False),
    ]
    assert sorted(_refund_rows(order)) == [
        (Decimal("150.10"), True, "processed", True),
        (Decimal("348.90"), False, "processed", False),
    ]
    assert credit_balance(person) == Decimal("950.10")
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("partially_refunded", Decimal("499.00"))


def test_partial_refunds_take_the_card_part_first_then_credits_to_the_exact_cent(api, person, paid_event):
    _headers, order = _paid_part(api, person, paid_event)
    first = refund_create(order_id=order.id, amount=Decimal("300.00"), reason="goodwill", idempotency_key="r1")
    second = refund_create(order_id=order.id, amount=Decimal("100.00"), reason="goodwill", idempotency_key="r2")
    third = refund_create(order_id=order.id, amount=None, reason="goodwill", idempotency_key="r3")
    assert (first.amount, first.to_credits) == (Decimal("300.00"), False)
    assert (second.amount, second.to_credits) == (Decimal("48.90"), False)  # the card's last 48.90 ...
    assert Refund.objects.get(idempotency_key="r2:credits").amount == Decimal("51.10")  # ... then credits
    assert (third.amount, third.to_credits) == (Decimal("148.90"), True)
    assert sum((r.amount for r in Refund.objects.filter(order=order, to_credits=False)), Decimal("0")) == DUE
    assert sum((r.amount for r in Refund.objects.filter(order=order, to_credits=True)), Decimal("0")) == CREDITS
    assert credit_balance(person) == Decimal("1000.00")
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("refunded", TOTAL)
    retried = refund_create(order_id=order.id, amount=Decimal("100.00"), reason="goodwill", idempotency_key="r2")
    assert (retried.id, Refund.objects.filter(order=order).count()) == (second.id, 4)


def test_a_cancelled_event_returns_the_card_part_to_the_card_and_the_credits_as_credits(api, person, paid_event):
    _headers, order = _paid_part(api, person, paid_event)
    host = Event.objects.get(id=paid_event.id).host
    event_transition(actor=host, event_id=paid_event.id, target="cancelled", reason="venue flooded")
    assert sorted(_refund_rows(order)) == [
        (Decimal("200.00"), True, "processed", True),
        (Decimal("348.90"), False, "processed", False),
    ]
    assert credit_balance(person) == Decimal("1000.00")
    assert sales_account("tickets").balance == Decimal("0.00")
    order.refresh_from_db()
    assert (order.status, order.amount_refunded) == ("refunded", TOTAL)
