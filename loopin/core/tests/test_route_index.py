"""The route index picks the route the router's own loop would pick, for every route of the app."""

from __future__ import annotations

import re
import uuid

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.responses import PlainTextResponse
from starlette.routing import Match, Mount, Route

from loopin.config.asgi import create_app
from loopin.core.route_index import RouteIndex, install_route_index, literal_start
from loopin.core.routing import APIRouter, add_routes

_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
_SAMPLE = {"uuid": str(uuid.UUID(int=7)), "int": "7", "path": "x/y.txt", "country": "in", "str": "x", None: "x"}


def _linear(routes, scope):
    for route in routes:
        match, child = route.matches(scope)
        if match == Match.FULL:
            return route, child
    return None


def _scope(path: str, method: str = "GET") -> dict:
    return {"type": "http", "path": path, "root_path": "", "method": method, "headers": [], "query_string": b""}


def test_every_route_of_the_app_is_found_where_the_routers_loop_finds_it():
    app = create_app()
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)
    routes = app.router.routes
    paths = {_PARAM.sub(lambda m: _SAMPLE.get(m.group(2), "x"), getattr(r, "path", "/")) for r in routes}
    paths |= {p + "/" for p in paths} | {"/", "/nothing/here", "/api", "/api/v2", "/api/v2/events/feed/extra"}
    reached = set()
    for path in sorted(paths):
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            scope = _scope(path, method)
            expected = _linear(routes, scope)
            found = index.first_full_match(dict(scope))
            assert (found and found[0]) is (expected and expected[0]), (method, path)
            assert (found and found[1]) == (expected and expected[1]), (method, path)
            if expected is not None:
                reached.add(id(expected[0]))
    unreached = [getattr(r, "path", r) for r in routes if id(r) not in reached]
    assert unreached == [], unreached  # every route was found by its own sample path


def test_order_wins_over_specificity_and_the_rest_is_the_routers_own_loop():
    def param_first(x: str) -> dict[str, str]:
        return {"route": "param first"}

    def literal_second() -> dict[str, str]:
        return {"route": "literal second"}

    def post_only() -> dict[str, str]:
        return {"route": "post only"}

    app = FastAPI()
    router = APIRouter(prefix="/a")
    router.get("/{x}")(param_first)
    router.get("/b")(literal_second)
    router.post("/b/c")(post_only)
    add_routes(app, router)
    app.router.routes.append(Route("/", lambda request: PlainTextResponse("root")))
    app.mount("/m", Route("/{rest:path}", lambda request: PlainTextResponse(request.url.path)))
    install_route_index(app)
    with TestClient(app) as client:
        assert client.get("/a/b").json() == {"route": "param first"}
        assert client.get("/").text == "root"
        assert client.get("/m/deep/er").text == "/m/deep/er"
        assert client.post("/a/b/c").json() == {"route": "post only"}
        assert client.get("/a/b/c").status_code == 405  # a partial match: the router's loop answers it
        assert client.get("/a/b/c").headers["allow"] == "OPTIONS, POST"
        assert client.get("/zzz").status_code == 404
        r = client.get("/a/b/c/", follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (307, "http://testserver/a/b/c")
        router.get("/late")(literal_second)
        app.router.routes.append(router.routes[-1])
        assert client.get("/a/late").json() == {"route": "param first"}  # still in the app's order
        app.router.routes.insert(0, Route("/a/late", lambda request: PlainTextResponse("inserted first")))
        assert client.get("/a/late").text == "inserted first"  # the grown list is indexed again


def test_a_routes_literal_start_stops_at_its_first_parameter():
    assert literal_start(Route("/api/v2/events/{event_id}/checkin", lambda r: None)) == ("api", "v2", "events")
    assert literal_start(Route("/api/{x}/events", lambda r: None)) == ("api",)
    assert literal_start(Route("/{slug}", lambda r: None)) == ()
    assert literal_start(Route("/", lambda r: None)) == ("",)
    assert literal_start(Mount("/django", routes=[])) == ("django",)
    assert literal_start(Mount("", routes=[])) == ()
