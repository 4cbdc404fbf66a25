"""Home timelines in Redis (fan-out on write, Mastodon's approach), rebuilt from the database when missing.

Each person's timeline is a sorted set `<prefix>:timeline:<user id>` of post ids scored by creation time
(ms), capped at TIMELINE_SIZE; a flag key says it was built. A new post is pushed into the timelines of its
author and audience (friends, followers, the tagged event's ticket holders) after commit. Reading always
re-checks every id against the database (deleted, blocked, muted, unfollowed, no longer friends, ticket
cancelled), so a stale entry is never shown. A block or an ended friendship drops both people's timelines;
a new follow, friendship or ticket drops the person's own (rebuilt on the next read). Without Redis
(embedded) the feed is read from the database directly. Redis trouble is never an error: the feed falls back
to the database.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.dispatch import receiver

from loopin.core.logging import get_logger
from loopin.events import signals as event_signals
from loopin.people import signals as people_signals
from loopin.people.models import Follow, FriendRequest
from loopin.tickets.models import Ticket

log = get_logger("loopin.posts.timelines")

TIMELINE_SIZE = 400
TIMELINE_TTL = 7 * 24 * 3600


def _client() -> Any | None:
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(write=True)


def _prefix() -> str:
    return caches["default"].key_prefix or "loopin"


def _key(user_id: uuid.UUID | str) -> str:
    return f"{_prefix()}:timeline:{user_id}"


def _flag(user_id: uuid.UUID | str) -> str:
    return f"{_prefix()}:timeline:{user_id}:built"


def score(post: Any) -> int:
    return int(post.created_at.timestamp() * 1000)


def timeline_push(post_id: uuid.UUID | str, recipient_ids: set[uuid.UUID], created_ms: int) -> None:
    """Add one post to the timelines of its audience that exist (missing ones are built on read)."""
    client = _client()
    if client is None or not recipient_ids:
        return
    try:
        ids = list(recipient_ids)
        built = client.mget([_flag(i) for i in ids])
        pipe = client.pipeline(transaction=False)
        for user_id, flag in zip(ids, built, strict=True):
            if flag is None:
                continue
            pipe.zadd(_key(user_id), {str(post_id): created_ms})
            pipe.zremrangebyrank(_key(user_id), 0, -(TIMELINE_SIZE + 1))
        pipe.execute()
    except Exception as exc:  # the database is the truth; a lost push only makes a timeline rebuild later
        log.warning("timeline_push_failed", error=type(exc).__name__)


def timeline_read(user_id: uuid.UUID, before_ms: int | None, count: int, rebuild: Any) -> list[str] | None:
    """Up to `count` post ids older than `before_ms`, newest first; None when Redis is not there.

    `rebuild()` returns [(post id, score)] from the database for a missing timeline."""
    client = _client()
    if client is None:
        return None
    try:
        if client.get(_flag(user_id)) is None:
            entries = rebuild()
            pipe = client.pipeline(transaction=True)
            pipe.delete(_key(user_id))
            if entries:
                pipe.zadd(_key(user_id), {str(pid): ms for pid, ms in entries})
            pipe.set(_flag(user_id), b"1", ex=TIMELINE_TTL)
            pipe.expire(_key(user_id), TIMELINE_TTL)
            pipe.execute()
        upper = f"({before_ms}" if before_ms is not None else "+inf"
        raw = client.zrevrangebyscore(_key(user_id), upper, "-inf", start=0, num=count)
    except Exception as exc:
        log.warning("timeline_read_failed", error=type(exc).__name__)
        return None
    return [r.decode() if isinstance(r, bytes) else r for r in raw]


def timeline_drop(*user_ids: uuid.UUID | str) -> None:
    client = _client()
    if client is None:
        return
    try:
        client.delete(*[k for u in user_ids for k in (_key(u), _flag(u))])
    except Exception as exc:
        log.warning("timeline_drop_failed", error=type(exc).__name__)


def connect_signals() -> None:
    """Connect the receivers below (weak=False: they are local functions, a weak reference would die at once)."""

    @receiver(people_signals.user_blocked, dispatch_uid="posts.user_blocked", weak=False)
    def _blocked(sender: Any = None, *, blocker_id: uuid.UUID, blocked_id: uuid.UUID, **kwargs: Any) -> None:
        timeline_drop(blocker_id, blocked_id)

    @receiver(people_signals.friendship_ended, dispatch_uid="posts.friendship_ended", weak=False)
    def _unfriended(sender: Any = None, *, user_id: uuid.UUID, friend_id: uuid.UUID, **kwargs: Any) -> None:
        timeline_drop(user_id, friend_id)

    @receiver(people_signals.friend_request_accepted, dispatch_uid="posts.friend_request_accepted", weak=False)
    def _befriended(sender: Any = None, *, request_id: uuid.UUID, **kwargs: Any) -> None:

        pair = FriendRequest.objects.filter(id=request_id).values_list("from_user_id", "to_user_id").first()
        if pair:
            timeline_drop(*pair)  # each one's earlier posts belong in the other's timeline now

    @receiver(event_signals.ticket_issued, dispatch_uid="posts.ticket_issued", weak=False)
    @receiver(event_signals.ticket_cancelled, dispatch_uid="posts.ticket_cancelled", weak=False)
    def _ticket(sender: Any = None, *, ticket_id: uuid.UUID, **kwargs: Any) -> None:

        if _client() is None:
            return  # embedded: no timelines to drop
        holder = Ticket.objects.filter(id=ticket_id).values_list("user_id", flat=True).first()
        if holder:
            timeline_drop(holder)  # the event's earlier posts join (or leave) my timeline

    @receiver(people_signals.user_followed, dispatch_uid="posts.user_followed", weak=False)
    def _followed(sender: Any = None, *, follow_id: uuid.UUID, **kwargs: Any) -> None:

        follower = Follow.objects.filter(id=follow_id).values_list("follower_id", flat=True).first()
        if follower:
            timeline_drop(follower)
