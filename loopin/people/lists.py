"""Lists of people as the app shows them (person cards), each page in a fixed number of queries.

A card: id, name, handle, picture, mutual_friends (count with the viewer, one annotation for the whole
page), is_friend. Every list leaves out people blocked either way with the viewer and people who are gone.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from loopin.accounts.models import ProfilePicture, User
from loopin.core.errors import PermissionDenied
from loopin.people.error_codes import PeopleErrorCode
from loopin.people.errors import PersonNotFound
from loopin.people.models import Block, Follow, FollowStatus, FriendRequest, FriendRequestStatus, Friendship, Mute
from loopin.people.selectors import (
    can_see_friends,
    can_view_details,
    exclude_blocked,
    friend_ids_subquery,
    is_blocked_between,
)


def reachable() -> QuerySet[User]:
    """People others can see: active, not deleted, not suspended."""
    return User.objects.alive().filter(is_active=True, is_suspended=False)


def mutual_count(viewer_id: uuid.UUID, ref: str = "pk") -> Any:
    """Annotation: how many friends the row's user shares with the viewer (a correlated count)."""
    shared = (
        Friendship.objects.filter(user_id=OuterRef(ref), friend_id__in=friend_ids_subquery(viewer_id))
        .order_by()
        .values("user_id")
        .annotate(n=Count("friend_id"))
        .values("n")
    )
    return Coalesce(Subquery(shared, output_field=IntegerField()), Value(0))


def card_queryset(viewer: User | None) -> QuerySet[User]:
    """Users with what a card needs: handle (joined), pictures (one prefetch), mutual friends and friendship."""
    qs = (
        reachable()
        .select_related("person")
        .prefetch_related(Prefetch("pictures", queryset=ProfilePicture.objects.order_by("position", "created_at")))
    )
    if viewer is None:
        return qs.annotate(mutual_friends=Value(0), is_friend=Value(False))
    qs = exclude_blocked(qs, viewer)
    return qs.annotate(
        mutual_friends=mutual_count(viewer.pk),
        is_friend=Exists(Friendship.objects.filter(user_id=viewer.pk, friend_id=OuterRef("pk"))),
    )


def _handle(user: User) -> str | None:
    person = getattr(user, "person", None)
    return person.handle if person is not None else None


def card(user: User) -> dict[str, Any]:
    pictures = list(user.pictures.all())
    return {
        "id": user.id,
        "name": user.name or None,
        "handle": _handle(user),
        "picture": pictures[0].public_url if pictures else None,
        "mutual_friends": getattr(user, "mutual_friends", 0),
        "is_friend": bool(getattr(user, "is_friend", False)),
    }


def _page_of_users(viewer: User | None, ids_qs: QuerySet, *, order: str, offset: int, limit: int) -> tuple[list, int]:
    """A page of cards of the users whose ids `ids_qs` yields, ordered by `order` on the users."""
    qs = card_queryset(viewer).filter(pk__in=ids_qs)
    total = qs.count()
    rows = list(qs.order_by(order, "pk")[offset : offset + limit])
    return [card(u) for u in rows], total


def _visible_subject(viewer: User | None, subject_id: uuid.UUID) -> User:
    subject = reachable().filter(pk=subject_id).first()
    if subject is None or (viewer is not None and viewer.pk != subject.pk and is_blocked_between(viewer, subject)):
        raise PersonNotFound()
    return subject


# ---------------------------------------------------------------- the caller's own lists


