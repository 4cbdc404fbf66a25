"""Payment providers behind one interface (see `base.PaymentProvider`)."""

from __future__ import annotations

from loopin.core.errors import BusinessRuleError
from loopin.core.settings import get_settings
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.providers.base import PaymentProvider, SettlingProvider, use_http_session
from loopin.payments.providers.payu import PayUProvider
from loopin.payments.providers.razorpay_provider import RazorpayProvider
from loopin.payments.providers.sandbox import SandboxProvider
from loopin.payments.providers.stripe_provider import StripeProvider


def get_provider(name: str) -> PaymentProvider:
    s = get_settings()
    if name == "sandbox" and s.payment_sandbox_enabled:
        return SandboxProvider()
    if name == "razorpay" and s.RAZORPAY_KEY_ID:
        return RazorpayProvider()
    if name == "stripe" and s.STRIPE_SECRET_KEY:
        return StripeProvider()
    if name == "payu" and s.PAYU_MERCHANT_KEY:
        return PayUProvider()
    raise BusinessRuleError(
        f"The payment provider {name!r} is not available.", code=PaymentErrorCode.PROVIDER_UNAVAILABLE
    )


def get_settling_provider(name: str) -> SettlingProvider:
    """The provider's settlement side (Razorpay Route, Stripe Connect); others cannot move money to hosts."""
    s = get_settings()
    if name == "razorpay" and s.RAZORPAY_KEY_ID:
        return RazorpayProvider()
    if name == "stripe" and s.STRIPE_SECRET_KEY:
        return StripeProvider()
    raise BusinessRuleError(
        f"Automatic settlement is not available through {name!r}.",
        code=PaymentErrorCode.SETTLEMENT_PROVIDER_UNSUPPORTED,
    )


__all__ = ["PaymentProvider", "SettlingProvider", "get_provider", "get_settling_provider", "use_http_session"]
