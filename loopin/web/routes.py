"""Where the public pages sit in the one ASGI app: these paths go to Django with the public URLconf.

They never overlap the API's (/api, /django, /socket.io, /media, /metrics): a share path's first segment is
a two-letter country code, and the rest are fixed prefixes.
"""

from __future__ import annotations

from typing import Any

from starlette.convertors import Convertor, register_url_convertor
from starlette.routing import BaseRoute, Route

PUBLIC_FLAG = "loopin.public"  # set in the ASGI scope; `PublicUrlconfMiddleware` reads it


class CountryConvertor(Convertor[str]):
    """Two letters: so `/api/v2/events/<not an id>` is never read as a share path (country "api")."""

    regex = "[A-Za-z]{2}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("country", CountryConvertor())

PUBLIC_PATHS = [
    "/{country:country}/{city:str}/events/{tail:str}",
    "/{country:country}/{city:str}/events/{tail:str}/",
    "/e/{canonical_id:str}",
    "/e/{canonical_id:str}/",
    "/e/{canonical_id:str}/preview.jpg",
    "/hosts/{host_id:str}",
    "/organisations/{organisation_id:str}",
    "/invite/{token:str}",
    "/invite/{token:str}/",
    "/sitemap.xml",
    "/robots.txt",
    "/.well-known/assetlinks.json",
    "/.well-known/apple-app-site-association",
]


class _Public:
    """An ASGI app: the request goes to Django, flagged for the public URLconf, at the site's root."""

    def __init__(self, django_app: Any) -> None:
        self.django_app = django_app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        await self.django_app({**scope, "root_path": "", PUBLIC_FLAG: True}, receive, send)


def public_routes(django_app: Any) -> list[BaseRoute]:
    endpoint = _Public(django_app)
    return [Route(path, endpoint, methods=["GET", "HEAD"], include_in_schema=False) for path in PUBLIC_PATHS]
