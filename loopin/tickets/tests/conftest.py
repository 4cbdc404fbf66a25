"""Door fixtures: a host, an event whose check-in is open, a guest with a ticket, and helpers to scan."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from loopin.participation.attendance import attendance_confirm
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for


@dataclass
class Door:
    api: Any
    host: Any
    host_headers: dict[str, str]
    event: Any
    guest: Any
    guest_headers: dict[str, str]
    ticket: Any

    def qr(self, ticket: Any = None, headers: dict[str, str] | None = None) -> str:
        ticket = ticket or self.ticket
        r = self.api.get(f"/api/v2/me/tickets/{ticket.id}/qr?format=token", headers=headers or token_for(ticket.user))
        assert r.status_code == 200, r.text
        return r.json()["data"]["token"]

    def scan(self, event: Any = None, headers: dict[str, str] | None = None, **body: Any) -> Any:
        body.setdefault("nonce", uuid.uuid4().hex)
        event = event or self.event
        return self.api.post(f"/api/v2/events/{event.id}/check-in", json=body, headers=headers or self.host_headers)

    def status(self, **body: Any) -> str:
        r = self.scan(**body)
        assert r.status_code == 200, r.text
        return r.json()["data"]["status"]


def open_event(**kwargs: Any) -> Any:
    """A published free event starting in 30 minutes: check-in (60 minutes before) is open."""
    start = timezone.now() + timedelta(minutes=30)
    return PublishedEventFactory(start_at=start, end_at=start + timedelta(hours=3), **kwargs)


def guest_with_ticket(event: Any, **user: Any) -> Any:
    return attendance_confirm(user=UserWithProfileFactory(**user), event_id=event.id)


@pytest.fixture
def door(api: Any) -> Door:
    host = UserWithProfileFactory(name="Hema Host")
    event = open_event(host=host)
    ticket = guest_with_ticket(event, name="Asha Guest", phone_number="+919812345678")
    return Door(
        api=api,
        host=host,
        host_headers=token_for(host),
        event=event,
        guest=ticket.user,
        guest_headers=token_for(ticket.user),
        ticket=ticket,
    )
