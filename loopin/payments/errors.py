"""Payment-domain refusals, each with its own code."""

from loopin.core.errors import BusinessRuleError, Conflict, ServiceUnavailable
from loopin.payments.error_codes import PaymentErrorCode


class SoldOut(Conflict):
    error_code = PaymentErrorCode.SOLD_OUT
    default_message = "This event is sold out."


class InvalidSignature(BusinessRuleError):
    def __init__(self, message: str = "The signature does not match.") -> None:
        super().__init__(message, code=PaymentErrorCode.INVALID_SIGNATURE)


class RefundWindowClosed(BusinessRuleError):
    def __init__(
        self, message: str = "Refunds closed before the event; your ticket stays valid.", *, details: dict | None = None
    ) -> None:
        super().__init__(message, code=PaymentErrorCode.REFUND_WINDOW_CLOSED, details=details)


class ProviderUnavailable(ServiceUnavailable):
    error_code = PaymentErrorCode.PAYMENT_PROVIDER_UNAVAILABLE
    default_message = "The payment provider is not answering. Try again shortly."
