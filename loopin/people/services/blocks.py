"""Blocks and mutes.

A block removes the friendship and the follows both ways and cancels the pending friend requests
between the two, in the same transaction, with the pair locked: a request or an accept racing a block
either ran before it (and is undone by it) or runs after it (and finds the person gone). Other domains
react after commit through `signals.user_blocked` (events revoke invitations, chat closes, feeds hide).
Unblocking restores nothing.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, NotFound
from loopin.core.signals import send_after_commit
from loopin.people import signals
from loopin.people.error_codes import PeopleErrorCode
from loopin.people.errors import PersonNotFound
from loopin.people.models import Block, Follow, FriendRequest, FriendRequestStatus, Friendship, Mute
from loopin.people.services.common import lock_pair


def block_create(*, user: User, blocked_id: uuid.UUID) -> Block:
    """Block someone: friendship, follows and pending requests between the two end now. Blocking again is a no-op."""
    with transaction.atomic():
        other = lock_pair(user, blocked_id, allow_blocked=True)
        existing = Block.objects.filter(blocker=user, blocked=other).first()
        if existing is not None:
            return existing
        pair = Q(user=user, friend=other) | Q(user=other, friend=user)
        friends = Friendship.objects.filter(pair).delete()[0] > 0
        follows = Follow.objects.filter(Q(follower=user, followee=other) | Q(follower=other, followee=user)).delete()[0]
        cancelled = FriendRequest.objects.filter(
            Q(from_user=user, to_user=other) | Q(from_user=other, to_user=user), status=FriendRequestStatus.PENDING
        ).update(status=FriendRequestStatus.CANCELLED, decided_at=timezone.now())
        block = Block.objects.create(blocker=user, blocked=other)
        audit_record(
            action="user.blocked",
            actor=user,
            obj=block,
            subject=other,
            data={"were_friends": friends, "follows_removed": follows, "requests_cancelled": cancelled},
        )
        send_after_commit(signals.user_blocked, blocker_id=user.id, blocked_id=other.id)
    return block


def block_remove(*, user: User, blocked_id: uuid.UUID) -> None:
    """Unblock; nothing that the block ended comes back."""
    with transaction.atomic():
        deleted, _ = Block.objects.filter(blocker=user, blocked_id=blocked_id).delete()
        if not deleted:
            raise NotFound("You have not blocked this person.", code=PeopleErrorCode.NOT_BLOCKED)
        audit_record(action="user.unblocked", actor=user, subject=User(pk=blocked_id), data={})
        send_after_commit(signals.user_unblocked, blocker_id=user.id, blocked_id=blocked_id)


def mute_create(*, user: User, muted_id: uuid.UUID) -> Mute:
    """Hide someone's content from the caller; they are not told. Muting again is a no-op."""
    if muted_id == user.pk:
        raise BusinessRuleError("That is you.", code=PeopleErrorCode.SELF)
    if not User.objects.alive().filter(pk=muted_id, is_active=True).exists():
        raise PersonNotFound()
    try:
        with transaction.atomic():
            mute, _ = Mute.objects.get_or_create(muter=user, muted_id=muted_id)
    except IntegrityError:  # the same mute saved at the same moment by another request
        mute = Mute.objects.get(muter=user, muted_id=muted_id)
    return mute


def mute_remove(*, user: User, muted_id: uuid.UUID) -> None:
    deleted, _ = Mute.objects.filter(muter=user, muted_id=muted_id).delete()
    if not deleted:
        raise NotFound("You have not muted this person.", code=PeopleErrorCode.NOT_MUTED)
