"""API enums derived from the models' choices (Django TextChoices, or a StrEnum for a computed state), so a value
is defined once and a schema's `Literal` cannot drift from what the code holds."""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal


def choices_literal(choices: type[Enum]) -> Any:
    """`Literal[...]` of the choices' values in their declared order (the OpenAPI enum lists them so)."""
    return Literal[tuple(member.value for member in choices)]