def my_friends(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The caller's friends, by name."""
    return _page_of_users(user, friend_ids_subquery(user), order="name", offset=offset, limit=limit)


def _request_out(req: FriendRequest, person: dict[str, Any], direction: str) -> dict[str, Any]:
    return {"id": req.id, "direction": direction, "status": req.status, "created_at": req.created_at, "person": person}


def my_friend_requests(*, user: User, direction: str, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Pending requests to the caller (`incoming`) or from the caller (`outgoing`), newest first."""
    incoming = direction == "incoming"
    mine = {"to_user": user} if incoming else {"from_user": user}
    other = "from_user" if incoming else "to_user"
    qs = FriendRequest.objects.filter(status=FriendRequestStatus.PENDING, **mine).filter(
        **{f"{other}__is_active": True, f"{other}__deleted_at__isnull": True, f"{other}__is_suspended": False}
    )
    total = qs.count()
    page = list(qs.order_by("-created_at", "-id")[offset : offset + limit])
    people = {u.pk: card(u) for u in card_queryset(user).filter(pk__in=[getattr(r, f"{other}_id") for r in page])}
    rows = [
        _request_out(r, people[getattr(r, f"{other}_id")], direction)
        for r in page
        if getattr(r, f"{other}_id") in people
    ]
    return rows, total


def my_following(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """People the caller follows (active), by name."""
    ids = Follow.objects.filter(follower=user, status=FollowStatus.ACTIVE).values("followee_id")
    return _page_of_users(user, ids, order="name", offset=offset, limit=limit)


def my_followers(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """The caller's followers (active), by name."""
    ids = Follow.objects.filter(followee=user, status=FollowStatus.ACTIVE).values("follower_id")
    return _page_of_users(user, ids, order="name", offset=offset, limit=limit)


def my_follow_requests(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """People waiting for the caller to approve their follow (private profiles), by name."""
    ids = Follow.objects.filter(followee=user, status=FollowStatus.PENDING).values("follower_id")
    return _page_of_users(user, ids, order="name", offset=offset, limit=limit)


def my_blocks(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """People the caller blocked (to unblock them), by name."""
    ids = Block.objects.filter(blocker=user).values("blocked_id")
    qs = (
        User.objects.filter(pk__in=ids)
        .select_related("person")
        .prefetch_related(Prefetch("pictures", queryset=ProfilePicture.objects.order_by("position", "created_at")))
    )
    total = qs.count()
    return [card(u) for u in qs.order_by("name", "pk")[offset : offset + limit]], total


def my_mutes(*, user: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """People the caller muted, by name."""
    ids = Mute.objects.filter(muter=user).values("muted_id")
    return _page_of_users(user, ids, order="name", offset=offset, limit=limit)


# ---------------------------------------------------------------- someone else's lists


def friends_of(*, viewer: User | None, user_id: uuid.UUID, offset: int, limit: int) -> tuple[list, int]:
    """Someone's friends, when their privacy lets the viewer see them (403 FRIENDS_HIDDEN otherwise)."""
    subject = _visible_subject(viewer, user_id)
    if not can_see_friends(viewer, subject):
        raise PermissionDenied("This person's friends list is private.", code=PeopleErrorCode.FRIENDS_HIDDEN)
    return _page_of_users(viewer, friend_ids_subquery(subject), order="name", offset=offset, limit=limit)


def mutual_friends(*, viewer: User, user_id: uuid.UUID, offset: int, limit: int) -> tuple[list, int]:
    """Friends the caller and someone have in common."""
    subject = _visible_subject(viewer, user_id)
    ids = Friendship.objects.filter(user=subject, friend_id__in=friend_ids_subquery(viewer)).values("friend_id")
    return _page_of_users(viewer, ids, order="name", offset=offset, limit=limit)


def followers_of(*, viewer: User | None, user_id: uuid.UUID, offset: int, limit: int) -> tuple[list, int]:
    """Someone's followers, when the viewer may see their profile's details."""
    subject = _visible_subject(viewer, user_id)
    if not can_view_details(viewer, subject):
        raise PermissionDenied("This profile is private.", code=PeopleErrorCode.PROFILE_PRIVATE)
    ids = Follow.objects.filter(followee=subject, status=FollowStatus.ACTIVE).values("follower_id")
    return _page_of_users(viewer, ids, order="name", offset=offset, limit=limit)


def following_of(*, viewer: User | None, user_id: uuid.UUID, offset: int, limit: int) -> tuple[list, int]:
    """Who someone follows, when the viewer may see their profile's details."""
    subject = _visible_subject(viewer, user_id)
    if not can_view_details(viewer, subject):
        raise PermissionDenied("This profile is private.", code=PeopleErrorCode.PROFILE_PRIVATE)
    ids = Follow.objects.filter(follower=subject, status=FollowStatus.ACTIVE).values("followee_id")
    return _page_of_users(viewer, ids, order="name", offset=offset, limit=limit)
