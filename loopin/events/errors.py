"""Event-domain refusals, each with its own code."""

from loopin.core.error_codes import CoreErrorCode, ErrorCode
from loopin.core.errors import BusinessRuleError, LoopinError
from loopin.events.error_codes import EventErrorCode


class InvalidTransition(BusinessRuleError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            f"An event that is {current} cannot become {target}.",
            code=CoreErrorCode.INVALID_TRANSITION,
            details={"from": current, "to": target},
        )


class GuestImportTooLarge(LoopinError):
    """A 413: the guest-list file is over the import's size (bytes or rows)."""

    status = 413
    error_code: ErrorCode = EventErrorCode.GUEST_IMPORT_TOO_LARGE


__all__ = ["GuestImportTooLarge", "InvalidTransition"]
