"""Thin tasks: call a service; each is idempotent."""

from __future__ import annotations

from celery import shared_task

from loopin.parking.services.reservations import parking_holds_expire


@shared_task(name="parking.expire_holds", ignore_result=True)
def expire_holds() -> int:
    """Unpaid parking holds past their time give their space back."""
    return parking_holds_expire()
