"""Sending domain signals after commit: receivers get ids, never model instances, and a failing receiver
is logged, never fatal. Every domain's `signals.py` declares its signals and sends them with this."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal

from loopin.core.logging import get_logger

log = get_logger("loopin.signals")


def _send(signal: Signal, kwargs: dict[str, Any]) -> None:
    for receiver, result in signal.send_robust(sender=None, **kwargs):
        if isinstance(result, Exception):
            log.error(
                "signal_receiver_failed",
                receiver=getattr(receiver, "__qualname__", str(receiver)),
                error=repr(result),
                exc_info=result,
            )


def send_after_commit(signal: Signal, **kwargs: Any) -> None:
    """Send once the surrounding transaction commits; a failing receiver is logged, never fatal."""
    transaction.on_commit(lambda: _send(signal, kwargs))
