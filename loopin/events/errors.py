"""Event-domain refusals, each with its own code."""

from loopin.core.error_codes import CoreErrorCode
from loopin.core.errors import BusinessRuleError, Conflict
from loopin.participation.error_codes import ParticipationErrorCode


class CapacityExceeded(Conflict):
    error_code = ParticipationErrorCode.CAPACITY_EXCEEDED
    default_message = "There are not enough seats left."

    def __init__(self, message: str | None = None, *, seats_left: int | None = None) -> None:
        super().__init__(message, details={"seats_left": seats_left} if seats_left is not None else None)


class InvalidTransition(BusinessRuleError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            f"An event that is {current} cannot become {target}.",
            code=CoreErrorCode.INVALID_TRANSITION,
            details={"from": current, "to": target},
        )
