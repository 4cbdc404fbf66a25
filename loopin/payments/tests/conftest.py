"""Fixtures for the payments tests: a paid event and buyers with sessions. (The providers' stand-in, `fake_http`,
and their test keys are in loopin.testing.providers, for every package's tests.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for


@pytest.fixture
def paid_event(interests: list[Any]) -> Any:
    """A published open event: 499.00 INR a seat, 10 seats, in three days."""
    return PublishedEventFactory(is_paid=True, ticket_price=Decimal("499.00"), capacity=10)


@pytest.fixture
def buyer(interests: list[Any]) -> Any:
    return UserWithProfileFactory()


@pytest.fixture
def buyer_headers(buyer: Any) -> dict[str, str]:
    return token_for(buyer)
