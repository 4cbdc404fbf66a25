"""Thin tasks: mark passes changed and push the devices holding them; each is idempotent."""

from __future__ import annotations

import uuid

from celery import shared_task

from loopin.core.settings import get_settings
from loopin.wallet import services


def backoff(retries: int) -> int:
    """Seconds before retry number `retries + 1`: 10, 20, 40, ... capped at 10 minutes."""
    return min(10 * 2**retries, 600)


@shared_task(name="wallet.passes_changed", ignore_result=True)
def passes_changed(event_id: str | None = None, ticket_id: str | None = None) -> int:
    """Mark an event's (or a ticket's) passes changed and push each device holding one, once."""
    pairs = services.wallet_passes_touch(
        event_id=uuid.UUID(event_id) if event_id else None, ticket_id=uuid.UUID(ticket_id) if ticket_id else None
    )
    for device_id, topic in pairs:
        push_device.delay(str(device_id), topic)
    return len(pairs)


@shared_task(bind=True, name="wallet.push_device", max_retries=None, ignore_result=True)
def push_device(self, device_id: str, topic: str) -> bool:
    """Tell one device its passes changed; transient APNs failures retry with backoff."""
    final = self.request.retries >= get_settings().WALLET_PUSH_MAX_RETRIES
    again = services.wallet_device_push(device_id=uuid.UUID(device_id), topic=topic, final_attempt=final)
    if again and not final:
        raise self.retry(countdown=backoff(self.request.retries))
    return again
