"""Reading the social graph: the small API other domains (chat, posts, feeds, events) call.

Every function takes a `User` or a user id (UUID) and costs one query (privacy accessors: at most two).
Blocks count both ways: whoever blocked, the two are hidden from each other.

    are_friends(a, b)            -> bool
    is_blocked_between(a, b)     -> bool   (either direction)
    friend_ids(user)             -> set of ids
    following_ids(user)          -> set of ids (active follows only)
    follower_ids(user)           -> set of ids (active follows only)
    muted_ids(user)              -> set of ids the user muted
    blocked_ids(user)            -> set of ids blocked by or blocking the user
    hidden_ids(user)             -> blocked_ids | muted_ids: whose content a feed leaves out
    privacy_of(user)             -> PrivacySettings (the defaults when never saved; not stored then)
    can_view_details(viewer, subject), can_see_friends(...), can_see_events(...), can_see_presence(...),
    can_message(viewer, subject) -> bool
    relationship(viewer, subject) -> Relationship (friend, requested, follows, blocked, ...)

The `*_subquery` forms return a queryset of ids to use inside another query without loading them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.db.models import Q, QuerySet, UUIDField

from loopin.core.compiled import CompiledQuery
from loopin.people.models import (
    Audience,
    Block,
    Follow,
    FollowStatus,
    FriendRequest,
    FriendRequestStatus,
    Friendship,
    Mute,
    PrivacySettings,
    ProfileVisibility,
)

if TYPE_CHECKING:
    from loopin.accounts.models import User

UserRef: TypeAlias = "User | uuid.UUID"  # a User or its id
_QS = TypeVar("_QS", bound=QuerySet[Any, Any])


def uid(user: UserRef) -> uuid.UUID:
    """The id of a User or of an id."""
    if user is None:
        raise ValueError("A user is needed.")
    return user if isinstance(user, uuid.UUID) else user.pk


# ---------------------------------------------------------------- edges


def are_friends(a: UserRef, b: UserRef) -> bool:
    return Friendship.objects.filter(user_id=uid(a), friend_id=uid(b)).exists()


def is_blocked_between(a: UserRef, b: UserRef) -> bool:
    """True when either of the two blocked the other (`is_blocked_with_any` with one person: one rule)."""
    return is_blocked_with_any(a, [b])


def friend_ids_subquery(user: UserRef) -> QuerySet[Friendship, Mapping[str, object]]:
    return Friendship.objects.filter(user_id=uid(user)).values("friend_id")


def friend_ids(user: UserRef) -> set[uuid.UUID]:
    return set(Friendship.objects.filter(user_id=uid(user)).values_list("friend_id", flat=True))


def following_ids_subquery(user: UserRef) -> QuerySet[Follow, Mapping[str, object]]:
    return Follow.objects.filter(follower_id=uid(user), status=FollowStatus.ACTIVE).values("followee_id")


def following_ids(user: UserRef) -> set[uuid.UUID]:
    return set(following_ids_subquery(user).values_list("followee_id", flat=True))


def follower_ids(user: UserRef) -> set[uuid.UUID]:
    return set(
        Follow.objects.filter(followee_id=uid(user), status=FollowStatus.ACTIVE).values_list("follower_id", flat=True)
    )


def muted_ids(user: UserRef) -> set[uuid.UUID]:
    return set(Mute.objects.filter(muter_id=uid(user)).values_list("muted_id", flat=True))


def blocked_ids(user: UserRef) -> set[uuid.UUID]:
    """Everyone the user blocked or was blocked by (one query)."""
    me = uid(user)
    rows = Block.objects.filter(Q(blocker_id=me) | Q(blocked_id=me)).values_list("blocker_id", "blocked_id")
    return {other for pair in rows for other in pair if other != me}


def exclude_blocked(queryset: _QS, user: UserRef, *, field: str = "id") -> _QS:
    """`queryset` without the rows whose `field` (a user id) is blocked either way with `user`
    (`exclude_blocked_with_any` with one person: one rule)."""
    return exclude_blocked_with_any(queryset, [user], field=field)


def _blocks_with_any(me: uuid.UUID, ids: list[uuid.UUID]) -> QuerySet[Block]:
    return Block.objects.filter(Q(blocker_id=me, blocked_id__in=ids) | Q(blocked_id=me, blocker_id__in=ids))


# Asked on every hold and join (issue 22): compiled once per number of others, not built by the ORM on each call.
BLOCKED_WITH_ANY = CompiledQuery(
    lambda me, ids: _blocks_with_any(me, ids).order_by().values("pk")[:1],
    slots={"me": UUIDField(), "ids": UUIDField()},
)


def is_blocked_with_any(a: UserRef, others: Iterable[UserRef]) -> bool:
    """True when `a` and any of `others` blocked each other, either way (one query; False for nobody)."""
    me, ids = uid(a), list(dict.fromkeys(uid(o) for o in others))  # each once, as the ORM's IN list has them
    if not ids:
        return False
    return bool(BLOCKED_WITH_ANY.rows(me=me, ids=ids))


def exclude_blocked_with_any(queryset: _QS, users: Iterable[UserRef], *, field: str = "id") -> _QS:
    """`queryset` without the rows whose `field` (a user id) is blocked either way with any of `users`."""
    ids = [uid(u) for u in users]
    if not ids:
        return queryset
    mine = Block.objects.filter(blocker_id__in=ids).values("blocked_id")
    theirs = Block.objects.filter(blocked_id__in=ids).values("blocker_id")
    return queryset.exclude(**{f"{field}__in": mine}).exclude(**{f"{field}__in": theirs})


def hidden_ids(user: UserRef) -> set[uuid.UUID]:
    """Whose content this person's feeds leave out: blocked either way, or muted."""
    return blocked_ids(user) | muted_ids(user)


