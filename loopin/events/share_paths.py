"""Share paths: '/in/mumbai/events/some-title--ab12cd34' and back to the stable id."""

from __future__ import annotations

import uuid

from django.utils.text import slugify

from loopin.events.models import (
    Event,
)


def _city_slug(event: Event) -> str:
    return city_slug(city=event.city, venue_id=event.venue_id)


def city_slug(*, city: str, venue_id: uuid.UUID | None) -> str:
    return slugify(city) or ("online" if not venue_id else "event")


def share_path(event: Event) -> str:
    return share_path_of(
        country_code=event.country_code,
        city=event.city,
        venue_id=event.venue_id,
        slug=event.slug,
        canonical_id=event.canonical_id,
    )


def share_path_of(*, country_code: str, city: str, venue_id: uuid.UUID | None, slug: str, canonical_id: str) -> str:
    """`share_path` from the event's columns (a read that loads rows, not model instances)."""
    return f"/{country_code.lower()}/{city_slug(city=city, venue_id=venue_id)}/events/{slug}--{canonical_id}"


def share_path_parse(path: str) -> str | None:
    """'/in/mumbai/events/some-title--ab12cd34' -> 'ab12cd34' (old slugs resolve by the stable id)."""
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    if "--" not in tail:
        return None
    return tail.rsplit("--", 1)[1].lower() or None
