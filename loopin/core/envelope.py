"""The contract's success envelope and its OpenAPI schemas."""

from __future__ import annotations

import re
from typing import Any, Generic, TypeVar

import structlog
from pydantic import BaseModel, Field, ValidationError, ValidatorFunctionWrapHandler, field_validator

T = TypeVar("T")
log = structlog.get_logger("loopin.lists")


class Envelope(BaseModel, Generic[T]):
    success: bool = True
    message: str
    data: T


class PageMeta(BaseModel):
    total: int
    offset: int
    limit: int


class ListEnvelope(BaseModel, Generic[T]):
    success: bool = True
    message: str
    data: list[T]
    meta: PageMeta

    @field_validator("data", mode="wrap")
    @classmethod
    def _leave_out_unreadable_items(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """A stored row that no longer fits the item schema is logged and left out, not a 500 for the list."""
        try:
            return handler(value)
        except ValidationError:
            if not isinstance(value, list):
                raise
        kept = []
        for index, item in enumerate(value):
            try:
                kept.extend(handler([item]))
            except ValidationError as exc:
                errors = exc.errors(include_url=False, include_input=False)[:3]
                log.error("list_item_unreadable", model=cls.__name__, index=index, errors=errors)
        return kept


class ErrorEnvelope(BaseModel):
    success: bool = False
    error: str = Field(examples=["Some fields are invalid."])
    error_code: str = Field(examples=["VALIDATION_ERROR"])
    details: dict[str, Any] | None = None


def ok(data: Any, message: str = "OK") -> dict[str, Any]:
    return {"success": True, "message": message, "data": data}


def ok_page(items: list[Any], *, total: int, offset: int, limit: int, message: str = "OK") -> dict[str, Any]:
    return {
        "success": True,
        "message": message,
        "data": items,
        "meta": {"total": total, "offset": offset, "limit": limit},
    }


def error_body(message: str, code: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"success": False, "error": message, "error_code": str(code), "details": details}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the error statuses an endpoint documents."""
    descriptions = {
        400: "Business rule refused",
        401: "Not authenticated",
        403: "Not allowed",
        404: "Not found",
        409: "Conflict",
        413: "Body too large",
        422: "Invalid input",
        429: "Rate limited",
        503: "A dependency is down",
    }
    return {s: {"model": ErrorEnvelope, "description": descriptions.get(s, "Error")} for s in statuses}


def links(
    status: int, parameter: str, value: str, *targets: tuple[str, str], **extra: str
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `links` for a route's `responses=`: the `status` answer's id (`value`, a runtime expression such
    as "$response.body#/data/id") fills `parameter` of each target operation `(METHOD, path)`; `extra` maps
    further target parameters to expressions (e.g. an event id taken from the request's path).

    Clients and the stateful fuzzer (schemathesis) read them as "what to call next with this id".
    """
    found: dict[str, Any] = {}
    for method, path in targets:
        pointer = path.replace("~", "~0").replace("/", "~1")
        name = method.title() + "".join(part.title() for part in re.split(r"[^A-Za-z]+", path) if part)
        found[name] = {
            "operationRef": f"#/paths/{pointer}/{method.lower()}",
            "parameters": {parameter: value, **extra},
        }
    return {status: {"description": "Created" if status == 201 else "OK", "links": found}}
