"""Client managers that also carry control messages (join/leave/kick a room's sockets) and shed typing.

A control message is an emit of `CONTROL_EVENT` to a room; every process applies it to its own sockets in
that room instead of sending it to clients. Ephemeral events (typing) skip a socket whose outgoing queue is
backed up: under back-pressure they are the first thing dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio.async_manager import AsyncManager

from loopin.realtime.delivery import CONTROL_EVENT, NAMESPACE

EPHEMERAL_EVENTS = frozenset({"typing"})
BACKLOG_DROP = 32  # queued packets at which a socket stops getting ephemeral events


class _ControlMixin:
    server: Any

    async def _control(self, room: str, data: dict[str, Any]) -> None:
        sids = [sid for sid, _ in self.get_participants(NAMESPACE, room)]
        action = data.get("action")
        for sid in sids:
            if action == "join":
                await self.server.enter_room(sid, data["target"], namespace=NAMESPACE)
            elif action == "leave":
                await self.server.leave_room(sid, data["target"], namespace=NAMESPACE)
            elif action == "kick":
                payload = {"success": False, "error": data.get("error"), "error_code": data.get("error_code")}
                await AsyncManager.emit(self, "session_ended", payload, namespace=NAMESPACE, room=sid)  # type: ignore[arg-type]
                await self.server.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)

    def _backed_up(self, eio_sid: str) -> bool:
        socket = self.server.eio.sockets.get(eio_sid)
        return socket is not None and socket.queue.qsize() >= BACKLOG_DROP

    async def _emit_ephemeral(self, event: str, data: Any, room: str | None, skip_sid: Any) -> None:
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        pkt = self.server.packet_class(socketio.packet.EVENT, namespace=NAMESPACE, data=[event, data])
        encoded = eio_packet.Packet(eio_packet.MESSAGE, pkt.encode())
        for sid, eio_sid in list(self.get_participants(NAMESPACE, room)):
            if sid in skip or self._backed_up(eio_sid):
                continue
            await self.server._send_eio_packet(eio_sid, encoded)


class LocalManager(_ControlMixin, AsyncManager):
    """One process, no Redis (embedded mode)."""

    async def emit(
        self, event: str, data: Any, namespace: str | None = None, room: str | None = None, **kw: Any
    ) -> Any:
        room = kw.pop("to", None) or room
        if event == CONTROL_EVENT and room is not None:
            return await self._control(room, data)
        if event in EPHEMERAL_EVENTS and not kw.get("callback"):
            return await self._emit_ephemeral(event, data, room, kw.get("skip_sid"))
        return await super().emit(event, data, namespace=namespace, room=room, **kw)


class RedisManager(_ControlMixin, socketio.AsyncRedisManager):
    """Every worker process and box shares rooms through Redis pub/sub."""

    closed = False

    def _redis_connect(self) -> None:
        # Once closed, never reconnect: an emit from a disconnect handler running during shutdown would
        # otherwise open a connection that outlives the loop.
        if self.closed:
            raise RuntimeError("the realtime manager is closed")
        super()._redis_connect()

    async def _publish(self, data: Any) -> Any:
        if self.closed:
            return None
        return await super()._publish(data)

    async def _handle_emit(self, message: dict[str, Any]) -> None:
        event = message.get("event")
        if event == CONTROL_EVENT and message.get("room"):
            data = message["data"]
            return await self._control(message["room"], data[0] if isinstance(data, list) else data)
        if event in EPHEMERAL_EVENTS and not message.get("callback"):
            data = message["data"]
            return await self._emit_ephemeral(
                event, data[0] if isinstance(data, list) else data, message.get("room"), message.get("skip_sid")
            )
        return await super()._handle_emit(message)

    async def close(self) -> None:
        """Stop listening and close the Redis connections (a server shutting down its loop)."""
        self.closed = True
        task = getattr(self, "thread", None)
        if task is not None and hasattr(task, "cancel"):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for conn in (self.pubsub, self.redis):
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.aclose()
        self.connected = False
