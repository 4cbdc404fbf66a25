"""Sending and changing messages. The sequence number is taken under the conversation's row lock in the
transaction that stores the message, so numbers are gap-free and never reused; a retried send with the same
`client_message_id` returns the stored message instead of storing a second one."""

from __future__ import annotations

import mimetypes
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from loopin.audit.services import audit_record
from loopin.chat import realtime
from loopin.chat.error_codes import ChatErrorCode
from loopin.chat.models import (
    Conversation,
    ConversationKind,
    Member,
    MemberState,
    Message,
    MessageKind,
    MessageReport,
    Reaction,
    ReportStatus,
    RequestState,
)
from loopin.chat.selectors import conversation_detail, member_of, message_out, message_payload, messages_qs
from loopin.chat.tasks import chat_push_offline
from loopin.core.error_codes import CoreErrorCode
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied, ValidationFailed
from loopin.core.images import image_clean
from loopin.core.settings import get_settings
from loopin.media.models import MediaKind
from loopin.media.services import media_claim

if TYPE_CHECKING:
    from loopin.accounts.models import User

MAX_FILE_BYTES = 10 * 1024 * 1024
FILE_TYPES = {"application/pdf", "text/plain"}


@dataclass
class Upload:
    name: str
    content: bytes
    content_type: str = ""


@dataclass
class Sent:
    message: dict[str, Any]
    created: bool


def _check_attachment(kind: str, upload: Upload | None) -> tuple[str, str]:
    """Validate an attachment like profile pictures (images decoded, not trusted by name); (extension, type)."""
    if upload is None:
        return "", ""
    if kind == MessageKind.IMAGE:
        clean = image_clean(upload.content, field="file")  # decoded, re-encoded, metadata gone
        upload.content = clean.content
        return clean.extension, {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}[clean.extension]
    if len(upload.content) > MAX_FILE_BYTES:
        raise ValidationFailed.one("file", "FILE_TOO_LARGE", "Files may be at most 10 MB.")
    content_type = upload.content_type or mimetypes.guess_type(upload.name)[0] or ""
    if content_type not in FILE_TYPES:
        raise ValidationFailed.one("file", "UNSUPPORTED_FILE_TYPE", "Files must be PDF or plain text.")
    if content_type == "application/pdf" and not upload.content.startswith(b"%PDF-"):
        raise ValidationFailed.one("file", "INVALID_FILE", "The file is not a PDF.")
    return ("pdf" if content_type == "application/pdf" else "txt"), content_type


def ensure_can_send(member: Member, conv: Conversation) -> None:
    if conv.is_closed:
        raise BusinessRuleError(
            "This conversation is closed; it can still be read.", code=ChatErrorCode.CONVERSATION_CLOSED
        )
    if member.silenced:
        raise PermissionDenied("The host muted you in this chat.", code=ChatErrorCode.MEMBER_SILENCED)
    if conv.kind == ConversationKind.DIRECT:
        if conv.request_state == RequestState.DECLINED:
            raise BusinessRuleError("This message request was declined.", code=ChatErrorCode.REQUEST_DECLINED)
        if conv.request_state == RequestState.PENDING and conv.requested_by_id != member.user_id:
            raise BusinessRuleError("Accept the message request to reply.", code=ChatErrorCode.REQUEST_PENDING)


