"""Fixtures for the payments tests: a paid event, buyers with sessions, and a fake provider HTTP transport."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from loopin.payments.providers import use_http_session
from loopin.payments.tests.fakes import FakeProviderHttp
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


@pytest.fixture
def fake_http() -> Iterator[FakeProviderHttp]:
    fake = FakeProviderHttp()
    use_http_session(fake.session())
    yield fake
    use_http_session(None)


@pytest.fixture
def razorpay_keys(app_settings: Any) -> Any:
    app_settings.RAZORPAY_KEY_ID = "rzp_test_key"
    app_settings.RAZORPAY_KEY_SECRET = "rzp_test_secret"
    app_settings.RAZORPAY_WEBHOOK_SECRET = "rzp_webhook_secret"
    return app_settings


@pytest.fixture
def stripe_keys(app_settings: Any) -> Any:
    app_settings.STRIPE_SECRET_KEY = "sk_test_123"
    app_settings.STRIPE_PUBLISHABLE_KEY = "pk_test_123"
    app_settings.STRIPE_WEBHOOK_SECRET = "whsec_test_123"
    return app_settings


@pytest.fixture
def payu_keys(app_settings: Any) -> Any:
    app_settings.PAYU_MERCHANT_KEY = "payukey"
    app_settings.PAYU_MERCHANT_SALT = "payusalt"
    return app_settings
