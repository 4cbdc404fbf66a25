"""Payment providers behind one interface (see `base.PaymentProvider`)."""

from __future__ import annotations

from loopin.core.errors import BusinessRuleError
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.providers.base import PaymentProvider, SettlingProvider, use_http_session


def get_provider(name: str) -> PaymentProvider:
    from loopin.core.settings import get_settings

    s = get_settings()
    if name == "sandbox" and s.payment_sandbox_enabled:
        from loopin.payments.providers.sandbox import SandboxProvider

        return SandboxProvider()
    if name == "razorpay" and s.RAZORPAY_KEY_ID:
        from loopin.payments.providers.razorpay_provider import RazorpayProvider

        return RazorpayProvider()
    if name == "stripe" and s.STRIPE_SECRET_KEY:
        from loopin.payments.providers.stripe_provider import StripeProvider

        return StripeProvider()
    if name == "payu" and s.PAYU_MERCHANT_KEY:
        from loopin.payments.providers.payu import PayUProvider

        return PayUProvider()
    raise BusinessRuleError(
        f"The payment provider {name!r} is not available.", code=PaymentErrorCode.PROVIDER_UNAVAILABLE
    )


def get_settling_provider(name: str) -> SettlingProvider:
    """The provider's settlement side (Razorpay Route, Stripe Connect); others cannot move money to hosts."""
    from loopin.core.settings import get_settings

    s = get_settings()
    if name == "razorpay" and s.RAZORPAY_KEY_ID:
        from loopin.payments.providers.razorpay_provider import RazorpayProvider

        return RazorpayProvider()
    if name == "stripe" and s.STRIPE_SECRET_KEY:
        from loopin.payments.providers.stripe_provider import StripeProvider

        return StripeProvider()
    raise BusinessRuleError(
        f"Automatic settlement is not available through {name!r}.",
        code=PaymentErrorCode.SETTLEMENT_PROVIDER_UNSUPPORTED,
    )


__all__ = ["PaymentProvider", "SettlingProvider", "get_provider", "get_settling_provider", "use_http_session"]
