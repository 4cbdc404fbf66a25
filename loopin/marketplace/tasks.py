"""Thin tasks: call a service; each is idempotent."""

from __future__ import annotations

from celery import shared_task

from loopin.marketplace.services.orders import marketplace_holds_expire


@shared_task(name="marketplace.expire_holds", ignore_result=True)
def expire_holds() -> int:
    """Buyers' holds past their time give the listing back."""
    return marketplace_holds_expire()
