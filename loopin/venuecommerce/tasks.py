"""Thin tasks: the venue-commerce job beat runs, idempotent."""

from __future__ import annotations

from celery import shared_task

from loopin.venuecommerce.services.transitions import orders_expire_unpaid


@shared_task(name="venuecommerce.expire_unpaid", ignore_result=True)  # type: ignore[untyped-decorator]
def expire_unpaid() -> int:
    """Card orders left unpaid for UNPAID_EXPIRY are cancelled and give their stock back (every minute)."""
    return orders_expire_unpaid()
