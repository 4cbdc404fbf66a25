"""Responses every API operation can give, added to the OpenAPI schema once instead of per endpoint."""

from __future__ import annotations

from collections.abc import Iterable
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


def _calls(dependant: Any) -> Iterable[Any]:
    stack = [dependant]
    while stack:
        node = stack.pop()
        yield node.call
        stack.extend(node.dependencies)


def document_optional_auth(schema: dict[str, Any], routes: Iterable[Any]) -> dict[str, Any]:
    """Operations where signing in is optional (`OptionalUser`) list the empty requirement `{}` beside the
    bearer token, as OpenAPI spells "anonymous callers are served too" (in place). A token that is sent must
    still be valid there (401 otherwise)."""
    from loopin.core.auth import is_optional_auth
    from loopin.core.error_docs import api_routes

    for route in api_routes(routes):
        if not any(is_optional_auth(call) for call in _calls(route.dependant)):
            continue
        for method in route.methods:
            operation = schema.get("paths", {}).get(route.path_format, {}).get(method.lower())
            if operation is not None and operation.get("security") and {} not in operation["security"]:
                operation["security"] = [{}, *operation["security"]]
    return schema
