"""How a provider's failure is kept on a transfer or reversal row (its `error`, at most 255 characters)."""

from __future__ import annotations

from loopin.core.errors import LoopinError


def provider_error(exc: Exception) -> str:
    if isinstance(exc, LoopinError):
        detail = (exc.details or {}).get("error", "")
        return f"{exc.code}: {detail or exc.message}"[:255]
    return type(exc).__name__[:255]
