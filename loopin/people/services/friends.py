"""Friend requests and friendships. Every write locks the pair first (see `common.lock_pair`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied
from loopin.core.signals import send_after_commit
from loopin.people import signals
from loopin.people.error_codes import PeopleErrorCode
from loopin.people.models import FriendRequest, FriendRequestStatus, Friendship, RequestsFrom
from loopin.people.selectors import are_friends, friend_ids_subquery, privacy_of
from loopin.people.services.common import lock_pair


@dataclass(frozen=True)
class FriendRequestResult:
    request: FriendRequest
    became_friends: bool  # True when the other person had already asked: both requests meet as a friendship


def _befriend(a: User, b: User) -> None:
    Friendship.objects.bulk_create([Friendship(user=a, friend=b), Friendship(user=b, friend=a)])


def _ensure_may_ask(sender: User, recipient: User) -> None:
    rule = privacy_of(recipient).friend_requests_from
    if rule == RequestsFrom.NOBODY:
        raise PermissionDenied(
            "This person does not take friend requests.", code=PeopleErrorCode.FRIEND_REQUESTS_CLOSED
        )
    if rule == RequestsFrom.FRIENDS_OF_FRIENDS:
        mutual = Friendship.objects.filter(user=sender, friend_id__in=friend_ids_subquery(recipient)).exists()
        if not mutual:
            raise PermissionDenied(
                "This person takes friend requests only from friends of friends.",
                code=PeopleErrorCode.FRIEND_REQUESTS_CLOSED,
            )


def _accept(req: FriendRequest, *, by: User) -> None:
    req.status = FriendRequestStatus.ACCEPTED
    req.decided_at = timezone.now()
    req.save(update_fields=["status", "decided_at"])
    _befriend(req.from_user, req.to_user)
    audit_record(action="friend_request.accepted", actor=by, obj=req, subject=req.from_user)
    send_after_commit(signals.friend_request_accepted, request_id=req.id)


def friend_request_send(*, user: User, to_user_id: uuid.UUID) -> FriendRequestResult:
    """Ask someone to be friends; if they already asked the caller, both become friends at once."""
    with transaction.atomic():
        other = lock_pair(user, to_user_id)
        if are_friends(user, other):
            raise Conflict("You are already friends.", code=PeopleErrorCode.ALREADY_FRIENDS)
        incoming = FriendRequest.objects.filter(
            from_user=other, to_user=user, status=FriendRequestStatus.PENDING
        ).first()
        if incoming is not None:
            incoming.from_user, incoming.to_user = other, user
            _accept(incoming, by=user)
            return FriendRequestResult(request=incoming, became_friends=True)
        if FriendRequest.objects.filter(from_user=user, to_user=other, status=FriendRequestStatus.PENDING).exists():
            raise Conflict("You already asked this person.", code=PeopleErrorCode.FRIEND_REQUEST_EXISTS)
        _ensure_may_ask(user, other)
        req = FriendRequest.objects.create(from_user=user, to_user=other)
        audit_record(action="friend_request.sent", actor=user, obj=req, subject=other)
        send_after_commit(signals.friend_request_sent, request_id=req.id)
    return FriendRequestResult(request=req, became_friends=False)


def _pending_for(user: User, request_id: uuid.UUID, *, incoming: bool) -> FriendRequest:
    """The pending request (to the caller when `incoming`, else from the caller), with the pair locked."""
    mine = {"to_user": user} if incoming else {"from_user": user}
    found = FriendRequest.objects.filter(id=request_id, **mine).first()
    if found is None:
        raise NotFound("Friend request not found.", code=PeopleErrorCode.FRIEND_REQUEST_NOT_FOUND)
    other_id = found.from_user_id if incoming else found.to_user_id
    other = lock_pair(user, other_id, allow_blocked=True)
    req = FriendRequest.objects.get(id=request_id)  # re-read under the lock: a block may have cancelled it
    if req.status != FriendRequestStatus.PENDING:
        raise BusinessRuleError(
            f"This request is already {req.status}.", code=PeopleErrorCode.FRIEND_REQUEST_NOT_PENDING
        )
    req.from_user, req.to_user = (other, user) if incoming else (user, other)
    return req


def friend_request_accept(*, user: User, request_id: uuid.UUID) -> FriendRequest:
    """Accept a request sent to the caller: both are friends."""
    with transaction.atomic():
        req = _pending_for(user, request_id, incoming=True)
        if are_friends(user, req.from_user):  # pragma: no cover - a pending request never outlives a friendship
            raise Conflict("You are already friends.", code=PeopleErrorCode.ALREADY_FRIENDS)
        _accept(req, by=user)
    return req


def friend_request_decline(*, user: User, request_id: uuid.UUID) -> FriendRequest:
    """Decline a request sent to the caller; the sender is not told."""
    with transaction.atomic():
        req = _pending_for(user, request_id, incoming=True)
        req.status = FriendRequestStatus.DECLINED
        req.decided_at = timezone.now()
        req.save(update_fields=["status", "decided_at"])
        audit_record(action="friend_request.declined", actor=user, obj=req, subject=req.from_user)
    return req


def friend_request_cancel(*, user: User, request_id: uuid.UUID) -> FriendRequest:
    """Withdraw a request the caller sent."""
    with transaction.atomic():
        req = _pending_for(user, request_id, incoming=False)
        req.status = FriendRequestStatus.CANCELLED
        req.decided_at = timezone.now()
        req.save(update_fields=["status", "decided_at"])
        audit_record(action="friend_request.cancelled", actor=user, obj=req, subject=req.to_user)
    return req


def friendship_end(*, user: User, friend_id: uuid.UUID) -> None:
    """Unfriend: both directions go; follows stay as they are."""
    with transaction.atomic():
        other = lock_pair(user, friend_id)
        deleted, _ = Friendship.objects.filter(user=user, friend=other).delete()
        if not deleted:
            raise NotFound("You are not friends.", code=PeopleErrorCode.NOT_FRIENDS)
        Friendship.objects.filter(user=other, friend=user).delete()
        audit_record(action="friendship.ended", actor=user, obj=other, subject=other)
        send_after_commit(signals.friendship_ended, user_id=user.id, friend_id=other.id)
