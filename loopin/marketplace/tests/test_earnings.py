"""Sellers' earnings: a completed sale's share credited once, paid out through a payout request that finance
staff complete, and a refund taking the earning back (before or after the payout)."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from loopin.accounts.models import User
from loopin.core.errors import LoopinError
from loopin.looppay.models import Account, EntryReason, JournalEntry
from loopin.looppay.selectors import credit_balance
from loopin.looppay.tests.conftest import give_credit
from loopin.marketplace.models import MarketplaceOrder, OrderStatus
from loopin.marketplace.payment import marketplace_order_pay
from loopin.marketplace.services.orders import marketplace_buy, marketplace_order_cancel, marketplace_order_complete
from loopin.marketplace.services.refunds import marketplace_order_refund
from loopin.marketplace.tests.conftest import listing
from loopin.payments.charge_models import Charge, ChargeRefund
from loopin.payments.models import PayoutRequest
from loopin.payments.money import to_minor
from loopin.payments.payouts import bank_account_create, payout_decide, payout_request_create_for_source
from loopin.payments.services.charges import charge_confirm
from loopin.payments.tests.helpers import finance_staff
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for

pytestmark = pytest.mark.django_db

ACCOUNT = {
    "holder_name": "Riya Sen",
    "bank_name": "HDFC Bank",
    "ifsc": "HDFC0001234",
    "account_number": "50100012345678",
}


def balance(key: str) -> Decimal:
    return Account.objects.get(key=key).balance


def sold_by_credits(seller: User, price: str = "1000.00") -> MarketplaceOrder:
    """A listing of `seller` bought and paid with credits (fee 5 %), not yet handed over."""
    buyer = UserWithProfileFactory()
    give_credit(buyer, "5000.00")
    order = marketplace_buy(buyer=buyer, listing_id=listing(seller, price=price).id)
    marketplace_order_pay(buyer=buyer, order_id=order.id, method="credits")
    return MarketplaceOrder.objects.get(id=order.id)


def sold_by_card(seller: User, price: str = "1000.00") -> MarketplaceOrder:
    buyer = UserWithProfileFactory()
    order = marketplace_buy(buyer=buyer, listing_id=listing(seller, price=price).id)
    started = marketplace_order_pay(buyer=buyer, order_id=order.id, method="card")
    charge = Charge.objects.get(id=started["payment"]["id"])
    charge_confirm(
        charge_id=charge.id, payment_id="pay_m1", provider=charge.provider,
        amount_minor=to_minor(charge.amount, "INR"), currency="INR",
    )  # fmt: skip
    return MarketplaceOrder.objects.get(id=order.id)


def handed_over(order: MarketplaceOrder) -> MarketplaceOrder:
    return marketplace_order_complete(buyer=order.buyer, order_id=order.id)


def refund_staff() -> User:
    """A Finance staff member, the group given the refund permission as the migration does."""
    staff = finance_staff()
    importlib.import_module("loopin.marketplace.migrations.0003_finance_refund_permission").forwards(apps, None)
    return User.objects.get(id=staff.id)  # a fresh permission cache


def test_the_handover_credits_the_price_to_the_seller_once_and_the_fee_stays_the_platforms():
    seller = UserWithProfileFactory()
    order = sold_by_credits(seller)
    assert balance("sales:marketplace") == Decimal("1050.00")

    handed_over(order)
    handed_over(order)  # a repeated confirmation

    [entry] = JournalEntry.objects.filter(reason=EntryReason.SALE_EARNING)
    assert (entry.idempotency_key, entry.reference) == (f"marketplace-earning:{order.id}", str(order.id))
    assert balance(f"host:{seller.pk}") == Decimal("1000.00")
    assert balance("sales:marketplace") == Decimal("50.00")


def test_a_card_sale_earns_from_the_providers_clearing_account():
    seller = UserWithProfileFactory()
    handed_over(sold_by_card(seller, price="799.50"))
    assert balance(f"host:{seller.pk}") == Decimal("799.50")
    assert balance("provider:sandbox") == Decimal("-799.50")


def test_a_paid_sale_not_yet_handed_over_is_not_payable(api):
    seller = UserWithProfileFactory()
    sold_by_credits(seller)
    r = api.get("/api/v2/me/marketplace/earnings", headers=token_for(seller))
    assert r.json()["data"]["amount"] == "0"


def test_a_seller_is_paid_out_through_a_payout_request_finance_completes(api):
    seller = UserWithProfileFactory()
    headers = token_for(seller)
    handed_over(sold_by_credits(seller, price="1000.00"))
    handed_over(sold_by_card(seller, price="250.25"))
    bank = api.post("/api/v2/payouts/bank-accounts", json=ACCOUNT, headers=headers).json()["data"]["id"]

    r = api.post("/api/v2/me/marketplace/payouts", json={"bank_account_id": bank}, headers=headers)
    assert r.status_code == 201
    payout = r.json()["data"]
    assert (payout["source"], payout["event_id"], payout["amount"], payout["gross_earnings"]) == (
        "marketplace",
        None,
        "1250.25",
        "1250.25",
    )
    again = api.post("/api/v2/me/marketplace/payouts", json={"bank_account_id": bank}, headers=headers)
    assert (again.status_code, again.json()["error_code"]) == (409, "PAYOUT_EXISTS")
    assert api.get("/api/v2/me/marketplace/earnings", headers=headers).json()["data"]["payout_in_progress"] == (
        "1250.25"
    )

    staff = finance_staff()
    payout_decide(staff=staff, payout_id=payout["id"], target="approved")
    assert balance(f"host:{seller.pk}") == Decimal("1250.25")  # nothing leaves before the payout completes
    payout_decide(staff=staff, payout_id=payout["id"], target="completed", transaction_ref="UTR778899")

    earnings = api.get("/api/v2/me/marketplace/earnings", headers=headers).json()["data"]
    assert earnings == {
        "currency": "INR",
        "gross_earnings": "1250.25",
        "refunds_total": "0",
        "previously_paid": "1250.25",
        "amount": "0.00",
        "payout_in_progress": None,
    }
    assert (balance(f"host:{seller.pk}"), balance("payouts:bank")) == (Decimal("0.00"), Decimal("1250.25"))
    assert JournalEntry.objects.get(idempotency_key=f"payout:{payout['id']}").reason == EntryReason.PAYOUT
    nothing = api.post("/api/v2/me/marketplace/payouts", json={"bank_account_id": bank}, headers=headers)
    assert (nothing.status_code, nothing.json()["error_code"]) == (400, "NOTHING_TO_PAY")
    seen = api.get("/api/v2/payouts/requests", headers=headers).json()["data"]
    assert [(p["source"], p["status"], p["transaction_ref"]) for p in seen] == [
        ("marketplace", "completed", "UTR778899")
    ]


def test_a_rejected_seller_payout_leaves_the_earnings_payable():
    seller = UserWithProfileFactory()
    handed_over(sold_by_credits(seller))
    bank = _bank(seller)
    payout = _request(seller, bank)
    payout_decide(staff=finance_staff(), payout_id=payout.id, target="rejected", reason="Name mismatch")
    assert balance(f"host:{seller.pk}") == Decimal("1000.00")
    assert _request(seller, bank).amount == Decimal("1000.00")


def test_a_sale_refunded_before_the_handover_never_pays_the_seller():
    seller = UserWithProfileFactory()
    order = sold_by_credits(seller)
    marketplace_order_refund(staff=refund_staff(), order_id=order.id, reason="Item never arrived")

    assert credit_balance(order.buyer) == Decimal("5000.00")
    assert MarketplaceOrder.objects.get(id=order.id).status == OrderStatus.REFUNDED
    with pytest.raises(LoopinError) as exc:
        handed_over(order)
    assert exc.value.code == "MARKET_ORDER_NOT_PAID"
    assert not JournalEntry.objects.filter(reason=EntryReason.SALE_EARNING).exists()
    assert not Account.objects.filter(key=f"host:{seller.pk}").exists()


def test_a_completed_unpaid_sale_refunded_takes_the_earning_back_once():
    seller = UserWithProfileFactory()
    order = handed_over(sold_by_credits(seller))
    staff = refund_staff()
    marketplace_order_refund(staff=staff, order_id=order.id, reason="Damaged")
    marketplace_order_refund(staff=staff, order_id=order.id, reason="Damaged")  # a retry

    assert balance(f"host:{seller.pk}") == Decimal("0.00")
    assert JournalEntry.objects.filter(reason=EntryReason.EARNING_REVERSAL).count() == 1
    assert credit_balance(order.buyer) == Decimal("5000.00")
    assert balance("sales:marketplace") == Decimal("0.00")


def test_a_sale_refunded_after_its_payout_is_a_debt_that_later_sales_pay_off_first():
    seller = UserWithProfileFactory()
    order = handed_over(sold_by_credits(seller, price="1000.00"))
    payout = _request(seller, _bank(seller))
    staff = finance_staff()
    payout_decide(staff=staff, payout_id=payout.id, target="approved")
    payout_decide(staff=staff, payout_id=payout.id, target="completed", transaction_ref="UTR1")

    marketplace_order_refund(staff=refund_staff(), order_id=order.id, reason="Counterfeit")
    assert balance(f"host:{seller.pk}") == Decimal("-1000.00")
    with pytest.raises(LoopinError) as exc:
        _request(seller, payout.bank_account_id)
    assert exc.value.code == "NOTHING_TO_PAY"

    handed_over(sold_by_credits(seller, price="1500.00"))
    again = _request(seller, payout.bank_account_id)
    assert (again.gross_earnings, again.refunds_total, again.previously_paid, again.amount) == (
        Decimal("2500.00"),
        Decimal("1000.00"),
        Decimal("1000.00"),
        Decimal("500.00"),
    )


def test_a_card_sale_refund_refunds_the_whole_card_payment_once():
    seller = UserWithProfileFactory()
    order = handed_over(sold_by_card(seller, price="1000.00"))
    staff = refund_staff()
    marketplace_order_refund(staff=staff, order_id=order.id, reason="Not as described")
    marketplace_order_refund(staff=staff, order_id=order.id, reason="Not as described")

    [refund] = ChargeRefund.objects.all()
    assert (refund.amount, refund.idempotency_key) == (Decimal("1050.00"), f"marketplace-refund:{order.id}")
    assert (balance(f"host:{seller.pk}"), balance("provider:sandbox")) == (Decimal("0.00"), Decimal("0.00"))


def test_only_staff_with_the_refund_permission_refund_a_sale(api):
    seller = UserWithProfileFactory()
    order = handed_over(sold_by_credits(seller))
    plain_staff = UserWithProfileFactory(is_staff=True)
    r = api.post(f"/api/v2/marketplace/orders/{order.id}/refund", json={"reason": "x"}, headers=token_for(plain_staff))
    assert (r.status_code, r.json()["error_code"]) == (403, "FORBIDDEN")
    r = api.post(f"/api/v2/marketplace/orders/{order.id}/refund", json={"reason": "x"}, headers=token_for(seller))
    assert (r.status_code, r.json()["error_code"]) == (403, "FORBIDDEN")
    ok = api.post(
        f"/api/v2/marketplace/orders/{order.id}/refund", json={"reason": "Fake"}, headers=token_for(refund_staff())
    )
    assert (ok.status_code, ok.json()["data"]["status"]) == (200, "refunded")
    assert balance(f"host:{seller.pk}") == Decimal("0.00")


def test_a_pending_order_cannot_be_refunded():
    buyer = UserWithProfileFactory()
    order = marketplace_buy(buyer=buyer, listing_id=listing(UserWithProfileFactory()).id)
    with pytest.raises(LoopinError) as exc:
        marketplace_order_refund(staff=refund_staff(), order_id=order.id, reason="x")
    assert (exc.value.status, exc.value.code) == (409, "MARKET_ORDER_NOT_REFUNDABLE")
    assert exc.value.message == (
        "Only a paid or completed sale can be refunded, and this one is pending: waiting for payment (the listing "
        "is held). Nothing was sent to the buyer."
    )


def test_refusing_a_refund_over_the_api_says_why(api):
    buyer = UserWithProfileFactory()
    order = marketplace_buy(buyer=buyer, listing_id=listing(UserWithProfileFactory()).id)
    marketplace_order_cancel(buyer=buyer, order_id=order.id)
    r = api.post(
        f"/api/v2/marketplace/orders/{order.id}/refund", json={"reason": "Fake"}, headers=token_for(refund_staff())
    )
    body = r.json()
    assert (r.status_code, body["error_code"]) == (409, "MARKET_ORDER_NOT_REFUNDABLE")
    assert body["error"] == (
        "Only a paid or completed sale can be refunded, and this one is cancelled. Nothing was sent to the buyer."
    )
    assert body["details"] == {"status": "cancelled", "refundable_statuses": ["paid", "completed"]}


def _bank(user: User) -> object:
    return bank_account_create(user=user, **ACCOUNT).id


def _request(user: User, bank: object) -> PayoutRequest:
    return payout_request_create_for_source(user=user, source="marketplace", bank_account_id=bank)
