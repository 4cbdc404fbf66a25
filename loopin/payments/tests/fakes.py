"""A fake of the providers' HTTP APIs at the transport boundary: a requests adapter the SDKs talk to.

Each route is (method, host, path prefix) -> handler(request) -> (status, json); the longest matching
prefix wins. Every request is recorded, so tests can assert what reached "the provider" (e.g. the
idempotency key of a refund).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.models import PreparedRequest, Response

Handler = Callable[[PreparedRequest], tuple[int, Any]]


class _Adapter(BaseAdapter):
    def __init__(self, fake: FakeProviderHttp) -> None:
        super().__init__()
        self.fake = fake

    def send(self, request: PreparedRequest, **kwargs: Any) -> Response:
        self.fake.requests.append(request)
        url = requests.utils.urlparse(request.url)
        matching = [
            (len(prefix), handler)
            for (method, host, prefix), handler in self.fake.routes.items()
            if request.method == method and url.hostname == host and url.path.startswith(prefix)
        ]
        if matching:  # the longest prefix wins
            status, body = max(matching, key=lambda m: m[0])[1](request)
        else:
            status, body = 404, {"error": {"description": f"no fake route for {request.method} {request.url}"}}
        response = Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


class FakeProviderHttp:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str, str], Handler] = {}
        self.requests: list[PreparedRequest] = []

    def route(self, method: str, host: str, prefix: str, handler: Handler | tuple[int, Any]) -> None:
        self.routes[(method, host, prefix)] = handler if callable(handler) else (lambda _r, h=handler: h)

    def session(self) -> requests.Session:
        session = requests.Session()
        session.mount("https://", _Adapter(self))
        session.mount("http://", _Adapter(self))
        return session

    def sent(self, method: str, prefix: str) -> list[PreparedRequest]:
        return [
            r for r in self.requests if r.method == method and requests.utils.urlparse(r.url).path.startswith(prefix)
        ]
