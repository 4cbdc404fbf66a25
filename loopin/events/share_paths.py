"""Share paths: '/in/mumbai/events/some-title--ab12cd34' and back to the stable id."""

from __future__ import annotations

from django.utils.text import slugify

from loopin.events.models import (
    Event,
)


def _city_slug(event: Event) -> str:
    return slugify(event.city) or ("online" if not event.venue_id else "event")


def share_path(event: Event) -> str:
    return f"/{event.country_code.lower()}/{_city_slug(event)}/events/{event.slug}--{event.canonical_id}"


def share_path_parse(path: str) -> str | None:
    """'/in/mumbai/events/some-title--ab12cd34' -> 'ab12cd34' (old slugs resolve by the stable id)."""
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    if "--" not in tail:
        return None
    return tail.rsplit("--", 1)[1].lower() or None
