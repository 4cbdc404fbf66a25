from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import structlog
from fastapi import Depends, Query
from fastapi.responses import JSONResponse

from loopin.core.envelope import ok_page
from loopin.core.sync import run_sync

R = TypeVar("R")
log = structlog.get_logger("loopin.lists")

# Deeper than any real list; bounds the integer so the database never sees an out-of-range value.
MAX_OFFSET = 1_000_000


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int


def _page(
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")] = 0,
    limit: Annotated[int, Query(ge=1, le=100, description="Items per page (1-100)")] = 20,
) -> Page:
    return Page(offset=offset, limit=limit)


PageParams = Annotated[Page, Depends(_page)]


async def run_page(selector: Any, page: Page, message: str, /, **kwargs: Any) -> dict[str, Any]:
    """Call a paginating selector (returning items and the total) on the request's thread; wrap it as a page."""

    items, total = await run_sync(selector, offset=page.offset, limit=page.limit, **kwargs)
    return ok_page(items, total=total, offset=page.offset, limit=page.limit, message=message)


async def run_page_json(selector: Any, page: Page, message: str, /, **kwargs: Any) -> JSONResponse:
    """`run_page` for a selector whose items are already the response model's JSON (its `dump_json` or
    `dump_python(mode="json")`): answered as it is, not validated and serialised again."""

    items, total = await run_sync(selector, offset=page.offset, limit=page.limit, **kwargs)
    return JSONResponse(ok_page(items, total=total, offset=page.offset, limit=page.limit, message=message))


def render_each(rows: Iterable[Any], render: Callable[[Any], R], *, what: str) -> list[R]:
    """Render every row of a list; one row that cannot be rendered (corrupt data) is logged and left out
    instead of failing the whole list for everyone."""
    out = []
    for row in rows:
        try:
            out.append(render(row))
        except Exception:
            log.exception("list_row_unreadable", what=what, row_id=str(getattr(row, "pk", "?")))
    return out
