"""Thin tasks: take ids, reload, call a service."""

from __future__ import annotations

from celery import shared_task

from loopin.audit.services import audit_purge_expired


@shared_task(name="audit.purge_expired", ignore_result=True)
def purge_expired() -> int:
    """Apply the audit retention period (beat runs this nightly)."""

    return audit_purge_expired()
