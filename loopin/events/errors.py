"""Event-domain refusals, each with its own code."""

from loopin.core.errors import BusinessRuleError, Conflict


class CapacityExceeded(Conflict):
    code = "CAPACITY_EXCEEDED"
    default_message = "There are not enough seats left."

    def __init__(self, message: str | None = None, *, seats_left: int | None = None) -> None:
        super().__init__(message, details={"seats_left": seats_left} if seats_left is not None else None)


class InvalidTransition(BusinessRuleError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            f"An event that is {current} cannot become {target}.",
            code="INVALID_TRANSITION",
            details={"from": current, "to": target},
        )
