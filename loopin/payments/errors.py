"""Payment-domain refusals, each with its own code."""

from loopin.core.errors import BusinessRuleError, Conflict, ServiceUnavailable


class SoldOut(Conflict):
    code = "SOLD_OUT"
    default_message = "This event is sold out."


class InvalidSignature(BusinessRuleError):
    def __init__(self, message: str = "The signature does not match.") -> None:
        super().__init__(message, code="INVALID_SIGNATURE")


class RefundWindowClosed(BusinessRuleError):
    def __init__(
        self, message: str = "Refunds closed before the event; your ticket stays valid.", *, details: dict | None = None
    ) -> None:
        super().__init__(message, code="REFUND_WINDOW_CLOSED", details=details)


class ProviderUnavailable(ServiceUnavailable):
    code = "PAYMENT_PROVIDER_UNAVAILABLE"
    default_message = "The payment provider is not answering. Try again shortly."
