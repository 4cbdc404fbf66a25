"""The discovery feed's page cache: what is cached, and when it is thrown away.

A page (filters, offset, limit) caches its cards (`schemas.EventCardOut` dumped as JSON) and the total; only the
cards' *static* fields are served from it. Never cached: the seat counters (capacity, seats_left, going_count)
and the caller's `my_status`, which are read live for the page's ids on every request (one primary-key query)
and put on a copy of each card, so a ticket rush never makes the feed wrong and never empties the cache.

Invalidation: one version number in the cache; every page is stored with the version it was built
under and read together with the current one (one round trip), so bumping it drops every page at
once. It is bumped when an event, its cover images or interests, its venue, its host's name or
pictures, an organisation's face on its events' cards (name, handle, logo, verification, deletion) or an interest
changes (model signals below), and by services that change
events with `QuerySet.update()` (they call `feed_invalidate()`). A page also expires before the first
event of its result set starts (so "upcoming" stays exact) and after `FEED_CACHE_SECONDS` at most.
Cache trouble (Redis down) is never an error: the feed is then read from the database.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from loopin.accounts.models import Interest, ProfilePicture, User
from loopin.core.logging import get_logger
from loopin.events.models import Event, EventImage, Venue
from loopin.organisations.models import Organisation

log = get_logger("loopin.events.feed_cache")

FEED_CACHE_SECONDS = 60
_VERSION_KEY = "events:feed:version"


def page_key(parts: tuple[Any, ...]) -> str:
    return "events:feed:page2:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def get_page(parts: tuple[Any, ...]) -> tuple[tuple[str, int] | None, Any]:
    """(where to store the page, the cached page or None); one cache round trip.

    A page is stored with the version it was built under and is only used while that is still the
    current version. The first element is None when the cache is unavailable (then nothing is stored).
    """
    key = page_key(parts)
    try:
        found = cache.get_many([_VERSION_KEY, key])
        version = found.get(_VERSION_KEY)
        if version is None:
            cache.add(_VERSION_KEY, 1, timeout=None)
            version = cache.get(_VERSION_KEY) or 1
    except Exception as exc:  # the cache is an optimisation: never fail the feed for it
        log.warning("feed_cache_unavailable", error=type(exc).__name__)
        return None, None
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        return (key, version), stored[1]
    return (key, version), None


def set_page(where: tuple[str, int] | None, page: Any, timeout: float) -> None:
    if where is None or timeout < 1:
        return
    key, version = where
    try:
        cache.set(key, (version, page), timeout=int(min(timeout, FEED_CACHE_SECONDS)))
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


# What an organisation's event card shows of it (`organisation` on the cards); `deleted_at` hides nothing from
# the feed but the organisation's page, and is counted so that a deleted organisation's card is never stale.
ORGANISATION_ON_CARDS = frozenset({"name", "handle", "logo_url", "is_verified", "deleted_at"})


def _on_organisation_saved(sender: Any, created: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    # A new organisation has no events yet; an edit of its GSTIN or description changes no card.
    if not created and (update_fields is None or ORGANISATION_ON_CARDS & set(update_fields)):
        feed_invalidate()


def connect_signals() -> None:
    post_save.connect(_on_organisation_saved, sender=Organisation, dispatch_uid="feed_cache.save.Organisation")
    for model in (Event, EventImage, Venue, ProfilePicture, Interest):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"feed_cache.save.{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"feed_cache.delete.{model.__name__}")
    post_save.connect(_on_user_saved, sender=User, dispatch_uid="feed_cache.save.User")
    m2m_changed.connect(_on_change, sender=Event.interests.through, dispatch_uid="feed_cache.m2m.event_interests")
