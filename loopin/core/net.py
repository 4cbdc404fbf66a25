"""Client IP resolution that believes X-Forwarded-For only from configured proxies."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from loopin.core.settings import get_settings


@lru_cache
def _trusted() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(n, strict=False) for n in get_settings().TRUSTED_PROXIES)


def _is_trusted(ip: str) -> bool:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(addr in net for net in _trusted())


def client_ip(scope: dict[str, Any]) -> str:
    peer = (scope.get("client") or ("unknown", 0))[0]
    if not _trusted() or not _is_trusted(peer):
        return peer
    forwarded = ""
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-for":
            forwarded = value.decode("latin-1")
    # Walk from the right: the first address not belonging to a trusted proxy is the client.
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer
    return hops[0] if hops else peer
