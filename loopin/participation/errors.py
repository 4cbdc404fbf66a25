"""Refusals of taking part that carry their own details."""

from loopin.core.errors import Conflict
from loopin.participation.error_codes import ParticipationErrorCode


class CapacityExceeded(Conflict):
    error_code = ParticipationErrorCode.CAPACITY_EXCEEDED
    default_message = "There are not enough seats left."

    def __init__(self, message: str | None = None, *, seats_left: int | None = None) -> None:
        super().__init__(message, details={"seats_left": seats_left} if seats_left is not None else None)


class TierSoldOut(CapacityExceeded):
    error_code = ParticipationErrorCode.TIER_SOLD_OUT
    default_message = "This ticket tier is sold out."

    def __init__(self, message: str | None = None, *, seats_left: int, tier_id: object) -> None:
        super().__init__(message, seats_left=seats_left)
        self.details = {"seats_left": seats_left, "tier_id": str(tier_id)}
