"""Follows: anyone with a public profile may be followed at once; a private profile approves each follower.

A friend of a private profile follows without asking (they already see it).
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict, NotFound
from loopin.core.signals import send_after_commit
from loopin.people import signals
from loopin.people.error_codes import PeopleErrorCode
from loopin.people.models import Follow, FollowStatus, ProfileVisibility
from loopin.people.selectors import are_friends, privacy_of
from loopin.people.services.common import lock_pair


def follow_create(*, user: User, followee_id: uuid.UUID) -> Follow:
    """Follow someone: active on a public profile (or a friend's), a request on a private one."""
    with transaction.atomic():
        other = lock_pair(user, followee_id)
        existing = Follow.objects.filter(follower=user, followee=other).first()
        if existing is not None:
            if existing.status == FollowStatus.PENDING:
                raise Conflict("You already asked to follow this person.", code=PeopleErrorCode.FOLLOW_REQUESTED)
            raise Conflict("You already follow this person.", code=PeopleErrorCode.ALREADY_FOLLOWING)
        private = privacy_of(other).profile_visibility == ProfileVisibility.PRIVATE
        needs_approval = private and not are_friends(user, other)
        now = timezone.now()
        follow = Follow.objects.create(
            follower=user,
            followee=other,
            status=FollowStatus.PENDING if needs_approval else FollowStatus.ACTIVE,
            approved_at=None if needs_approval else now,
        )
        audit_record(action=f"follow.{'requested' if needs_approval else 'created'}", actor=user, obj=follow)
        send_after_commit(signals.follow_requested if needs_approval else signals.user_followed, follow_id=follow.id)
    return follow


def follow_remove(*, user: User, followee_id: uuid.UUID) -> None:
    """Unfollow (or withdraw a follow request)."""
    with transaction.atomic():
        deleted, _ = Follow.objects.filter(follower=user, followee_id=followee_id).delete()
        if not deleted:
            raise NotFound("You do not follow this person.", code=PeopleErrorCode.NOT_FOLLOWING)


def follower_remove(*, user: User, follower_id: uuid.UUID) -> None:
    """Remove someone from the caller's followers (they are not told)."""
    with transaction.atomic():
        deleted, _ = Follow.objects.filter(follower_id=follower_id, followee=user, status=FollowStatus.ACTIVE).delete()
        if not deleted:
            raise NotFound("This person does not follow you.", code=PeopleErrorCode.NOT_A_FOLLOWER)


def _pending_follow(user: User, follower_id: uuid.UUID) -> Follow:
    lock_pair(user, follower_id, allow_blocked=True)
    follow = Follow.objects.filter(follower_id=follower_id, followee=user, status=FollowStatus.PENDING).first()
    if follow is None:
        raise NotFound("No follow request from this person.", code=PeopleErrorCode.FOLLOW_REQUEST_NOT_FOUND)
    return follow


def follow_request_approve(*, user: User, follower_id: uuid.UUID) -> Follow:
    """Let someone who asked follow the caller's private profile."""
    with transaction.atomic():
        follow = _pending_follow(user, follower_id)
        follow.status = FollowStatus.ACTIVE
        follow.approved_at = timezone.now()
        follow.save(update_fields=["status", "approved_at"])
        audit_record(action="follow.approved", actor=user, obj=follow)
        send_after_commit(signals.follow_approved, follow_id=follow.id)
    return follow


def follow_request_decline(*, user: User, follower_id: uuid.UUID) -> None:
    """Refuse a follow request; the person may ask again later."""
    with transaction.atomic():
        follow = _pending_follow(user, follower_id)
        follow.delete()
        audit_record(action="follow.declined", actor=user, subject=User(pk=follower_id))


def follow_requests_approve_all(*, user: User) -> int:
    """A profile turned public: every waiting follower follows now (called by the privacy service)."""
    now = timezone.now()
    pending = list(Follow.objects.filter(followee=user, status=FollowStatus.PENDING).values_list("id", flat=True))
    Follow.objects.filter(id__in=pending).update(status=FollowStatus.ACTIVE, approved_at=now)
    for follow_id in pending:
        send_after_commit(signals.follow_approved, follow_id=follow_id)
    return len(pending)
