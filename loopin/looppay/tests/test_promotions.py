"""Promotional credit: granted once per key, spent first, expired by the beat task with an entry each."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.core.errors import LoopinError
from loopin.looppay.ledger import promo_funding
from loopin.looppay.models import Account, JournalEntry
from loopin.looppay.promotions import promo_grant, promos_expire_due
from loopin.looppay.selectors import balance_detail, credit_balance
from loopin.looppay.spending import refund_spend, spend
from loopin.looppay.tests.conftest import give_credit


def _grant(user, amount="50.00", days=7, key="campaign-1"):
    return promo_grant(
        user=user, amount=amount, expires_at=timezone.now() + timedelta(days=days), key=f"{key}:{user.pk}"
    )


def test_a_campaign_grant_posts_once_per_key(person):
    first = _grant(person)
    assert _grant(person).id == first.id
    detail = balance_detail(person)
    assert (detail["promotional"], detail["balance"]) == (Decimal("50.00"), Decimal("50.00"))
    assert promo_funding().balance == Decimal("-50.00")


def test_a_grant_in_the_past_is_refused(person):
    with pytest.raises(LoopinError) as err:
        promo_grant(user=person, amount="5", expires_at=timezone.now() - timedelta(seconds=1), key="k")
    assert err.value.code == "VALIDATION_ERROR"


def test_expiry_takes_back_what_is_left_with_one_entry_and_again_after_a_refund(person):
    give_credit(person, "100.00")
    _grant(person, "50.00")
    spend(user=person, amount="30", key="s1", purpose="tickets", reference="o1")  # 30 of the promo
    grant = Account.objects.get(kind="promo_credit")
    Account.objects.filter(id=grant.id).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert promos_expire_due() == 1
    assert promos_expire_due() == 0  # nothing left
    grant.refresh_from_db()
    assert (grant.balance, grant.expired_at is not None) == (Decimal("0.00"), True)
    assert credit_balance(person) == Decimal("100.00")
    assert promo_funding().balance == Decimal("-30.00")
    refund_spend(key="s1")  # the promo part goes back to its (expired) grant ...
    assert credit_balance(person) == Decimal("100.00")  # ... which cannot be spent
    assert promos_expire_due() == 1  # and the next run takes it back
    assert JournalEntry.objects.filter(reason="promo_expiry").count() == 2
    assert promo_funding().balance == Decimal("0.00")
