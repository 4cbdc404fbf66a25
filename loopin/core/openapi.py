"""Responses every API operation can give, added to the OpenAPI schema once instead of per endpoint."""

from __future__ import annotations

from typing import Any

from loopin.core.throttle import limited_path

_ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
_METHODS = {"get", "put", "post", "patch", "delete"}


def add_global_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """429 from the global caps (core.throttle), 503 when the database is down, 413 for oversized bodies, and
    401/403 on every operation that reads a bearer token, including those where signing in is optional:
    a token that is sent but invalid or expired is refused there too (never silently ignored)."""
    from loopin.core.envelope import ErrorEnvelope

    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorEnvelope", ErrorEnvelope.model_json_schema(ref_template="#/components/schemas/{model}"))
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            extra = {"503": "A dependency is down (database, Redis for sign-in limits)"}
            if limited_path(path):
                extra["429"] = "Rate limited (global per-caller caps); see Retry-After"
            if "requestBody" in operation:
                extra["413"] = "Body too large"
            if operation.get("security"):
                extra["401"] = (
                    "Not authenticated: the bearer token is missing, invalid or expired "
                    "(where signing in is optional, a token that is sent must still be valid)"
                )
                extra["403"] = "Not allowed (also: the account is suspended or still on the waitlist)"
            for status, description in extra.items():
                responses.setdefault(status, {"description": description, "content": _ERROR_REF})
    return schema
