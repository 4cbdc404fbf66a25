"""Calls' domain signals, sent after commit (receivers get ids). calls.receivers queues the pushes and the
ring countdown on them, so services never import tasks (tasks import services)."""

from django.dispatch import Signal

call_ringing = Signal()  # call_id, ring_deadline
call_stopped_ringing = Signal()  # call_id (answered elsewhere or not: missed, cancelled, declined, failed)
