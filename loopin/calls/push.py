"""Pushes that ring a phone whose app is not connected, and stop it ringing when the call is over.

High priority with a short time to live: a ring that arrives after the call stopped ringing is useless.
The data is what a VoIP-style handler needs to show the system's incoming-call screen at once (CallKit,
ConnectionService): the call id, who calls, voice or video, until when it rings.
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from loopin.calls.models import Call, CallMedia, CallState
from loopin.chat.presence import is_online
from loopin.notifications.push import PushMessage
from loopin.notifications.services import push_ephemeral


def ring_push(*, call_id: uuid.UUID) -> int:
    """Ring the callee's devices if none of their apps is connected; returns how many devices took it."""
    call = Call.objects.select_related("caller").filter(id=call_id, state=CallState.RINGING).first()
    if call is None or call.callee_id is None or is_online(call.callee_id):
        return 0
    ttl = int((call.ring_deadline - timezone.now()).total_seconds())
    if ttl <= 0:
        return 0
    name = call.caller.name if call.caller is not None and call.caller.name else "Someone"
    kind = "video" if call.media == CallMedia.VIDEO else "voice"
    return push_ephemeral(
        user_ids=[call.callee_id],
        message=PushMessage(
            title=name,
            body=f"Incoming {kind} call",
            data={
                "type": "call.incoming",
                "call_id": str(call.id),
                "caller_id": str(call.caller_id),
                "caller_name": name,
                "media": call.media,
                "ring_deadline": call.ring_deadline.isoformat(),
            },
            idempotency_key=f"call:{call.id}:ring",
            collapse_key=f"call:{call.id}",
            high_priority=True,
            ttl_seconds=ttl,
        ),
    )


def ring_stopped_push(*, call_id: uuid.UUID) -> int:
    """The call stopped ringing (missed, cancelled, answered): replace the ring on offline devices."""
    call = Call.objects.filter(id=call_id).exclude(state=CallState.RINGING).first()
    if call is None or call.callee_id is None or is_online(call.callee_id):
        return 0
    return push_ephemeral(
        user_ids=[call.callee_id],
        message=PushMessage(
            title="Missed call" if call.state == CallState.MISSED else "Call ended",
            body="",
            data={"type": "call.ended", "call_id": str(call.id), "state": call.state},
            idempotency_key=f"call:{call.id}:stop",
            collapse_key=f"call:{call.id}",
            high_priority=True,
            ttl_seconds=3600,
        ),
    )