def message_send(
    *,
    user: User,
    conversation_id: uuid.UUID,
    client_message_id: str,
    body: str = "",
    kind: str = MessageKind.TEXT,
    reply_to_id: uuid.UUID | None = None,
    upload: Upload | None = None,
    media_id: uuid.UUID | None = None,
    ref: tuple[str, str] | None = None,
) -> Sent:
    """Store one message with the next sequence number and send it to the members' sockets after commit.

    `ref` (type, id) is what the message is about: a post shared or a story replied to; the posts and stories
    packages check that the sender may share it before they send."""
    existing = messages_qs().filter(
        conversation_id=conversation_id, sender_id=user.id, client_message_id=client_message_id
    )
    found = existing.first()
    if found is not None:
        return Sent(message=message_out(found), created=False)
    body = body.strip()
    if media_id is not None:
        kind = MessageKind.IMAGE
    if kind == MessageKind.TEXT and not body and ref is None:
        raise ValidationFailed.one("body", "EMPTY_MESSAGE", "Write something first.")
    if kind in (MessageKind.IMAGE, MessageKind.FILE) and upload is None and media_id is None:
        raise ValidationFailed.one("file", "FILE_REQUIRED", "Attach the image or file.")
    ext, content_type = _check_attachment(kind, upload)
    try:
        with transaction.atomic():
            member = member_of(user_id=user.id, conversation_id=conversation_id)  # 404 for strangers
            conv = Conversation.objects.select_for_update().get(id=conversation_id)
            ensure_can_send(member, conv)
            reply_to = None
            if reply_to_id is not None:
                reply_to = Message.objects.filter(id=reply_to_id, conversation_id=conv.id).first()
                if reply_to is None:
                    raise ValidationFailed.one("reply_to", "MESSAGE_NOT_FOUND", "You can only reply in this chat.")
            now = timezone.now()
            conv.last_seq += 1
            conv.change_seq += 1
            conv.last_message_at = now
            Conversation.objects.filter(id=conv.id).update(
                last_seq=conv.last_seq, change_seq=conv.change_seq, last_message_at=now
            )
            message = Message(
                conversation=conv,
                seq=conv.last_seq,
                change_seq=conv.change_seq,
                sender=user,
                client_message_id=client_message_id,
                kind=kind,
                body=body,
                reply_to=reply_to,
                ref_type=ref[0] if ref else "",
                ref_id=ref[1] if ref else "",
            )
            if media_id is not None:
                # An upload from POST /api/v2/media (the caller's own, processed): referenced, not copied.
                (message.media,) = media_claim(
                    owner=user, media_ids=[media_id], kinds={MediaKind.IMAGE, MediaKind.VIDEO}, field="media_id"
                )
            if upload is not None:
                message.attachment.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(upload.content), save=False)
                message.attachment_name = upload.name[:200]
                message.attachment_type = content_type
                message.attachment_size = len(upload.content)
            message.save()
            # Sending means you have seen the chat up to here.
            Member.objects.filter(id=member.id).update(last_read_seq=conv.last_seq, last_delivered_seq=conv.last_seq)
            returning = []
            if conv.kind == ConversationKind.DIRECT:
                # Someone who hid the 1:1 gets it back with the next message.
                returning = list(
                    Member.objects.filter(conversation=conv, state=MemberState.LEFT).values_list("user_id", flat=True)
                )
                Member.objects.filter(conversation=conv, user_id__in=returning).update(
                    state=MemberState.ACTIVE, left_at=None
                )
    except IntegrityError:
        found = existing.first()  # the same client id won a race with us: that one is the message
        if found is None:
            raise
        return Sent(message=message_out(found), created=False)
    # New: no reactions yet, so no query (Django's own prefetch cache, which the stubs do not declare).
    message._prefetched_objects_cache = {"reactions": Reaction.objects.none()}  # type: ignore[attr-defined]
    payload = message_out(message)
    for user_id in returning:
        announce_member(conv.id, user_id)
    transaction.on_commit(lambda: _after_send(payload), robust=True)
    return Sent(message=payload, created=True)


