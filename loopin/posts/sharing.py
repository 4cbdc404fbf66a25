"""Share a post to a friend in chat: a message in our 1:1 conversation that references the post.

Only a post the sender may see, only to a friend (a block ends the friendship; chat refuses across a block
anyway), and only when the friend may see the post too (a friends-only post of someone they don't know stays
hidden: sharing never widens a post's audience)."""

from __future__ import annotations

import uuid

from loopin.accounts.models import User
from loopin.chat.models import MessageRef
from loopin.chat.services.conversations import direct_open
from loopin.chat.services.messages import Sent, message_send
from loopin.core.errors import PermissionDenied
from loopin.people import selectors as people
from loopin.posts import audience
from loopin.posts.error_codes import PostErrorCode
from loopin.posts.services import visible_post


def post_share(
    *, user: User, post_id: uuid.UUID, to_user_id: uuid.UUID, text: str = "", client_message_id: str = ""
) -> Sent:
    """Send a post I can see to a friend who can see it too, in our 1:1 (a retry with the same id is one message)."""
    post = visible_post(user, post_id)  # 404 POST_NOT_FOUND
    if to_user_id == user.id or not people.are_friends(user, to_user_id):
        raise PermissionDenied("You can share posts with your friends.", code=PostErrorCode.SHARE_FRIENDS_ONLY)
    if not audience.circle_of(User.objects.get(id=to_user_id)).can_see(post):
        raise PermissionDenied(
            "Your friend can't see this post (its audience doesn't include them).",
            code=PostErrorCode.NOT_VISIBLE_TO_RECIPIENT,
        )
    conversation = direct_open(user=user, other_id=to_user_id)  # 403 BLOCKED across a block
    return message_send(
        user=user,
        conversation_id=uuid.UUID(str(conversation["id"])),
        client_message_id=client_message_id or uuid.uuid4().hex,
        body=text,
        ref=(MessageRef.POST, str(post.id)),
    )
