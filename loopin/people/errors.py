"""People's error codes (the family is loopin.core.errors)."""

from __future__ import annotations

from loopin.accounts.error_codes import AccountErrorCode
from loopin.core.errors import NotFound


class PersonNotFound(NotFound):
    """Unknown, deleted, or blocked either way: the same answer, so a block is never revealed."""

    error_code = AccountErrorCode.USER_NOT_FOUND
    default_message = "Person not found."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message)
