"""The payment providers' stand-in for tests: their HTTP APIs faked at the transport boundary (`fake_http`, a
`FakeProviderHttp` the SDKs talk to) and test keys for each provider. Fixtures for every package's tests
(payments, looppay, ...), loaded by the root conftest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from loopin.payments.providers import use_http_session
from loopin.payments.tests.fakes import FakeProviderHttp


@pytest.fixture
def fake_http() -> Iterator[FakeProviderHttp]:
    """Every provider call of the test goes to this fake (routes added by the test; requests recorded)."""
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
