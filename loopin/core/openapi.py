"""Responses every API operation can give, added to the OpenAPI schema once instead of per endpoint."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from loopin.core.auth import is_optional_auth
from loopin.core.envelope import ErrorEnvelope
from loopin.core.error_docs import api_routes
from loopin.core.throttle import limited_path

_ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
_METHODS = {"get", "put", "post", "patch", "delete"}


def add_global_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """429 from the global caps (core.throttle), 503 when the database is down, 413 for oversized bodies, and
    401/403 on every operation that reads a bearer token, including those where signing in is optional:
    a token that is sent but invalid or expired is refused there too (never silently ignored)."""

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
    for route in api_routes(routes):
        if not any(is_optional_auth(call) for call in _calls(route.dependant)):
            continue
        for method in route.methods:
            operation = schema.get("paths", {}).get(route.path_format, {}).get(method.lower())
            if operation is not None and operation.get("security") and {} not in operation["security"]:
                operation["security"] = [{}, *operation["security"]]
    return schema


# The text rule of core.routing.text_problem as a pattern: no C0/C1 control characters except tab, LF, CR.
TEXT_PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$"
_STRING_RULES = ("pattern", "format", "enum", "const", "contentMediaType")


def _walk(node: Any) -> Iterable[dict[str, Any]]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def document_text_rule(schema: dict[str, Any]) -> dict[str, Any]:
    """Every free-text string the document describes says what core.routing refuses everywhere (a 422): control
    characters. Strings with a format, pattern or enum of their own already rule those out (in place)."""
    for node in _walk({"paths": schema.get("paths", {}), "components": schema.get("components", {})}):
        if node.get("type") == "string" and not any(key in node for key in _STRING_RULES):
            node["pattern"] = TEXT_PATTERN
    return schema


def document_closed_bodies(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON request body names every field it reads: an object schema that leaves `additionalProperties` open
    is closed (the app's dialect ignores unknown fields rather than refusing them; sending them does nothing),
    so a client, or a fuzzer, is never invited to send fields that are not read (in place)."""
    components = schema.get("components", {}).get("schemas", {})
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            for content in operation.get("requestBody", {}).get("content", {}).values():
                body = content.get("schema", {})
                ref = body.get("$ref", "")
                target = components.get(ref.rsplit("/", 1)[-1]) if ref.startswith("#/components/schemas/") else body
                if target and target.get("type") == "object" and "additionalProperties" not in target:
                    target["additionalProperties"] = False
    return schema
