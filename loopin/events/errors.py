"""Event-domain refusals, each with its own code."""

from loopin.core.error_codes import CoreErrorCode
from loopin.core.errors import BusinessRuleError
from loopin.participation.errors import CapacityExceeded  # moved; re-exported for old imports


class InvalidTransition(BusinessRuleError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            f"An event that is {current} cannot become {target}.",
            code=CoreErrorCode.INVALID_TRANSITION,
            details={"from": current, "to": target},
        )


__all__ = ["CapacityExceeded", "InvalidTransition"]
