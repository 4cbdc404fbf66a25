"""Thin tasks of calls: take ids, reload, call a service; each is idempotent."""

from __future__ import annotations

import uuid

from celery import shared_task

from loopin.calls import push, services


@shared_task(name="calls.push_ring", ignore_result=True)
def push_ring(call_id: str) -> int:
    """Ring an offline callee's phone (high priority)."""
    return push.ring_push(call_id=uuid.UUID(call_id))


@shared_task(name="calls.push_ring_stopped", ignore_result=True)
def push_ring_stopped(call_id: str) -> int:
    """Stop the ring on an offline callee's phone."""
    return push.ring_stopped_push(call_id=uuid.UUID(call_id))


@shared_task(name="calls.ring_timeout", ignore_result=True)
def ring_timeout(call_id: str) -> bool:
    """At a call's ring deadline: missed if nobody answered."""
    return services.call_ring_timeout(call_id=uuid.UUID(call_id))


@shared_task(name="calls.expire_ringing", ignore_result=True)
def expire_ringing() -> int:
    """Every ringing call past its deadline becomes missed (beat: every 15 seconds; the countdowns' backstop)."""
    return services.calls_expire_due()
