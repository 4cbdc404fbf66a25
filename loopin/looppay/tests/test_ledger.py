"""The posting service: balanced, idempotent, never below zero, cached balances with versions, append-only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from loopin.core.errors import LoopinError
from loopin.looppay.ledger import platform_float, post, sales_account, user_account
from loopin.looppay.models import Account, AppendOnly, EntryReason, JournalEntry, Line
from loopin.looppay.tests.conftest import give_credit


def test_a_posting_moves_credits_and_bumps_both_versions(person):
    entry = give_credit(person, "500.00")
    user = user_account(person)
    float_ = platform_float()
    assert (user.balance, user.version) == (Decimal("500.00"), 1)
    assert (float_.balance, float_.version) == (Decimal("-500.00"), 1)
    assert sorted(entry.lines.values_list("amount", flat=True)) == [Decimal("-500.00"), Decimal("500.00")]


def test_lines_that_do_not_sum_to_zero_post_nothing(person):
    with pytest.raises(LoopinError) as err:
        post("k1", [(platform_float(), Decimal("-10")), (user_account(person), Decimal("9.99"))], reason="adjustment")
    assert err.value.code == "LEDGER_UNBALANCED"
    assert JournalEntry.objects.count() == 0


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("0.001")])
def test_a_zero_or_sub_paisa_line_is_refused(person, amount):
    with pytest.raises(LoopinError) as err:
        post("k1", [(platform_float(), -amount), (user_account(person), amount)], reason="adjustment")
    assert err.value.code == "LEDGER_UNBALANCED"


def test_one_account_alone_is_not_an_entry(person):
    account = user_account(person)
    with pytest.raises(LoopinError) as err:
        post("k1", [(account, Decimal("5")), (account, Decimal("-5"))], reason="adjustment")
    assert err.value.code == "LEDGER_UNBALANCED"


def test_a_person_is_never_driven_below_zero(person):
    give_credit(person, "100.00")
    with pytest.raises(LoopinError) as err:
        post(
            "too-much",
            [(user_account(person), Decimal("-100.01")), (sales_account("tickets"), Decimal("100.01"))],
            reason=EntryReason.SPEND,
        )
    assert err.value.code == "INSUFFICIENT_CREDITS"
    assert err.value.details == {"balance": "100.00", "needed": "100.01", "account": f"user:{person.pk}"}
    assert (user_account(person).balance, user_account(person).version) == (Decimal("100.00"), 1)
    assert not JournalEntry.objects.filter(idempotency_key="too-much").exists()


def test_a_retried_key_returns_the_first_entry_and_posts_once(person):
    first = give_credit(person, "50.00", key="same")
    again = give_credit(person, "50.00", key="same")
    assert again.id == first.id
    assert Line.objects.count() == 2
    assert (user_account(person).balance, user_account(person).version) == (Decimal("50.00"), 1)


def test_the_same_key_with_another_payload_is_a_conflict(person):
    give_credit(person, "50.00", key="same")
    with pytest.raises(LoopinError) as err:
        give_credit(person, "60.00", key="same")
    assert (err.value.code, err.value.status) == ("IDEMPOTENCY_KEY_REUSED", 409)
    assert user_account(person).balance == Decimal("50.00")


def test_entries_and_lines_are_append_only(person):
    entry = give_credit(person, "10.00")
    line = entry.lines.first()
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        line.save()
    with pytest.raises(AppendOnly):
        line.delete()
    assert Line.objects.count() == 2


def test_the_database_refuses_a_negative_held_balance_written_around_the_service(person):
    account = user_account(person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(id=account.id).update(balance=Decimal("-1"))
