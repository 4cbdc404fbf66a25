"""The error-code registry: every `error_code` the API can answer with, its HTTP status and what it means.

Each domain owns an `ErrorCode` enum in its `error_codes.py` (as saleor does); the error classes in
`loopin.core.errors` carry a member:

    raise NotFound("Event not found.", code=EventErrorCode.EVENT_NOT_FOUND)

A member is written `NAME = "NAME", status, "meaning"` (add further statuses after the meaning when a code is
answered with more than one). `error_code_catalogue()` lists every code for documentation (docs/ERRORS.md, the
OpenAPI error examples); `loopin/core/tests/test_error_codes.py` keeps the registry complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from django.utils.module_loading import autodiscover_modules

_ENUMS: list[type[ErrorCode]] = []


class ErrorCode(StrEnum):
    """Base of the per-domain enums. The value is the wire code; `status` and `meaning` document it."""

    status: int
    statuses: tuple[int, ...]
    meaning: str

    def __new__(cls, value: str, status: int, meaning: str, *other_statuses: int) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.status = status
        member.statuses = (status, *other_statuses)
        member.meaning = meaning
        return member

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        _ENUMS.append(cls)


class CoreErrorCode(ErrorCode):
    """Codes of the HTTP layer and the generic error classes (used when no specific code is given)."""

    BAD_REQUEST = "BAD_REQUEST", 400, "The request could not be processed."
    VALIDATION_ERROR = "VALIDATION_ERROR", 422, "Some fields are invalid; `details.fields` lists them."
    NOT_AUTHENTICATED = "NOT_AUTHENTICATED", 401, "Sign in to continue: no valid access token was sent."
    FORBIDDEN = "FORBIDDEN", 403, "You are not allowed to do this."
    NOT_FOUND = "NOT_FOUND", 404, "There is nothing at this address."
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED", 405, "This address does not accept this HTTP method."
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE", 406, "The server cannot answer in a format the client accepts."
    CONFLICT = "CONFLICT", 409, "This conflicts with the current state."
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE", 413, "The request body is larger than this endpoint accepts."
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE", 415, "The body's content type is not accepted here."
    HTTP_ERROR = "HTTP_ERROR", 400, "An HTTP error without a more specific code (any 4xx status)."
    INVALID_TRANSITION = "INVALID_TRANSITION", 400, "The object cannot move from its current state to the one asked."
    RATE_LIMITED = "RATE_LIMITED", 429, "Too many requests; `details.retry_after` says how many seconds to wait."
    INTERNAL_ERROR = "INTERNAL_ERROR", 500, "An unexpected error on our side; it has been logged."
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE", 503, "A service we depend on is unavailable. Try again shortly."
    DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE", 503, "The database is unavailable. Try again shortly."
    DEPENDENCY_UNAVAILABLE = "DEPENDENCY_UNAVAILABLE", 503, "A dependency (database or Redis) is not ready."
    RATE_LIMIT_UNAVAILABLE = "RATE_LIMIT_UNAVAILABLE", 503, "The rate limiter's store is down; try again shortly."


@dataclass(frozen=True)
class ErrorCodeInfo:
    code: str
    status: int
    statuses: tuple[int, ...]
    meaning: str
    domain: str


def error_code_catalogue() -> list[ErrorCodeInfo]:
    """Every registered code (all installed apps' `error_codes` modules), sorted by code."""
    autodiscover_modules("error_codes")
    infos = [
        ErrorCodeInfo(
            code=m.value,
            status=m.status,
            statuses=m.statuses,
            meaning=m.meaning,
            domain=enum.__name__.removesuffix("ErrorCode").lower(),
        )
        for enum in _ENUMS
        for m in enum
    ]
    return sorted(infos, key=lambda i: i.code)


def error_code_lookup(code: str) -> ErrorCodeInfo | None:
    """The registered meaning and status of a wire code, or None."""
    return next((i for i in error_code_catalogue() if i.code == code), None)
