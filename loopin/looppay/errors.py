"""LoopPay refusals, each with its own code."""

from loopin.core.errors import Conflict
from loopin.looppay.error_codes import LoopPayErrorCode


class InsufficientCredits(Conflict):
    error_code = LoopPayErrorCode.INSUFFICIENT_CREDITS
    default_message = "Your LoopPay balance is too low for this."


class IdempotencyKeyReused(Conflict):
    error_code = LoopPayErrorCode.IDEMPOTENCY_KEY_REUSED
    default_message = "This idempotency key was already used for a different posting."


class CapExceeded(Conflict):
    """A load past the balance cap or the monthly load cap (the code says which)."""
