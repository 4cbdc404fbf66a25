"""A fake LiveKit at its HTTP boundary: an aiohttp server in a thread answering the Twirp endpoints
/twirp/livekit.RoomService/<Method> with protobuf, as livekit-server does. It checks each request's
Authorization JWT (signed with the API secret, with the roomAdmin grant for that room) and records the
decoded request messages, so tests assert exactly what our server asked LiveKit to do."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import jwt
from aiohttp import web
from livekit.protocol import models as lkm
from livekit.protocol import room as lkr

from loopin.testing.processes import free_port

KEY = "test-livekit-key"
SECRET = "test-livekit-secret-0123456789abcdef0123456789"

REQUESTS = {
    "UpdateParticipant": (lkr.UpdateParticipantRequest, lambda req: lkm.ParticipantInfo(identity=req.identity)),
    "RemoveParticipant": (lkr.RoomParticipantIdentity, lambda req: lkr.RemoveParticipantResponse()),
    "GetParticipant": (lkr.RoomParticipantIdentity, None),
    "MutePublishedTrack": (lkr.MuteRoomTrackRequest, lambda req: lkr.MuteRoomTrackResponse()),
    "DeleteRoom": (lkr.DeleteRoomRequest, lambda req: lkr.DeleteRoomResponse()),
}


class FakeLiveKit:
    """`calls`: (method, decoded request) in order. `connected`: identities LiveKit has in the room (others
    answer Twirp's not_found, as LiveKit does for someone not connected)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.calls: list[tuple[str, Any]] = []
        self.connected: set[str] = set()
        self.unauthorized = 0
        self.fail_with: int | None = None
        self._started = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, name=f"fake-livekit-{self.port}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def methods(self) -> list[str]:
        return [m for m, _ in self.calls]

    def _authorized(self, request: web.Request, method: str, media_room: str) -> bool:
        """As LiveKit checks: our key, our secret, and the grant the method needs (DeleteRoom: roomCreate;
        the participant methods: roomAdmin for that room)."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        try:
            claims = jwt.decode(header[7:], SECRET, algorithms=["HS256"])
        except jwt.PyJWTError:
            return False
        video = claims.get("video", {})
        if claims.get("iss") != KEY:
            return False
        if method == "DeleteRoom":
            return video.get("roomCreate") is True
        return video.get("roomAdmin") is True and video.get("room") == media_room

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method not in REQUESTS:
            return web.json_response({"code": "bad_route", "msg": "no such method"}, status=404)
        kind, answer = REQUESTS[method]
        req = kind.FromString(await request.read())
        if request.headers.get("Content-Type") != "application/protobuf" or not self._authorized(
            request, method, req.room
        ):
            self.unauthorized += 1
            return web.json_response({"code": "unauthenticated", "msg": "invalid token"}, status=401)
        self.calls.append((method, req))
        if self.fail_with:
            return web.json_response({"code": "unavailable", "msg": "down"}, status=self.fail_with)
        identity = getattr(req, "identity", "")
        if identity and identity not in self.connected:
            return web.json_response({"code": "not_found", "msg": "participant not found"}, status=404)
        if method == "GetParticipant":
            info = lkm.ParticipantInfo(
                identity=identity,
                tracks=[lkm.TrackInfo(sid=f"TR_{identity[:8]}", type=lkm.TrackType.AUDIO, muted=False)],
            )
            return web.Response(body=info.SerializeToString(), content_type="application/protobuf")
        assert answer is not None
        return web.Response(body=answer(req).SerializeToString(), content_type="application/protobuf")

    def _run(self) -> None:
        async def main() -> None:
            app = web.Application()
            app.router.add_post("/twirp/livekit.RoomService/{method}", self._handle)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", self.port)
            await site.start()
            self._stop = asyncio.Event()
            self._loop = asyncio.get_running_loop()
            self._started.set()
            await self._stop.wait()
            await runner.cleanup()

        asyncio.run(main())

    def __enter__(self) -> FakeLiveKit:
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("the fake LiveKit did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)
