"""The discovery feed's page cache: what is cached, and when it is thrown away.

A page (filters, offset, limit) caches the cards' *static* parts and the total. Never cached: the seat
counters (capacity, seats_left, going_count) and the caller's `my_status`, which are read live for the
page's ids on every request (one primary-key query), so a ticket rush never makes the feed wrong and
never empties the cache.

Invalidation: one version number in the cache; every key embeds it, and bumping it (after commit)
drops every page at once. It is bumped when an event, its cover images or interests, its venue, its
host's name or pictures, or an interest changes (model signals below), and by services that change
events with `QuerySet.update()` (they call `feed_invalidate()`). A page also expires before the first
event of its result set starts (so "upcoming" stays exact) and after `FEED_CACHE_SECONDS` at most.
Cache trouble (Redis down) is never an error: the feed is then read from the database.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.db import transaction

from loopin.core.logging import get_logger

log = get_logger("loopin.events.feed_cache")

FEED_CACHE_SECONDS = 60
_VERSION_KEY = "events:feed:version"


def _version() -> int | None:
    try:
        version = cache.get(_VERSION_KEY)
        if version is None:
            cache.add(_VERSION_KEY, 1, timeout=None)
            version = cache.get(_VERSION_KEY) or 1
        return int(version)
    except Exception as exc:  # the cache is an optimisation: never fail the feed for it
        log.warning("feed_cache_unavailable", error=type(exc).__name__)
        return None


def page_key(version: int, parts: tuple[Any, ...]) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"events:feed:{version}:{digest}"


def get_page(parts: tuple[Any, ...]) -> tuple[str | None, Any]:
    """(key to store under, cached page or None). A None key means the cache is unavailable."""
    version = _version()
    if version is None:
        return None, None
    key = page_key(version, parts)
    try:
        return key, cache.get(key)
    except Exception as exc:
        log.warning("feed_cache_unavailable", error=type(exc).__name__)
        return None, None


def set_page(key: str | None, page: Any, timeout: float) -> None:
    if key is None or timeout < 1:
        return
    try:
        cache.set(key, page, timeout=int(min(timeout, FEED_CACHE_SECONDS)))
    except Exception as exc:
        log.warning("feed_cache_unavailable", error=type(exc).__name__)


def _bump() -> None:
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:  # no version yet: the next reader starts one (at a new number)
        try:
            cache.add(_VERSION_KEY, 2, timeout=None)
        except Exception as exc:
            log.warning("feed_cache_invalidate_failed", error=type(exc).__name__)
    except Exception as exc:
        # Cache down: nothing can be served from it either; pages it holds expire by their TTL.
        log.warning("feed_cache_invalidate_failed", error=type(exc).__name__)


def feed_invalidate() -> None:
    """Drop every cached feed page now and again once the current transaction commits (a reader
    between the two could have cached the old rows under the new version)."""
    _bump()
    transaction.on_commit(_bump)


def _on_change(sender: Any, **kwargs: Any) -> None:
    feed_invalidate()


def _on_user_saved(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
    # Hosts show on cards by name; logins and other saves of a user don't change the feed.
    if update_fields is None or "name" in update_fields:
        feed_invalidate()


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from loopin.accounts.models import Interest, ProfilePicture, User
    from loopin.events.models import Event, EventImage, Venue

    for model in (Event, EventImage, Venue, ProfilePicture, Interest):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"feed_cache.save.{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"feed_cache.delete.{model.__name__}")
    post_save.connect(_on_user_saved, sender=User, dispatch_uid="feed_cache.save.User")
    m2m_changed.connect(_on_change, sender=Event.interests.through, dispatch_uid="feed_cache.m2m.event_interests")
