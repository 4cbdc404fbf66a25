"""What calls does when other domains change (connected in CallsConfig.ready)."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.calls import account_hooks, services, tasks
from loopin.calls.models import EndReason
from loopin.calls.signals import call_ringing, call_stopped_ringing
from loopin.core import hooks
from loopin.core.settings import get_settings
from loopin.people.signals import user_blocked
from loopin.realtime.services import register_connection_listener


def on_user_blocked(sender: Any, blocker_id: uuid.UUID, blocked_id: uuid.UUID, **kwargs: Any) -> None:
    """A block ends any call between the two at once."""
    services.calls_end_between(a_id=blocker_id, b_id=blocked_id, reason=EndReason.BLOCKED)


def on_call_ringing(sender: Any, call_id: uuid.UUID, ring_deadline: Any, **kwargs: Any) -> None:
    """Ring an offline callee's phone; at the deadline, the countdown makes the call missed if nobody answered.

    Embedded mode runs tasks eagerly, and an eager countdown would run now: there the services' lazy checks
    and the next socket event find the missed call instead.
    """
    tasks.push_ring.delay(str(call_id))
    if not get_settings().celery_eager:
        tasks.ring_timeout.apply_async(args=[str(call_id)], eta=ring_deadline)


def on_call_stopped_ringing(sender: Any, call_id: uuid.UUID, **kwargs: Any) -> None:
    tasks.push_ring_stopped.delay(str(call_id))


def connect() -> None:
    call_ringing.connect(on_call_ringing, dispatch_uid="calls.ringing")
    call_stopped_ringing.connect(on_call_stopped_ringing, dispatch_uid="calls.stopped_ringing")
    user_blocked.connect(on_user_blocked, dispatch_uid="calls.user_blocked")
    hooks.register_erasure_step("calls.history", account_hooks.erase_calls)
    hooks.register_export_section("calls", account_hooks.export_calls)
    # After chat's listener (INSTALLED_APPS order): chat's presence count is down by then.
    register_connection_listener("calls", on_close=account_hooks.socket_closed)