def announce_member(conversation_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """After commit: the person's sockets join the conversation's room and receive its summary."""

    def send() -> None:
        user = get_user_model().objects.filter(id=user_id).first()
        if user is not None:
            detail = conversation_detail(user=user, conversation_id=conversation_id)
            realtime.member_joined(conversation=detail, user_id=user_id)

    transaction.on_commit(send, robust=True)


def _after_send(payload: dict[str, Any]) -> None:
    realtime.message_new(payload)
    chat_push_offline.delay(payload["id"])


def _own_message(user: User, message_id: uuid.UUID, *, lock_conversation: bool = True) -> tuple[Message, Member]:
    message = Message.objects.select_related("conversation").filter(id=message_id).first()
    if message is None:
        raise NotFound("No such message.", code=ChatErrorCode.MESSAGE_NOT_FOUND)
    member = member_of(user_id=user.id, conversation_id=message.conversation_id)
    if lock_conversation:
        Conversation.objects.select_for_update().filter(id=message.conversation_id).first()
    return message, member


def _bump(message: Message) -> int:
    """Give a changed message the conversation's next change number (under the conversation's lock)."""
    conv = Conversation.objects.select_for_update().get(id=message.conversation_id)
    change = conv.change_seq + 1
    Conversation.objects.filter(id=conv.id).update(change_seq=change)
    return change


def _changed(message_id: uuid.UUID) -> dict[str, Any]:
    payload = message_payload(message_id=message_id)
    transaction.on_commit(lambda: realtime.message_changed(payload), robust=True)
    return payload


def _within_window(message: Message) -> bool:
    return timezone.now() - message.created_at <= timedelta(minutes=get_settings().CHAT_EDIT_MINUTES)


def message_edit(*, user: User, message_id: uuid.UUID, body: str) -> dict[str, Any]:
    """The sender rewrites a text message within CHAT_EDIT_MINUTES of sending it."""
    body = body.strip()
    if not body:
        raise ValidationFailed.one("body", "EMPTY_MESSAGE", "Write something first.")
    with transaction.atomic():
        message, _member = _own_message(user, message_id)
        if message.sender_id != user.id:
            raise PermissionDenied("Only the sender can edit a message.", code=ChatErrorCode.NOT_SENDER)
        if message.deleted_at is not None or message.kind != MessageKind.TEXT:
            raise BusinessRuleError("This message cannot be edited.", code=ChatErrorCode.NOT_EDITABLE)
        if not _within_window(message):
            raise BusinessRuleError(
                "Messages can be edited for 15 minutes after sending.", code=ChatErrorCode.EDIT_WINDOW_PASSED
            )
        Message.objects.filter(id=message.id).update(body=body, edited_at=timezone.now(), change_seq=_bump(message))
        return _changed(message.id)


def message_delete(*, user: User, message_id: uuid.UUID) -> dict[str, Any]:
    """The sender within the window, or the host or staff of an event chat at any time; a tombstone stays."""
    with transaction.atomic():
        message, member = _own_message(user, message_id)
        if message.deleted_at is not None:
            return message_payload(message_id=message.id)
        moderator = member.can_moderate and message.conversation.kind == ConversationKind.EVENT
        if message.sender_id == user.id:
            if not _within_window(message) and not moderator:
                raise BusinessRuleError(
                    "Messages can be deleted for 15 minutes after sending.", code=ChatErrorCode.DELETE_WINDOW_PASSED
                )
        elif not moderator:
            raise PermissionDenied("Only the sender or the host can delete a message.", code=ChatErrorCode.NOT_SENDER)
        message_tombstone(message=message, by=user)
        Message.objects.filter(id=message.id).update(change_seq=_bump(message))
        return _changed(message.id)


def message_tombstone(*, message: Message, by: User) -> None:
    """Erase a message's content and attachment; its place (seq) stays so nobody sees a gap."""
    name = message.attachment.name if message.attachment else ""
    Message.objects.filter(id=message.id).update(
        body="", attachment="", attachment_name="", attachment_size=0, deleted_at=timezone.now(), deleted_by=by
    )
    Reaction.objects.filter(message_id=message.id).delete()
    if name:
        transaction.on_commit(lambda: _delete_file(name), robust=True)


def _delete_file(name: str) -> None:
    default_storage.delete(name)


def reaction_set(*, user: User, message_id: uuid.UUID, emoji: str, on: bool) -> dict[str, Any]:
    """Add (or take back) one reaction of the caller to a message."""
    emoji = emoji.strip()
    if not emoji or len(emoji) > 16:
        raise ValidationFailed.one("emoji", "INVALID_EMOJI", "Send one emoji.")
    with transaction.atomic():
        message, _member = _own_message(user, message_id)
        if message.deleted_at is not None:
            raise BusinessRuleError("This message was deleted.", code=ChatErrorCode.MESSAGE_DELETED)
        if on:
            _, changed = Reaction.objects.get_or_create(message=message, user=user, emoji=emoji)
        else:
            changed = bool(Reaction.objects.filter(message=message, user=user, emoji=emoji).delete()[0])
        if not changed:
            return message_payload(message_id=message.id)
        Message.objects.filter(id=message.id).update(change_seq=_bump(message))
        return _changed(message.id)


def message_report(*, user: User, message_id: uuid.UUID, reason: str) -> MessageReport:
    """A member reports a message to the moderation queue (once per person and message)."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed.one("reason", "REASON_REQUIRED", "Say what is wrong with this message.")
    message = Message.objects.filter(id=message_id).first()
    if message is None:
        raise NotFound("No such message.", code=ChatErrorCode.MESSAGE_NOT_FOUND)
    member_of(user_id=user.id, conversation_id=message.conversation_id)
    if message.sender_id == user.id:
        raise BusinessRuleError("You cannot report your own message.", code=ChatErrorCode.OWN_MESSAGE)
    try:
        with transaction.atomic():
            return MessageReport.objects.create(message=message, reporter=user, reason=reason[:500])
    except IntegrityError:
        raise Conflict("You already reported this message.", code=ChatErrorCode.ALREADY_REPORTED) from None


def conversation_mark(
    *, user: User, conversation_id: uuid.UUID, read_seq: int | None, delivered_seq: int | None
) -> dict[str, Any]:
    """Receipts: how far the caller has received (`delivered_seq`) and read (`read_seq`); never moves back."""
    member = member_of(user_id=user.id, conversation_id=conversation_id)
    last = member.conversation.last_seq
    read = min(max(read_seq or 0, member.last_read_seq), last)
    delivered = min(max(delivered_seq or 0, read, member.last_delivered_seq), last)
    if read != member.last_read_seq or delivered != member.last_delivered_seq:
        Member.objects.filter(id=member.id).update(last_read_seq=read, last_delivered_seq=delivered)
        transaction.on_commit(
            lambda: realtime.receipt(
                conversation_id=conversation_id, user_id=user.id, last_read_seq=read, last_delivered_seq=delivered
            ),
            robust=True,
        )
    return {
        "conversation_id": str(conversation_id),
        "last_read_seq": read,
        "last_delivered_seq": delivered,
        "unread": max(last - read, 0),
    }


def system_message(*, conversation_id: uuid.UUID, body: str) -> dict[str, Any]:
    """A line from Loopin in the chat (someone joined, the host closed it); numbered like any message."""
    with transaction.atomic():
        conv = Conversation.objects.select_for_update().get(id=conversation_id)
        now = timezone.now()
        seq, change = conv.last_seq + 1, conv.change_seq + 1
        Conversation.objects.filter(id=conv.id).update(last_seq=seq, change_seq=change, last_message_at=now)
        message = Message.objects.create(
            conversation=conv, seq=seq, change_seq=change, kind=MessageKind.SYSTEM, body=body[:4000]
        )
        payload = message_out(message)
        transaction.on_commit(lambda: realtime.message_new(payload), robust=True)
    return payload


def report_resolve(*, staff: User, report_id: uuid.UUID, remove: bool) -> MessageReport:
    """A moderator (perm chat.moderate_chat) dismisses a report or removes the message (a tombstone stays)."""
    if not staff.has_perm("chat.moderate_chat"):
        raise PermissionDenied("You may not moderate chat.", code=CoreErrorCode.FORBIDDEN)
    with transaction.atomic():
        report = MessageReport.objects.select_for_update().select_related("message").get(id=report_id)
        message = report.message
        if remove and message.deleted_at is None:
            message_tombstone(message=message, by=staff)
            Message.objects.filter(id=message.id).update(change_seq=_bump(message))
            _changed(message.id)
        MessageReport.objects.filter(message=message, status=ReportStatus.OPEN).update(
            status=ReportStatus.ACTIONED if remove else ReportStatus.DISMISSED,
            resolved_at=timezone.now(),
            resolved_by=staff,
        )
        audit_record(
            action="chat.report_actioned" if remove else "chat.report_dismissed",
            actor=staff,
            obj=report,
            data={"message_id": str(message.id)},
        )
    report.refresh_from_db()
    return report
