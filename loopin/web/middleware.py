"""Django middleware: requests the ASGI app routed as public pages use the public URLconf."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from loopin.web.routes import PUBLIC_FLAG


class PublicUrlconfMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, "scope", {}).get(PUBLIC_FLAG):
            request.urlconf = "loopin.web.urls"
        return self.get_response(request)
