"""A probe app with one gated and one optional-auth endpoint, as other domains' endpoints will be."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from loopin.core.auth import CurrentUser, OptionalUser
from loopin.core.handlers import install_error_handlers
from loopin.core.middleware import DjangoContextMiddleware
from loopin.core.sync import run_sync


def _whoami(*, user: Any) -> str | None:
    return str(user.id) if user is not None else None


@pytest.fixture
def probe(api: TestClient) -> Iterator[TestClient]:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/gated")
    async def gated(caller: CurrentUser) -> dict[str, Any]:
        return {"user_id": await run_sync(_whoami, user=caller)}

    @app.get("/optional")
    async def optional(caller: OptionalUser) -> dict[str, Any]:
        return {"user_id": await run_sync(_whoami, user=caller)}

    app.add_middleware(DjangoContextMiddleware)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
