"""Calls' Socket.IO handlers: each parses its payload, names the caller, makes one service call, acks.

Client → server: initiate_call, accept_call, reject_call, end_call, webrtc_offer, webrtc_answer,
webrtc_candidate. Server → client: incoming_call, call_accepted, call_rejected, call_stopped, call_ended,
and the three webrtc_* events relayed from the other device of the call. docs/CALLS.md.
"""

from __future__ import annotations

from typing import Any

from loopin.calls import realtime, schemas, selectors, services
from loopin.calls.models import Call
from loopin.realtime.server import Ctx, call, handler, ok
from loopin.realtime.sync import SocketCaller


def _out(fn: Any, **kwargs: Any) -> dict[str, Any]:
    """Run a service on the worker thread and shape its call there (the payload reads the parties' names)."""
    result: Call = fn(**kwargs)
    return realtime.call_payload(result)


@handler("initiate_call", schemas.InitiateIn)
async def initiate_call(ctx: Ctx, p: schemas.InitiateIn) -> dict[str, Any]:
    placed = await call(
        _out,
        fn=services.call_initiate,
        caller=SocketCaller(ctx.user_id),
        callee_id=p.callee_id,
        media=p.media,
        session_id=ctx.session_id,
    )
    return ok(placed, "Ringing")


@handler("accept_call", schemas.CallRefIn)
async def accept_call(ctx: Ctx, p: schemas.CallRefIn) -> dict[str, Any]:
    accepted = await call(
        _out,
        fn=services.call_accept,
        user=SocketCaller(ctx.user_id),
        call_id=p.call_id,
        session_id=ctx.session_id,
        origin_sid=ctx.sid,
    )
    return ok(accepted, "Accepted")


@handler("reject_call", schemas.CallRefIn)
async def reject_call(ctx: Ctx, p: schemas.CallRefIn) -> dict[str, Any]:
    rejected = await call(
        _out, fn=services.call_reject, user=SocketCaller(ctx.user_id), call_id=p.call_id, origin_sid=ctx.sid
    )
    return ok(rejected, "Rejected")


@handler("end_call", schemas.EndIn)
async def end_call(ctx: Ctx, p: schemas.EndIn) -> dict[str, Any]:
    ended = await call(
        _out,
        fn=services.call_end,
        user=SocketCaller(ctx.user_id),
        call_id=p.call_id,
        failed=p.reason == "failed",
        origin_sid=ctx.sid,
    )
    return ok(ended, "Ended")


async def _relay(ctx: Ctx, send: Any, call_id: Any, payload: dict[str, Any]) -> dict[str, Any]:
    """Pass a signal on to the other device of the call, untouched, with who sent it."""
    target = await call(selectors.relay_target, user_id=ctx.user_id, session_id=ctx.session_id, call_id=call_id)
    send(session_id=target, payload={"call_id": str(call_id), "from": str(ctx.user_id), **payload})
    return ok(None, "Relayed")


@handler("webrtc_offer", schemas.SdpIn)
async def webrtc_offer(ctx: Ctx, p: schemas.SdpIn) -> dict[str, Any]:
    return await _relay(ctx, realtime.offer, p.call_id, {"sdp": p.sdp})


@handler("webrtc_answer", schemas.SdpIn)
async def webrtc_answer(ctx: Ctx, p: schemas.SdpIn) -> dict[str, Any]:
    return await _relay(ctx, realtime.answer, p.call_id, {"sdp": p.sdp})


@handler("webrtc_candidate", schemas.CandidateIn)
async def webrtc_candidate(ctx: Ctx, p: schemas.CandidateIn) -> dict[str, Any]:
    return await _relay(ctx, realtime.candidate, p.call_id, p.model_dump(exclude={"call_id"}))