# ---------------------------------------------------------------- privacy


def privacy_of(user: UserRef) -> PrivacySettings:
    """The person's settings; an unsaved object with the defaults when they never changed any."""
    found = PrivacySettings.objects.filter(user_id=uid(user)).first()
    return found if found is not None else PrivacySettings(user_id=uid(user))


def privacy_for(user_ids: list[uuid.UUID]) -> dict[uuid.UUID, PrivacySettings]:
    """Settings of many people in one query (defaults for those without a row)."""
    found = {p.user_id: p for p in PrivacySettings.objects.filter(user_id__in=user_ids)}
    return {i: found.get(i) or PrivacySettings(user_id=i) for i in user_ids}


def _audience_allows(audience: str, viewer: UserRef | None, subject: UserRef) -> bool:
    if viewer is not None and uid(viewer) == uid(subject):
        return True
    if audience == Audience.EVERYONE:
        return True
    if audience == Audience.FRIENDS:
        return viewer is not None and are_friends(viewer, subject)
    return False


def _visible_at_all(viewer: UserRef | None, subject: UserRef) -> bool:
    return viewer is None or uid(viewer) == uid(subject) or not is_blocked_between(viewer, subject)


def can_view_details(viewer: UserRef | None, subject: UserRef) -> bool:
    """Bio, interests, links, city and posts: everyone on a public profile; on a private one friends and
    approved followers."""
    if not _visible_at_all(viewer, subject):
        return False
    if viewer is not None and uid(viewer) == uid(subject):
        return True
    if privacy_of(subject).profile_visibility == ProfileVisibility.PUBLIC:
        return True
    if viewer is None:
        return False
    return are_friends(viewer, subject) or uid(subject) in following_ids(viewer)


def can_see_friends(viewer: UserRef | None, subject: UserRef) -> bool:
    """Whether the viewer may see the subject's friends list (`friends_list_visible_to`)."""
    return _visible_at_all(viewer, subject) and _audience_allows(
        privacy_of(subject).friends_list_visible_to, viewer, subject
    )


def can_see_events(viewer: UserRef | None, subject: UserRef) -> bool:
    """Whether the viewer may see the events the subject is going to (`events_visible_to`)."""
    return _visible_at_all(viewer, subject) and _audience_allows(privacy_of(subject).events_visible_to, viewer, subject)


def can_see_presence(viewer: UserRef | None, subject: UserRef) -> bool:
    """Whether the viewer may see when the subject is online (`presence_visible_to`); never when blocked."""
    if viewer is None:
        return False
    return _visible_at_all(viewer, subject) and _audience_allows(
        privacy_of(subject).presence_visible_to, viewer, subject
    )


def can_message(sender: UserRef, recipient: UserRef) -> bool:
    """Whether one person may write to another: never across a block."""
    return uid(sender) != uid(recipient) and not is_blocked_between(sender, recipient)


# ---------------------------------------------------------------- relationship


@dataclass(frozen=True)
class Relationship:
    """How the viewer stands with the subject, as a profile shows it."""

    is_self: bool = False
    friend: bool = False
    request_sent: bool = False  # the viewer asked the subject to be friends
    request_received: bool = False  # the subject asked the viewer
    following: bool = False  # the viewer follows the subject (active)
    follow_requested: bool = False  # the viewer's follow waits for the subject's approval
    followed_by: bool = False  # the subject follows the viewer
    blocked: bool = False  # the viewer blocked the subject
    muted: bool = False  # the viewer muted the subject

    def as_dict(self) -> dict[str, bool]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def relationships(viewer: User | None, subject_ids: list[uuid.UUID]) -> dict[uuid.UUID, Relationship]:
    """The viewer's relationship with each subject, in five queries whatever the number of subjects."""
    if viewer is None:
        return {i: Relationship() for i in subject_ids}
    me = viewer.pk
    friends = set(Friendship.objects.filter(user_id=me, friend_id__in=subject_ids).values_list("friend_id", flat=True))
    requests = FriendRequest.objects.filter(
        Q(from_user_id=me, to_user_id__in=subject_ids) | Q(to_user_id=me, from_user_id__in=subject_ids),
        status=FriendRequestStatus.PENDING,
    ).values_list("from_user_id", "to_user_id")
    sent = {to for frm, to in requests if frm == me}
    received = {frm for frm, to in requests if to == me}
    follows = Follow.objects.filter(
        Q(follower_id=me, followee_id__in=subject_ids) | Q(followee_id=me, follower_id__in=subject_ids)
    ).values_list("follower_id", "followee_id", "status")
    following = {b for a, b, s in follows if a == me and s == FollowStatus.ACTIVE}
    follow_requested = {b for a, b, s in follows if a == me and s == FollowStatus.PENDING}
    followed_by = {a for a, b, s in follows if b == me and s == FollowStatus.ACTIVE}
    blocked = set(Block.objects.filter(blocker_id=me, blocked_id__in=subject_ids).values_list("blocked_id", flat=True))
    muted = set(Mute.objects.filter(muter_id=me, muted_id__in=subject_ids).values_list("muted_id", flat=True))
    return {
        i: Relationship(
            is_self=i == me,
            friend=i in friends,
            request_sent=i in sent,
            request_received=i in received,
            following=i in following,
            follow_requested=i in follow_requested,
            followed_by=i in followed_by,
            blocked=i in blocked,
            muted=i in muted,
        )
        for i in subject_ids
    }


def relationship(viewer: User | None, subject: UserRef) -> Relationship:
    return relationships(viewer, [uid(subject)])[uid(subject)]
