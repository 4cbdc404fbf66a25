"""Chat payloads: what clients send (socket events and REST bodies) and what they get back."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CLIENT_ID = Field(
    min_length=1,
    max_length=64,
    description="The sender's own id for this message (a UUID is fine); a retried send with it is a no-op",
)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


MEDIA_ID = Field(None, description="An image or video uploaded with POST /api/v2/media (the body is then a caption)")


class SendIn(_In):
    conversation_id: uuid.UUID
    client_message_id: str = CLIENT_ID
    body: str = Field("", max_length=4000)
    reply_to: uuid.UUID | None = None
    media_id: uuid.UUID | None = MEDIA_ID


class MessageBodyIn(_In):
    client_message_id: str = CLIENT_ID
    body: str = Field("", max_length=4000)
    reply_to: uuid.UUID | None = None
    media_id: uuid.UUID | None = MEDIA_ID


class SyncPosition(_In):
    conversation_id: uuid.UUID
    after_seq: int = Field(0, ge=0, description="The last sequence number the client holds, in order")
    after_change: int = Field(0, ge=0, description="The last change_seq the client holds (edits, deletes, reactions)")


class SyncIn(_In):
    conversations: list[SyncPosition] = Field(default_factory=list, max_length=1000)


class HistoryIn(_In):
    conversation_id: uuid.UUID
    after_seq: int | None = Field(None, ge=0)
    before_seq: int | None = Field(None, ge=1)
    limit: int = Field(50, ge=1, le=200)


class MarkIn(_In):
    conversation_id: uuid.UUID
    seq: int = Field(ge=0)


class ReadIn(_In):
    seq: int = Field(ge=0, description="The highest sequence number the person has seen")


class TypingIn(_In):
    conversation_id: uuid.UUID
    typing: bool = True


class EditIn(_In):
    message_id: uuid.UUID
    body: str = Field(min_length=1, max_length=4000)


class EditBodyIn(_In):
    body: str = Field(min_length=1, max_length=4000)


class MessageRefIn(_In):
    message_id: uuid.UUID


class ReactIn(_In):
    message_id: uuid.UUID
    emoji: str = Field(min_length=1, max_length=16)
    on: bool = True


class ReactionBodyIn(_In):
    emoji: str = Field(min_length=1, max_length=16)
    on: bool = True


class ReportIn(_In):
    reason: str = Field(min_length=1, max_length=500)


class PresenceIn(_In):
    user_ids: list[uuid.UUID] = Field(max_length=200)


class DirectIn(_In):
    user_id: uuid.UUID = Field(description="The person to talk to")


class DecisionIn(_In):
    accept: bool


class MuteIn(_In):
    muted: bool = Field(description="True: no pushes for this conversation")


class SilenceIn(_In):
    silenced: bool = Field(description="True: the member may read but not send")


class CloseIn(_In):
    closed: bool = True


class PersonOut(BaseModel):
    id: str | None
    name: str


class AttachmentOut(BaseModel):
    url: str
    name: str
    content_type: str
    size: int


class ReplyOut(BaseModel):
    id: str
    seq: int


class RefOut(BaseModel):
    type: Literal["post", "story"]
    id: str


class MessageOut(BaseModel):
    id: str
    conversation_id: str
    seq: int = Field(description="1, 2, 3... within the conversation, gap-free")
    change_seq: int = Field(description="The conversation's change counter at this message's last change")
    client_message_id: str | None
    sender: PersonOut | None = Field(description='null for system lines; {"id": null, "name": "Deleted user"}')
    kind: Literal["text", "image", "file", "system"]
    body: str
    attachment: AttachmentOut | None = Field(description="A file or image sent with the attachments endpoint")
    media: dict[str, Any] | None = Field(description="An upload from /api/v2/media: sizes, blurhash, video")
    reply_to: ReplyOut | None
    ref: RefOut | None = Field(description="The post shared or the story replied to (fetch it by id; it may be gone)")
    reactions: dict[str, list[str]] = Field(description="emoji -> user ids")
    created_at: str
    edited_at: str | None
    deleted: bool


class SentOut(BaseModel):
    message: MessageOut
    duplicate: bool = Field(description="True when this client_message_id was already stored (a retry)")


class ConversationOut(BaseModel):
    id: str
    kind: Literal["direct", "event"]
    title: str
    event_id: str | None
    other_user: PersonOut | None
    request_state: Literal["accepted", "pending", "declined"]
    requested_by: str | None
    role: Literal["member", "host", "staff"]
    state: Literal["active", "left", "removed"]
    last_seq: int
    change_seq: int
    last_read_seq: int
    unread: int
    push_muted: bool
    silenced: bool
    closed: bool
    last_message: MessageOut | None
    last_message_at: str | None


class MessagesPageOut(BaseModel):
    conversation_id: str
    last_seq: int
    change_seq: int
    messages: list[MessageOut]
    has_more: bool


class MarkOut(BaseModel):
    conversation_id: str
    last_read_seq: int
    last_delivered_seq: int
    unread: int


class UnreadOut(BaseModel):
    unread: int
    conversations: int


class SilenceOut(BaseModel):
    conversation_id: str
    user_id: str
    silenced: bool


class ReportOut(BaseModel):
    id: uuid.UUID
    status: str
