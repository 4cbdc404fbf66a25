"""Realtime delivery over Socket.IO: the server, its rooms across processes, and the one way to emit.

Domains emit with `loopin.realtime.delivery(room, event, payload)` (after commit); their socket handlers live in
`<domain>/realtime.py` and register on `loopin.realtime.server.sio` with the `handler` decorator.
See docs/REALTIME.md.
"""

from loopin.realtime.delivery import disconnect_room, emit, join_room, leave_room, user_room

__all__ = ["disconnect_room", "emit", "join_room", "leave_room", "user_room"]
