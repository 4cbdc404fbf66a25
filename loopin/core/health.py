"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

import redis
from django.db import connection
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from loopin.core.envelope import Envelope, error_body, error_responses, ok
from loopin.core.error_codes import CoreErrorCode
from loopin.core.routing import APIRouter
from loopin.core.settings import get_settings
from loopin.core.sync import run_sync

router = APIRouter(prefix="/api/health", tags=["health"])


class HealthOut(BaseModel):
    status: str


class ReadyOut(BaseModel):
    status: str
    checks: dict[str, str]


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    except Exception:
        connection.close_if_unusable_or_obsolete()
        return "down"


def _check_redis() -> str:
    settings = get_settings()
    if not settings.uses_redis:
        return "not_configured"

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
        return "ok"
    except Exception:
        return "down"


def _checks() -> dict[str, str]:
    return {"database": _check_database(), "redis": _check_redis()}


@router.get("", response_model=Envelope[HealthOut])
async def health() -> dict[str, Any]:
    """The process is alive."""
    return ok({"status": "ok"}, "Alive")


@router.get("/ready", response_model=Envelope[ReadyOut], responses=error_responses(503))
async def ready() -> Any:
    """The database and Redis (when configured) are reachable; 503 names what is down."""
    checks = await run_sync(_checks)
    down = sorted(name for name, state in checks.items() if state == "down")
    if down:
        return JSONResponse(
            error_body(
                f"Not ready: {', '.join(down)} unreachable.",
                CoreErrorCode.DEPENDENCY_UNAVAILABLE,
                {"down": down, "checks": checks},
            ),
            status_code=503,
        )
    return ok({"status": "ready", "checks": checks}, "Ready")
