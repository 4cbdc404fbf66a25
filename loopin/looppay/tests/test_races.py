"""Concurrent postings with real threads (on PostgreSQL the row locks taken in id order are the guard; on SQLite
writers are serialised): a balance never goes negative, and the sums are exact."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db.models import Sum

from loopin.looppay.ledger import sales_account, user_account
from loopin.looppay.models import Line
from loopin.looppay.selectors import credit_balance
from loopin.looppay.spending import refund_spend, spend
from loopin.looppay.tests.conftest import give_credit
from loopin.testing.concurrency import outcomes as race
from loopin.testing.factories import UserWithProfileFactory

SPENDERS = 30


def test_thirty_concurrent_spends_of_70_against_1000_give_fourteen_and_never_go_negative(person):
    give_credit(person, "1000.00")
    calls = [
        lambda i=i: spend(user=person, amount="70.00", key=f"race:{i}", purpose="concessions", reference=str(i))
        for i in range(SPENDERS)
    ]
    assert race(calls) == Counter({"ok": 14, "INSUFFICIENT_CREDITS": SPENDERS - 14})
    account = user_account(person)
    assert (account.balance, account.version) == (Decimal("20.00"), 1 + 14)
    assert Line.objects.filter(account=account).aggregate(s=Sum("amount"))["s"] == Decimal("20.00")
    assert sales_account("concessions").balance == Decimal("980.00")
    assert Line.objects.aggregate(s=Sum("amount"))["s"] == Decimal("0.00")


def test_one_key_spent_by_ten_threads_at_once_posts_once(person):
    give_credit(person, "100.00")
    calls = [lambda: spend(user=person, amount="30", key="once", purpose="parking", reference="p") for _ in range(10)]
    assert race(calls) == Counter({"ok": 10})
    assert credit_balance(person) == Decimal("70.00")


def test_spends_and_refunds_of_many_people_on_one_sales_account_interleave_without_deadlock(interests):
    people = [UserWithProfileFactory() for _ in range(8)]
    for p in people:
        give_credit(p, "100.00")
        spend(user=p, amount="50", key=f"first:{p.pk}", purpose="tickets", reference="t")
    calls = []
    for p in people:
        calls.append(lambda p=p: spend(user=p, amount="50", key=f"second:{p.pk}", purpose="tickets", reference="t"))
        calls.append(lambda p=p: refund_spend(key=f"first:{p.pk}"))
    assert race(calls) == Counter({"ok": 16})
    assert [credit_balance(p) for p in people] == [Decimal("50.00")] * 8
    assert sales_account("tickets").balance == Decimal("400.00")
