"""The sold-out flag: once an event (or a tier asked for by id) is full, a buyer hears SOLD_OUT without the database.

Keys in the default cache (Redis; the process's memory in embedded mode):
- `soldout:gen:{event}`: a random token, replaced whenever seats of the event may have come back
  (`sold_out_clear`: the `seats_released` signal that `seats_release` and a raised capacity send, and any save
  of the event or one of its tiers), inside the transaction and again after its commit.
- `soldout:{event}` / `soldout:{event}:{tier}`: the token read *before* a hold found no seat left (its read of
  the event or its failing conditional UPDATE). A flag holds only while it equals the current token, so a flag
  written late by a slow loser never outlives a release: the release replaces the token after its commit.
- `soldout:holder:{event}:{user}`: the buyer holds seats (a pending order, a waitlist offer); their calls go
  to the database, which answers with their order.
A flag expires when the event's earliest hold or waitlist offer falls due (the next database call would give its
seats back), and after PAYMENT_HOLD_MINUTES at most. Flags are set only for published public events (anyone
signed in may see them). Cache unreachable: no flag, the database answers.

A refused call that would also be refused for another reason (already going, a wrong tier id) hears SOLD_OUT
first; a call the database would accept never does (the holder exemption; a flag only while nothing is free).
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from loopin.core.cache import cache_get_many_nowait
from loopin.core.logging import get_logger
from loopin.core.settings import get_settings
from loopin.events.models import Event, EventStatus, Visibility, WaitlistEntry, WaitlistStatus

log = get_logger("loopin.participation.sold_out")

TOKEN_TTL = 24 * 3600  # longer than any flag: a flag never outlives its token's replacement
HOLDER_TTL = 24 * 3600


class Full(StrEnum):
    EVENT = "event"
    TIER = "tier"


def _gen(event_id: uuid.UUID) -> str:
    return f"soldout:gen:{event_id}"


def _flag(event_id: uuid.UUID, tier_id: uuid.UUID | None) -> str:
    return f"soldout:{event_id}" if tier_id is None else f"soldout:{event_id}:{tier_id}"


def _holder(event_id: uuid.UUID, user_id: uuid.UUID) -> str:
    return f"soldout:holder:{event_id}:{user_id}"


def _answer_keys(event_id: uuid.UUID, tier_id: uuid.UUID | None, user_id: uuid.UUID) -> list[str]:
    keys = [_gen(event_id), _holder(event_id, user_id), _flag(event_id, None)]
    if tier_id is not None:
        keys.append(_flag(event_id, tier_id))
    return keys


def _verdict(keys: list[str], found: dict[str, object], tier_id: uuid.UUID | None) -> Full | None:
    token = found.get(keys[0])
    if token is None or keys[1] in found:
        return None
    if found.get(keys[2]) == token:
        return Full.EVENT
    if tier_id is not None and found.get(keys[3]) == token:
        return Full.TIER
    return None


def sold_out_answer(*, event_id: uuid.UUID, tier_id: uuid.UUID | None, user_id: uuid.UUID) -> Full | None:
    """What the flags say for this buyer, in one cache round trip: the event full, the tier full, or None (ask
    the database)."""
    keys = _answer_keys(event_id, tier_id, user_id)
    try:
        found = cache.get_many(keys)
    except Exception as exc:  # the cache is down: the database answers
        log.warning("sold_out_cache_unavailable", error=repr(exc))
        return None
    return _verdict(keys, found, tier_id)


async def sold_out_answer_nowait(*, event_id: uuid.UUID, tier_id: uuid.UUID | None, user_id: uuid.UUID) -> Full | None:
    """`sold_out_answer` from the event loop, without a thread hop (`core.cache.cache_get_many_nowait`)."""
    keys = _answer_keys(event_id, tier_id, user_id)
    try:
        found = await cache_get_many_nowait(keys)
    except Exception as exc:  # the cache is down: the database answers
        log.warning("sold_out_cache_unavailable", error=repr(exc))
        return None
    return _verdict(keys, found, tier_id)


def sold_out_token(event_id: uuid.UUID) -> str | None:
    """The event's current token; read it before the reads that may find the event full (then `sold_out_mark`)."""
    try:
        token = cache.get(_gen(event_id))
        if token is None:
            cache.add(_gen(event_id), uuid.uuid4().hex, TOKEN_TTL)
            token = cache.get(_gen(event_id))
    except Exception as exc:
        log.warning("sold_out_cache_unavailable", error=repr(exc))
        return None
    return token if isinstance(token, str) else None


def sold_out_mark(*, event: Event, tier_id: uuid.UUID | None, token: str | None, holds_due_at: datetime | None) -> None:
    """The event (tier_id None) or the tier had no seat left, seen after `token` was read: flag it until the
    earliest hold (`holds_due_at`, from the caller) or waitlist offer of the event falls due."""
    if token is None or event.status != EventStatus.PUBLISHED or event.visibility != Visibility.PUBLIC:
        return
    now = timezone.now()
    until = now + timedelta(minutes=get_settings().PAYMENT_HOLD_MINUTES)
    offers_due_at = WaitlistEntry.objects.filter(
        event_id=event.id, status=WaitlistStatus.OFFERED, seats_held=True
    ).aggregate(due=Min("offer_expires_at"))["due"]
    for due in (holds_due_at, offers_due_at):
        if due is not None and due < until:
            until = due
    ttl = math.floor((until - now).total_seconds())
    if ttl < 1:
        return
    try:
        cache.set(_flag(event.id, tier_id), token, ttl)
    except Exception as exc:
        log.warning("sold_out_cache_unavailable", error=repr(exc))


def sold_out_holder(*, event_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """The person now holds seats of the event (an order, an offer): the flags never answer them."""
    try:
        cache.set(_holder(event_id, user_id), 1, HOLDER_TTL)
    except Exception as exc:
        log.warning("sold_out_cache_unavailable", error=repr(exc))


def _renew(event_id: uuid.UUID) -> None:
    try:
        cache.set(_gen(event_id), uuid.uuid4().hex, TOKEN_TTL)
    except Exception as exc:
        log.warning("sold_out_cache_unavailable", error=repr(exc))


def sold_out_clear(event_id: uuid.UUID) -> None:
    """Seats of the event may have come back: every flag of the event (and its tiers) stops holding, now and
    again once the transaction commits."""
    _renew(event_id)
    transaction.on_commit(lambda: _renew(event_id))
