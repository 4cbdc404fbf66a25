"""Reading a public page the way a link-preview bot does: meta tags, canonical link and JSON-LD."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.json_ld: list[Any] = []
        self._in_ld = False
        self._ld = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        elif tag == "link" and "rel" in a:
            self.links[a["rel"]] = a.get("href", "")
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld, self._ld = True, ""

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self._ld += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_ld:
            self.json_ld.append(json.loads(self._ld))
            self._in_ld = False


def preview_tags(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser
