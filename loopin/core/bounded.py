"""Per-process maps kept to a size: when one is full, its oldest tenth goes (a dict keeps insertion order, so the
oldest stored come first; re-store an entry to move it to the end)."""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def oldest_to_drop(entries: Mapping[K, object], limit: int) -> list[K]:
    """The keys to remove before adding one more to `entries` (none while it holds fewer than `limit`). Call with
    the map's lock held."""
    if len(entries) < limit:
        return []
    return list(itertools.islice(entries, max(1, limit // 10)))
