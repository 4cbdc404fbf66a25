"""Spending credits and refunding a spend: promotional credit first, once per key, never more than spent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.core.errors import LoopinError
from loopin.looppay.ledger import post, promo_funding, sales_account, user_account
from loopin.looppay.models import Account, AccountKind, EntryReason, JournalEntry
from loopin.looppay.selectors import balance_detail, credit_balance
from loopin.looppay.spending import refund_spend, spend
from loopin.looppay.tests.conftest import give_credit


def _promo(user, amount: str, *, days: int) -> Account:
    grant = Account.objects.create(
        key=f"promo:test:{user.pk}:{days}",
        kind=AccountKind.PROMO_CREDIT,
        owner=user,
        expires_at=timezone.now() + timedelta(days=days),
    )
    value = Decimal(amount)
    post(f"grant:{grant.id}", [(promo_funding(), -value), (grant, value)], reason=EntryReason.PROMO_GRANT)
    grant.refresh_from_db()
    return grant


def test_a_spend_moves_credits_to_the_purposes_sales_account(person):
    give_credit(person, "300.00")
    entry = spend(user=person, amount=Decimal("120.50"), key="c:1", purpose="concessions", reference="order-1")
    assert (entry.reason, entry.purpose, entry.reference) == ("spend", "concessions", "order-1")
    assert credit_balance(person) == Decimal("179.50")
    assert sales_account("concessions").balance == Decimal("120.50")


def test_a_spend_beyond_the_balance_posts_nothing(person):
    give_credit(person, "100.00")
    with pytest.raises(LoopinError) as err:
        spend(user=person, amount="100.01", key="c:1", purpose="parking", reference="p")
    assert (err.value.code, err.value.status) == ("INSUFFICIENT_CREDITS", 409)
    assert err.value.details == {"balance": "100.00", "needed": "100.01", "short": "0.01"}
    assert credit_balance(person) == Decimal("100.00")
    assert not JournalEntry.objects.filter(idempotency_key="c:1").exists()


@pytest.mark.parametrize("amount", ["0", "-5", "1.001", "NaN", "abc"])
def test_a_bad_amount_is_refused(person, amount):
    with pytest.raises(LoopinError) as err:
        spend(user=person, amount=amount, key="c:1", purpose="parking", reference="p")
    assert err.value.code == "INVALID_CREDIT_AMOUNT"


def test_a_retried_spend_posts_once_and_a_changed_one_is_a_conflict(person):
    give_credit(person, "100.00")
    first = spend(user=person, amount="40", key="c:1", purpose="parking", reference="p1")
    assert spend(user=person, amount="40", key="c:1", purpose="parking", reference="p1").id == first.id
    assert credit_balance(person) == Decimal("60.00")
    with pytest.raises(LoopinError) as err:
        spend(user=person, amount="41", key="c:1", purpose="parking", reference="p1")
    assert err.value.code == "IDEMPOTENCY_KEY_REUSED"


def test_promotional_credit_is_spent_first_soonest_expiry_first(person):
    give_credit(person, "100.00")
    later = _promo(person, "30.00", days=20)
    sooner = _promo(person, "20.00", days=2)
    spend(user=person, amount="35", key="c:1", purpose="tickets", reference="o1")
    later.refresh_from_db()
    sooner.refresh_from_db()
    assert (sooner.balance, later.balance, user_account(person).balance) == (
        Decimal("0.00"),
        Decimal("15.00"),
        Decimal("100.00"),
    )
    assert balance_detail(person)["promotional"] == Decimal("15.00")
    assert credit_balance(person) == Decimal("115.00")


def test_expired_promotional_credit_is_not_spendable(person):
    grant = _promo(person, "50.00", days=1)
    Account.objects.filter(id=grant.id).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert credit_balance(person) == Decimal("0")
    with pytest.raises(LoopinError) as err:
        spend(user=person, amount="1", key="c:1", purpose="tickets", reference="o1")
    assert err.value.code == "INSUFFICIENT_CREDITS"


def test_a_refund_gives_paid_credit_back_first_then_promotional(person):
    give_credit(person, "10.00")
    grant = _promo(person, "30.00", days=5)
    entry = spend(user=person, amount="40", key="c:1", purpose="tickets", reference="o1")
    partial = refund_spend(key="c:1", amount="15", refund_key="c:1:r1")
    grant.refresh_from_db()
    assert partial.reverses_id == entry.id
    assert (user_account(person).balance, grant.balance) == (Decimal("10.00"), Decimal("5.00"))
    rest = refund_spend(key="c:1")
    grant.refresh_from_db()
    assert (user_account(person).balance, grant.balance) == (Decimal("10.00"), Decimal("30.00"))
    assert sales_account("tickets").balance == Decimal("0.00")
    assert refund_spend(key="c:1").id == rest.id  # retried: once


def test_a_spend_cannot_be_refunded_beyond_what_it_spent(person):
    give_credit(person, "50.00")
    spend(user=person, amount="20", key="c:1", purpose="tickets", reference="o1")
    with pytest.raises(LoopinError) as err:
        refund_spend(key="c:1", amount="20.01", refund_key="r1")
    assert (err.value.code, err.value.details) == ("NOTHING_TO_REFUND", {"refundable": "20.00"})
    refund_spend(key="c:1")
    with pytest.raises(LoopinError) as err:
        refund_spend(key="c:1", amount="1", refund_key="r2")
    assert err.value.code == "NOTHING_TO_REFUND"
    assert credit_balance(person) == Decimal("50.00")


def test_refunding_an_unknown_spend_is_not_found(person):
    with pytest.raises(LoopinError) as err:
        refund_spend(key="nope")
    assert (err.value.code, err.value.status) == ("SPEND_NOT_FOUND", 404)
