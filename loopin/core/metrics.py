"""Prometheus metrics: request latency by route template and status, DB queries per request, task outcomes.

`/metrics` answers callers presenting `Authorization: Bearer <METRICS_TOKEN>` or coming from
`METRICS_ALLOWED_NETWORKS` (the client IP as resolved through `TRUSTED_PROXIES`); others get 403.

Several worker processes (uvicorn --workers N): set `PROMETHEUS_MULTIPROC_DIR` to an empty writable
directory, emptied before the server starts (`make serve` and the container do it); every process then
writes its samples there and `/metrics`, whichever worker answers, aggregates them all. Without it each
process reports only itself.
"""

from __future__ import annotations

import contextvars
import hmac
import ipaddress
import os
import time
from functools import lru_cache
from typing import Any

from celery import signals
from django.db.backends.signals import connection_created
from starlette.responses import JSONResponse, Response

from loopin.core.envelope import error_body
from loopin.core.error_codes import CoreErrorCode
from loopin.core.settings import get_settings

# prometheus_client picks its value store at import: the multiprocess directory must be known first.
if get_settings().PROMETHEUS_MULTIPROC_DIR:
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(get_settings().PROMETHEUS_MULTIPROC_DIR))

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUEST_LATENCY = Histogram(
    "loopin_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and status.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
DB_QUERIES = Histogram(
    "loopin_db_queries_per_request",
    "SQL statements one HTTP request ran, by route template.",
    ["route"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89),
)
TASKS = Counter("loopin_celery_tasks", "Celery task outcomes.", ["task", "outcome"])

_queries: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("loopin_db_queries", default=None)


def _count_query(execute: Any, sql: str, params: Any, many: bool, context: dict) -> Any:
    counter = _queries.get()
    if counter is not None:
        counter[0] += 1
    return execute(sql, params, many, context)


def _on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    # The DatabaseWrapper outlives its pooled connections: add the wrapper once.
    if _count_query not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count_query)


def install_query_counter() -> None:

    connection_created.connect(_on_connection_created, dispatch_uid="loopin.metrics.count_queries")


def install_task_signals() -> None:

    def _outcome(outcome: str):
        def receiver(sender: Any = None, **kwargs: Any) -> None:
            name = getattr(sender, "name", None) or "unknown"
            TASKS.labels(task=name, outcome=outcome).inc()

        return receiver

    for signal, outcome in (
        (signals.task_success, "success"),
        (signals.task_failure, "failure"),
        (signals.task_retry, "retry"),
    ):
        signal.connect(_outcome(outcome), weak=False, dispatch_uid=f"loopin.metrics.task_{outcome}")


def _route_label(scope: dict) -> str:
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)  # the template, without convertors
    return path or "unmatched"  # unmatched paths share one label, so scanners can't explode the series


class MetricsMiddleware:
    """Times every HTTP request and counts its SQL statements."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] == "/metrics":
            await self.app(scope, receive, send)
            return
        status = {"code": 500}
        counter = [0]
        token = _queries.set(counter)
        started = time.perf_counter()

        async def send_wrapper(message: dict) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            _queries.reset(token)
            route = _route_label(scope)
            REQUEST_LATENCY.labels(scope["method"], route, str(status["code"])).observe(time.perf_counter() - started)
            DB_QUERIES.labels(route).observe(counter[0])


@lru_cache
def _allowed() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(n, strict=False) for n in get_settings().METRICS_ALLOWED_NETWORKS)


def metrics_allowed(*, authorization: str | None, ip: str | None) -> bool:
    token = get_settings().METRICS_TOKEN
    if token and authorization:
        scheme, _, presented = authorization.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), token.encode()):
            return True
    try:
        addr = ipaddress.ip_address(ip or "")
    except ValueError:
        return False
    return any(addr in net for net in _allowed())


def render() -> tuple[bytes, str]:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


async def metrics_endpoint(request: Any) -> Any:

    ip = getattr(request.state, "client_ip", None) or (request.client.host if request.client else None)
    if not metrics_allowed(authorization=request.headers.get("authorization"), ip=ip):
        return JSONResponse(error_body("Metrics are not open to you.", CoreErrorCode.FORBIDDEN, None), status_code=403)
    body, content_type = render()
    return Response(body, media_type=content_type)
