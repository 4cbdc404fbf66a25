from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int


def _page(
    offset: Annotated[int, Query(ge=0, description="Items to skip")] = 0,
    limit: Annotated[int, Query(ge=1, le=100, description="Items per page (1-100)")] = 20,
) -> Page:
    return Page(offset=offset, limit=limit)


PageParams = Annotated[Page, Depends(_page)]
