"""Chat over HTTP, beside the socket: conversations, history by sequence, send (when the socket is down),
attachments, receipts, mute, leave, requests, moderation. Events are the same as the socket's."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import File, Form, Query, UploadFile

from loopin.chat import schemas, selectors
from loopin.chat.services import conversations, groups, messages
from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync

router = APIRouter(prefix="/api/v2/conversations", tags=["chat"])
ERRORS = (401, 403, 404, 422, 429)
MAX_ATTACHMENT = messages.MAX_FILE_BYTES


@router.get("", response_model=ListEnvelope[schemas.ConversationOut], responses=error_responses(401, 403, 422))
async def conversation_list(page: PageParams, caller: CurrentUser) -> dict[str, Any]:
    """The caller's conversations, latest activity first, with the last message and unread count of each."""
    return await run_page(selectors.conversations_list, page, "Conversations", user=caller)


@router.post("", response_model=Envelope[schemas.ConversationOut], responses=error_responses(*ERRORS))
async def direct_open(body: schemas.DirectIn, caller: CurrentUser) -> dict[str, Any]:
    """Open (or find) the caller's 1:1 with someone: friends talk at once, anyone else gets a message request."""
    conv = await run_sync(conversations.direct_open, user=caller, other_id=body.user_id)
    return ok(conv, "Conversation ready")


@router.get("/unread", response_model=Envelope[schemas.UnreadOut], responses=error_responses(401, 403))
async def unread_total(caller: CurrentUser) -> dict[str, Any]:
    """Unread messages over all the caller's conversations (for the app's badge)."""
    return ok(await run_sync(selectors.unread_total, user=caller))


