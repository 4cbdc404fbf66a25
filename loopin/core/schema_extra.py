"""`json_schema_extra` hooks shared by the domains' input schemas."""

from __future__ import annotations

from typing import Any


def not_nullable(schema: dict[str, Any]) -> None:
    """A field that may be left out but not cleared: its schema shows neither null nor a null default."""
    schema.pop("default", None)
    options = [option for option in schema.pop("anyOf", []) if option.get("type") != "null"]
    if len(options) == 1:
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options
