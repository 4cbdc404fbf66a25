"""Django middleware: Django's pages (admin, public pages) show times in the display zone, not UTC."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from loopin.core.time import display_zone


class DisplayZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.activate(display_zone())  # storage stays UTC; forms read and show Asia/Kolkata
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
