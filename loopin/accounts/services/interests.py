"""The interest catalogue: the defaults a fresh install starts with."""

from __future__ import annotations

from django.utils.text import slugify

from loopin.accounts.models import (
    Interest,
)

DEFAULT_INTERESTS = [
    "Music & Concerts",
    "Sports & Fitness",
    "Food & Dining",
    "Art & Culture",
    "Technology",
    "Travel & Adventure",
    "Business & Networking",
    "Health & Wellness",
    "Education & Learning",
    "Entertainment",
]


def interests_ensure_defaults() -> int:
    """Create the ten default interests that are missing; return how many were created."""
    created = 0
    for position, name in enumerate(DEFAULT_INTERESTS, start=1):
        _, was_created = Interest.objects.get_or_create(
            slug=slugify(name.replace("&", "and")), defaults={"name": name, "position": position}
        )
        created += int(was_created)
    return created
