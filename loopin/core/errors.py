"""The one error family. Services raise these; `loopin.core.handlers` maps them to HTTP once.

Every error carries a registered code (`loopin.core.error_codes`): pass one of a domain's members,

    raise NotFound("Event not found.", code=EventErrorCode.EVENT_NOT_FOUND)

or let the class's generic code stand. `exc.error_code` is the member, `exc.code` its wire string. Raised with a
code and no message, the error says what the code means in the registry (`NotFound(code=...LISTING_NOT_FOUND)`
answers "No listing you may see has this id."), never the class's generic sentence.
"""

from __future__ import annotations

from typing import Any

from loopin.core.error_codes import CoreErrorCode, ErrorCode


class LoopinError(Exception):
    status: int = 400
    error_code: ErrorCode = CoreErrorCode.BAD_REQUEST
    default_message: str = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: ErrorCode | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        # A specific code's documented meaning says what happened; the class's sentence only when no code is named.
        self.message = message or (code.meaning if code is not None else self.default_message)
        self.error_code = code or type(self).error_code
        self.code: str = self.error_code.value
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)


class BusinessRuleError(LoopinError):
    """A 400 refusing something the rules do not allow; pass a specific `code=`."""


class ValidationFailed(LoopinError):
    """422 with the same `details` shape as request validation: a list of bad fields."""

    status = 422
    error_code: ErrorCode = CoreErrorCode.VALIDATION_ERROR
    default_message = "Some fields are invalid."

    def __init__(self, fields: list[dict[str, str]], message: str | None = None) -> None:
        super().__init__(message, details={"fields": fields})

    @classmethod
    def one(cls, field: str, code: str, message: str) -> ValidationFailed:
        return cls([{"field": field, "code": code, "message": message}], message)


class NotAuthenticated(LoopinError):
    status = 401
    error_code: ErrorCode = CoreErrorCode.NOT_AUTHENTICATED
    default_message = "Sign in to continue."

    def __init__(self, message: str | None = None, *, code: ErrorCode | None = None) -> None:
        super().__init__(message, code=code, headers={"WWW-Authenticate": "Bearer"})


class PermissionDenied(LoopinError):
    status = 403
    error_code: ErrorCode = CoreErrorCode.FORBIDDEN
    default_message = "You are not allowed to do this."


class NotFound(LoopinError):
    status = 404
    error_code: ErrorCode = CoreErrorCode.NOT_FOUND
    default_message = "Not found."


class Conflict(LoopinError):
    status = 409
    error_code: ErrorCode = CoreErrorCode.CONFLICT
    default_message = "This conflicts with the current state."


class RateLimited(LoopinError):
    status = 429
    error_code: ErrorCode = CoreErrorCode.RATE_LIMITED
    default_message = "Too many requests. Try again later."

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_after: int,
        scope: str | None = None,
        code: ErrorCode | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        retry_after = max(1, int(retry_after))
        body: dict[str, Any] = {"retry_after": retry_after}
        if scope:
            body["scope"] = scope
        super().__init__(message, code=code, details={**body, **(details or {})},
                         headers={"Retry-After": str(retry_after)})  # fmt: skip


class ServiceUnavailable(LoopinError):
    status = 503
    error_code: ErrorCode = CoreErrorCode.SERVICE_UNAVAILABLE
    default_message = "A service we depend on is unavailable. Try again shortly."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: ErrorCode | None = None,
        details: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(
            message, code=code, details=details, headers={"Retry-After": str(retry_after)} if retry_after else None
        )
