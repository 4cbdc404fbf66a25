"""The one error family. Services raise these; `loopin.core.handlers` maps them to HTTP once."""

from __future__ import annotations

from typing import Any


class LoopinError(Exception):
    status: int = 400
    code: str = "BAD_REQUEST"
    default_message: str = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)


class BusinessRuleError(LoopinError):
    """A 400 with a specific code; subclass or pass `code=`."""

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None) -> None:
        super().__init__(message, details=details)
        if code:
            self.code = code


class ValidationFailed(LoopinError):
    """422 with the same `details` shape as request validation: a list of bad fields."""

    status = 422
    code = "VALIDATION_ERROR"
    default_message = "Some fields are invalid."

    def __init__(self, fields: list[dict[str, str]], message: str | None = None) -> None:
        super().__init__(message, details={"fields": fields})

    @classmethod
    def one(cls, field: str, code: str, message: str) -> ValidationFailed:
        return cls([{"field": field, "code": code, "message": message}], message)


class NotAuthenticated(LoopinError):
    status = 401
    code = "NOT_AUTHENTICATED"
    default_message = "Sign in to continue."

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})
        if code:
            self.code = code


class PermissionDenied(LoopinError):
    status = 403
    code = "FORBIDDEN"
    default_message = "You are not allowed to do this."

    def __init__(
        self, message: str | None = None, *, code: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, details=details)
        if code:
            self.code = code


class NotFound(LoopinError):
    status = 404
    code = "NOT_FOUND"
    default_message = "Not found."

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


class Conflict(LoopinError):
    status = 409
    code = "CONFLICT"
    default_message = "This conflicts with the current state."

    def __init__(
        self, message: str | None = None, *, code: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, details=details)
        if code:
            self.code = code


class RateLimited(LoopinError):
    status = 429
    code = "RATE_LIMITED"
    default_message = "Too many requests. Try again later."

    def __init__(self, message: str | None = None, *, retry_after: int, scope: str | None = None) -> None:
        retry_after = max(1, int(retry_after))
        details: dict[str, Any] = {"retry_after": retry_after}
        if scope:
            details["scope"] = scope
        super().__init__(message, details=details, headers={"Retry-After": str(retry_after)})


class ServiceUnavailable(LoopinError):
    status = 503
    code = "SERVICE_UNAVAILABLE"
    default_message = "A service we depend on is unavailable. Try again shortly."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message, details=details, headers={"Retry-After": str(retry_after)} if retry_after else None)
        if code:
            self.code = code