@router.get("/{conversation_id}", response_model=Envelope[schemas.ConversationOut], responses=error_responses(*ERRORS))
async def conversation_detail(conversation_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """One conversation of the caller."""
    return ok(await run_sync(selectors.conversation_detail, user=caller, conversation_id=conversation_id))


@router.get(
    "/{conversation_id}/messages", response_model=Envelope[schemas.MessagesPageOut], responses=error_responses(*ERRORS)
)
async def message_history(
    conversation_id: uuid.UUID,
    caller: CurrentUser,
    after_seq: Annotated[int | None, Query(ge=0, description="Messages after this seq, oldest first (sync)")] = None,
    before_seq: Annotated[int | None, Query(ge=1, description="Messages before this seq (scrolling up)")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """History by sequence number: `after_seq` to catch up after being offline, `before_seq` to scroll back."""
    page = await run_sync(
        selectors.messages_page,
        user=caller,
        conversation_id=conversation_id,
        after_seq=after_seq,
        before_seq=before_seq,
        limit=limit,
    )
    return ok(page)


@router.post(
    "/{conversation_id}/messages",
    response_model=Envelope[schemas.SentOut],
    status_code=201,
    responses=error_responses(400, *ERRORS),
)
async def message_send(conversation_id: uuid.UUID, body: schemas.MessageBodyIn, caller: CurrentUser) -> dict[str, Any]:
    """Send a text message (the fallback when the socket is down); a retry with the same client id is a no-op."""
    sent = await run_sync(
        messages.message_send,
        user=caller,
        conversation_id=conversation_id,
        client_message_id=body.client_message_id,
        body=body.body,
        reply_to_id=body.reply_to,
        media_id=body.media_id,
    )
    return ok({"message": sent.message, "duplicate": not sent.created}, "Sent" if sent.created else "Already sent")


@router.post(
    "/{conversation_id}/attachments",
    response_model=Envelope[schemas.SentOut],
    status_code=201,
    responses=error_responses(400, 413, *ERRORS),
)
async def attachment_send(
    conversation_id: uuid.UUID,
    caller: CurrentUser,
    file: Annotated[UploadFile, File(description="An image (JPEG/PNG/WebP, <= 5 MB) or a PDF/text file (<= 10 MB)")],
    client_message_id: Annotated[str, Form(min_length=1, max_length=64)],
    kind: Annotated[str, Form(pattern="^(image|file)$")] = "image",
    caption: Annotated[str, Form(max_length=4000)] = "",
) -> dict[str, Any]:
    """Send an image or a file, with an optional caption."""
    upload = messages.Upload(
        name=file.filename or kind, content=await file.read(MAX_ATTACHMENT + 1), content_type=file.content_type or ""
    )
    sent = await run_sync(
        messages.message_send,
        user=caller,
        conversation_id=conversation_id,
        client_message_id=client_message_id,
        body=caption,
        kind=kind,
        upload=upload,
    )
    return ok({"message": sent.message, "duplicate": not sent.created}, "Sent" if sent.created else "Already sent")


@router.post("/{conversation_id}/read", response_model=Envelope[schemas.MarkOut], responses=error_responses(*ERRORS))
async def mark_read(conversation_id: uuid.UUID, body: schemas.ReadIn, caller: CurrentUser) -> dict[str, Any]:
    """The caller has read up to `seq` (receipts go to the other members)."""
    marked = await run_sync(
        messages.conversation_mark,
        user=caller,
        conversation_id=conversation_id,
        read_seq=body.seq,
        delivered_seq=body.seq,
    )
    return ok(marked, "Marked read")


@router.put(
    "/{conversation_id}/mute", response_model=Envelope[schemas.ConversationOut], responses=error_responses(*ERRORS)
)
async def mute(conversation_id: uuid.UUID, body: schemas.MuteIn, caller: CurrentUser) -> dict[str, Any]:
    """Turn this conversation's pushes off or on for the caller."""
    conv = await run_sync(
        conversations.conversation_mute, user=caller, conversation_id=conversation_id, muted=body.muted
    )
    return ok(conv, "Muted" if body.muted else "Unmuted")


@router.post("/{conversation_id}/leave", response_model=Envelope[None], responses=error_responses(400, *ERRORS))
async def leave(conversation_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Leave an event chat, or hide a 1:1 until its next message."""
    await run_sync(conversations.conversation_leave, user=caller, conversation_id=conversation_id)
    return ok(None, "Left the conversation")


@router.post(
    "/{conversation_id}/request",
    response_model=Envelope[schemas.ConversationOut],
    responses=error_responses(400, *ERRORS),
)
async def request_decide(conversation_id: uuid.UUID, body: schemas.DecisionIn, caller: CurrentUser) -> dict[str, Any]:
    """Accept or decline a message request from someone who is not a friend."""
    conv = await run_sync(
        conversations.request_decide, user=caller, conversation_id=conversation_id, accept=body.accept
    )
    return ok(conv, "Request accepted" if body.accept else "Request declined")


@router.put(
    "/{conversation_id}/members/{user_id}/silence",
    response_model=Envelope[schemas.SilenceOut],
    responses=error_responses(*ERRORS),
)
async def member_silence(
    conversation_id: uuid.UUID, user_id: uuid.UUID, body: schemas.SilenceIn, caller: CurrentUser
) -> dict[str, Any]:
    """Host or staff: mute a member of the event chat (they keep reading) or let them talk again."""
    result = await run_sync(
        groups.member_silence,
        moderator=caller,
        conversation_id=conversation_id,
        user_id=user_id,
        silenced=body.silenced,
    )
    return ok(result, "Member muted" if body.silenced else "Member unmuted")


@router.put(
    "/{conversation_id}/closed", response_model=Envelope[schemas.ConversationOut], responses=error_responses(*ERRORS)
)
async def close(conversation_id: uuid.UUID, body: schemas.CloseIn, caller: CurrentUser) -> dict[str, Any]:
    """Host or staff: close the event chat (it stays readable) or open it again."""
    conv = await run_sync(
        groups.conversation_close, moderator=caller, conversation_id=conversation_id, closed=body.closed
    )
    return ok(conv, "Chat closed" if body.closed else "Chat opened")


messages_router = APIRouter(prefix="/api/v2/messages", tags=["chat"])


@messages_router.patch(
    "/{message_id}", response_model=Envelope[schemas.MessageOut], responses=error_responses(400, *ERRORS)
)
async def message_edit(message_id: uuid.UUID, body: schemas.EditBodyIn, caller: CurrentUser) -> dict[str, Any]:
    """Edit your text message within 15 minutes of sending it."""
    return ok(await run_sync(messages.message_edit, user=caller, message_id=message_id, body=body.body), "Edited")


@messages_router.delete(
    "/{message_id}", response_model=Envelope[schemas.MessageOut], responses=error_responses(400, *ERRORS)
)
async def message_delete(message_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Delete a message (yours within 15 minutes; host and staff of an event chat any time): a tombstone stays."""
    return ok(await run_sync(messages.message_delete, user=caller, message_id=message_id), "Deleted")


@messages_router.put(
    "/{message_id}/reactions", response_model=Envelope[schemas.MessageOut], responses=error_responses(400, *ERRORS)
)
async def message_react(message_id: uuid.UUID, body: schemas.ReactionBodyIn, caller: CurrentUser) -> dict[str, Any]:
    """Add (`on: true`) or take back a reaction."""
    message = await run_sync(messages.reaction_set, user=caller, message_id=message_id, emoji=body.emoji, on=body.on)
    return ok(message)


@messages_router.post(
    "/{message_id}/reports",
    response_model=Envelope[schemas.ReportOut],
    status_code=201,
    responses=error_responses(400, 409, *ERRORS),
)
async def message_report(message_id: uuid.UUID, body: schemas.ReportIn, caller: CurrentUser) -> dict[str, Any]:
    """Report a message to Loopin's moderators."""

    report = await run_sync(messages.message_report, user=caller, message_id=message_id, reason=body.reason)
    return ok({"id": report.id, "status": report.status}, "Reported")


routers = [router, messages_router]
