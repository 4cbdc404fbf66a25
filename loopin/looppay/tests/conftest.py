"""Fixtures for LoopPay: people and a way to give them paid credit through the ledger itself."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from loopin.looppay.ledger import platform_float, post, user_account
from loopin.looppay.models import EntryReason
from loopin.payments.tests.conftest import paid_event  # noqa: F401 (payments' fixture, used here too)
from loopin.testing.factories import UserWithProfileFactory


@pytest.fixture
def person(interests: list[Any]) -> Any:
    return UserWithProfileFactory()


def give_credit(user: Any, amount: str, *, key: str | None = None) -> Any:
    """Post paid credit to `user` from the platform float (what a staff adjustment does)."""
    value = Decimal(amount)
    return post(
        key or f"test-credit:{user.pk}:{amount}",
        [(platform_float(), -value), (user_account(user), value)],
        reason=EntryReason.ADJUSTMENT,
    )
