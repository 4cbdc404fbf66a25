"""Chat's Socket.IO handlers: each parses its payload, names the caller, makes one service call, acks."""

from __future__ import annotations

from typing import Any

from loopin.chat import graph, schemas, selectors
from loopin.chat.error_codes import ChatErrorCode
from loopin.chat.presence import last_seen, online_among
from loopin.chat.realtime import conversation_room, typing
from loopin.chat.services import messages
from loopin.core.errors import NotFound
from loopin.core.settings import get_settings
from loopin.realtime.server import Ctx, call, handler, ok, sio
from loopin.realtime.sync import SocketCaller


@handler("send", schemas.SendIn, rate="send")
async def send(ctx: Ctx, p: schemas.SendIn) -> dict[str, Any]:
    sent = await call(
        messages.message_send,
        _limit=ctx.limit("send", get_settings().REALTIME_SEND_RATE_USER),
        user=SocketCaller(ctx.user_id),
        conversation_id=p.conversation_id,
        client_message_id=p.client_message_id,
        body=p.body,
        reply_to_id=p.reply_to,
        media_id=p.media_id,
    )
    return ok({"message": sent.message, "duplicate": not sent.created}, "Sent" if sent.created else "Already sent")


@handler("sync", schemas.SyncIn)
async def sync(ctx: Ctx, p: schemas.SyncIn) -> dict[str, Any]:
    positions = {
        str(x.conversation_id): {"after_seq": x.after_seq, "after_change": x.after_change} for x in p.conversations
    }
    return ok(await call(selectors.chat_sync, user=SocketCaller(ctx.user_id), positions=positions))


@handler("history", schemas.HistoryIn)
async def history(ctx: Ctx, p: schemas.HistoryIn) -> dict[str, Any]:
    page = await call(
        selectors.messages_page,
        user=SocketCaller(ctx.user_id),
        conversation_id=p.conversation_id,
        after_seq=p.after_seq,
        before_seq=p.before_seq,
        limit=p.limit,
    )
    return ok(page)


@handler("read", schemas.MarkIn)
async def read(ctx: Ctx, p: schemas.MarkIn) -> dict[str, Any]:
    marked = await call(
        messages.conversation_mark,
        user=SocketCaller(ctx.user_id),
        conversation_id=p.conversation_id,
        read_seq=p.seq,
        delivered_seq=p.seq,
    )
    return ok(marked, "Marked read")


@handler("delivered", schemas.MarkIn)
async def delivered(ctx: Ctx, p: schemas.MarkIn) -> dict[str, Any]:
    marked = await call(
        messages.conversation_mark,
        user=SocketCaller(ctx.user_id),
        conversation_id=p.conversation_id,
        read_seq=None,
        delivered_seq=p.seq,
    )
    return ok(marked, "Marked delivered")


@handler("typing", schemas.TypingIn, rate="typing")
async def typing_indicator(ctx: Ctx, p: schemas.TypingIn) -> dict[str, Any]:
    """Ephemeral: never stored; only to the conversation's other sockets, and dropped under back-pressure."""
    if conversation_room(p.conversation_id) not in sio.rooms(ctx.sid):
        raise NotFound("No such conversation.", code=ChatErrorCode.CONVERSATION_NOT_FOUND)
    typing(conversation_id=p.conversation_id, user_id=ctx.user_id, is_typing=p.typing, skip_sid=ctx.sid)
    return ok(None)


@handler("edit", schemas.EditIn)
async def edit(ctx: Ctx, p: schemas.EditIn) -> dict[str, Any]:
    message = await call(messages.message_edit, user=SocketCaller(ctx.user_id), message_id=p.message_id, body=p.body)
    return ok(message, "Edited")


@handler("delete", schemas.MessageRefIn)
async def delete(ctx: Ctx, p: schemas.MessageRefIn) -> dict[str, Any]:
    message = await call(messages.message_delete, user=SocketCaller(ctx.user_id), message_id=p.message_id)
    return ok(message, "Deleted")


@handler("react", schemas.ReactIn)
async def react(ctx: Ctx, p: schemas.ReactIn) -> dict[str, Any]:
    message = await call(
        messages.reaction_set, user=SocketCaller(ctx.user_id), message_id=p.message_id, emoji=p.emoji, on=p.on
    )
    return ok(message)


def _presence(*, viewer_id: Any, user_ids: list[Any]) -> list[dict[str, Any]]:
    visible = [u for u in user_ids if graph.may_see_presence(viewer_id=viewer_id, user_id=u)]
    online = online_among(visible)
    seen = last_seen(visible)
    return [{"user_id": str(u), "online": str(u) in online, "last_seen": seen.get(str(u))} for u in visible]


@handler("presence", schemas.PresenceIn)
async def presence(ctx: Ctx, p: schemas.PresenceIn) -> dict[str, Any]:
    """Online / last seen of the given people; only friends whose privacy setting shows it are answered."""
    return ok(await call(_presence, viewer_id=ctx.user_id, user_ids=p.user_ids))
