"""Finding a request's route without trying every route of the app first (issue 22).

The app has ~750 routes in one list, and Starlette finds a request's route by trying each in order until one
matches in full: a scan late in the list ran several hundred path regexes (and FastAPI's per-route context
look-ups) before its own, 10-12 % of a sold-out answer's or a scan's CPU in the 2026-12-06 profiles.

`RouteIndex` puts each route under the literal segments its path starts with (up to `DEPTH` of them:
`/api/v2/events/{event_id}/checkin` under `("api", "v2", "events")`, `/django/{path}` under `("django",)`,
a route whose path starts with a parameter under `()`), and a request tries, in the app's own order, only the
routes whose literal start is a start of its path. Any other route cannot match the path in full, so the first
full match among the candidates is the first full match of the whole list, and the route is handled exactly as
the router would handle it. Everything else (no full match: a wrong method, a trailing-slash redirect, a 404,
the lifespan) goes to the router's own loop unchanged.

The index is built on the first request and again whenever the app's route list is replaced or grows.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import _apply_router_form_limits, _update_scope
from fastapi.telemetry._api import _route_selected
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Mount, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send

DEPTH = 3


def literal_start(route: BaseRoute) -> tuple[str, ...]:
    """The path segments every path this route can match starts with; () when not known."""
    if not isinstance(route, Route | WebSocketRoute | Mount):
        return ()
    start: list[str] = []
    for segment in route.path_format.split("/")[1 : 1 + DEPTH]:  # a Mount's ends in /{path}
        if "{" in segment:
            break
        start.append(segment)
    return tuple(start)


class RouteIndex:
    """The app router's dispatch with the candidates narrowed by the path (see the module docstring)."""

    def __init__(self, router: Any) -> None:
        self.router = router
        self.fallback = router.middleware_stack
        self._routes: list[BaseRoute] = []
        self._count = -1
        self._candidates: dict[tuple[str, ...], list[BaseRoute]] = {}

    def _build(self, routes: list[BaseRoute]) -> None:
        starts = [literal_start(route) for route in routes]
        candidates: dict[tuple[str, ...], list[BaseRoute]] = {}
        for key in {*starts, ()}:
            candidates[key] = [route for route, start in zip(routes, starts, strict=True) if key[: len(start)] == start]
        self._candidates, self._routes, self._count = candidates, routes, len(routes)

    def candidates(self, path: str) -> list[BaseRoute]:
        routes: list[BaseRoute] = self.router.routes
        if routes is not self._routes or len(routes) != self._count:
            self._build(routes)
        segments = path.split("/")[1 : 1 + DEPTH]
        for length in range(len(segments), -1, -1):
            found = self._candidates.get(tuple(segments[:length]))
            if found is not None:
                return found
        return []  # not reached: () is always a key

    def first_full_match(self, scope: Scope) -> tuple[BaseRoute, Scope] | None:
        """The route the router's loop would handle this request with in full, and its child scope."""
        for route in self.candidates(get_route_path(scope)):
            match, child_scope = route.matches(scope)
            if match == Match.FULL:
                return route, child_scope
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self.first_full_match(scope) if scope["type"] in ("http", "websocket") else None
        if found is None:
            await self.fallback(scope, receive, send)
            return
        route, child_scope = found
        # What the router does with its first full match (fastapi.routing.APIRouter.app).
        _apply_router_form_limits(scope, self.router.form_limits)
        scope.setdefault("router", self.router)
        _update_scope(scope, child_scope)
        _route_selected(scope=scope, path=getattr(route, "path_format", None), mount=isinstance(route, Mount))
        await route.handle(scope, receive, send)


def install_route_index(app: FastAPI) -> None:
    """Dispatch the app's requests through a `RouteIndex` (once all its routes are added, or later: it follows)."""
    router = app.router
    if router.middleware_stack != router.app:
        raise RuntimeError("the app router has middleware of its own; the route index would skip it")
    router.middleware_stack = RouteIndex(router)
