"""Responses every API operation can give, added to the OpenAPI schema once instead of per endpoint."""

from __future__ import annotations

from typing import Any

from loopin.core.throttle import limited_path

_ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
_METHODS = {"get", "put", "post", "patch", "delete"}


def add_global_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """429 from the global caps (core.throttle), 503 when the database is down, 413 for oversized bodies."""
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
            for status, description in extra.items():
                responses.setdefault(status, {"description": description, "content": _ERROR_REF})
    return schema
