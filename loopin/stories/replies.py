"""Reply to a story: a message in the 1:1 conversation with its author that references the story.

Only to a live story I may see, never my own; chat's rules hold (a block refuses, someone who isn't a friend
gets a message request, like any first message)."""

from __future__ import annotations

import uuid

from loopin.accounts.models import User
from loopin.chat.models import MessageRef
from loopin.chat.services.conversations import direct_open
from loopin.chat.services.messages import Sent, message_send
from loopin.core.errors import BusinessRuleError, ValidationFailed
from loopin.stories.error_codes import StoryErrorCode
from loopin.stories.services import live_story


def story_reply(*, viewer: User, story_id: uuid.UUID, text: str, client_message_id: str = "") -> Sent:
    """Answer a story in our 1:1 (a retry with the same client id is one message)."""
    text = text.strip()
    if not text:
        raise ValidationFailed.one("text", "EMPTY_REPLY", "Write something.")
    story = live_story(viewer, story_id)  # 404 STORY_NOT_FOUND: expired, deleted or not for me
    if story.author_id == viewer.id:
        raise BusinessRuleError("You cannot reply to your own story.", code=StoryErrorCode.OWN_STORY)
    conversation = direct_open(user=viewer, other_id=story.author_id)  # 403 BLOCKED
    return message_send(
        user=viewer,
        conversation_id=uuid.UUID(str(conversation["id"])),
        client_message_id=client_message_id or uuid.uuid4().hex,
        body=text,
        ref=(MessageRef.STORY, str(story.id)),
    )
