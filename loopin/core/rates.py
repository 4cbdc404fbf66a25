"""Rate specs such as '100/minute': parsed once here, validated by the Settings and counted by the throttles."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int  # seconds


@lru_cache(maxsize=64)
def parse_rate(spec: str) -> Rate:
    """'100/minute', '50/10 seconds', '1000/hour' -> Rate."""
    count, _, per = spec.partition("/")
    parts = per.strip().split()
    amount = int(parts[0]) if len(parts) == 2 else 1
    unit = parts[-1].rstrip("s") if parts else ""
    if unit not in _UNITS or int(count) < 1 or amount < 1:
        raise ValueError(f"invalid rate {spec!r}; use e.g. '100/minute'")
    return Rate(limit=int(count), window=amount * _UNITS[unit])
