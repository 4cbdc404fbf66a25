"""Event albums: the host and checked-in attendees add photos; attendees see it (or all, when public);
the host removes any photo."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from PIL import Image

from loopin.media.models import Media
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.tickets.models import Ticket, TicketSource, TicketStatus


@pytest.fixture
def setting(api):
    host, checked_in, ticket_only, stranger = (UserWithProfileFactory() for _ in range(4))
    event = PublishedEventFactory(host=host)
    for i, (user, arrived) in enumerate(((checked_in, True), (ticket_only, False))):
        Ticket.objects.create(
            event=event,
            user=user,
            seats=1,
            status=TicketStatus.VALID,
            source=TicketSource.OPEN,
            code=f"ALBUM{i:07d}",
            checked_in_at=timezone.now() if arrived else None,
        )
    return event, host, checked_in, ticket_only, stranger


def _photo(api, user):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 200, 90)).save(buffer, format="JPEG")
    r = api.post("/api/v2/media", headers=token_for(user), files={"file": ("a.jpg", buffer.getvalue(), "image/jpeg")})
    return r.json()["data"]["id"]


def test_host_and_checked_in_attendees_add_photos(api, setting):
    event, host, checked_in, ticket_only, stranger = setting
    url = f"/api/v2/events/{event.id}/album"
    r = api.post(url, headers=token_for(checked_in), json={"media_ids": [_photo(api, checked_in)]})
    assert r.status_code == 201, r.text
    r = api.post(url, headers=token_for(host), json={"media_ids": [_photo(api, host)]})
    assert r.status_code == 201 and r.json()["meta"]["total"] == 2
    r = api.post(url, headers=token_for(ticket_only), json={"media_ids": [_photo(api, ticket_only)]})
    assert r.status_code == 403 and r.json()["error_code"] == "NOT_CHECKED_IN"
    page = api.get(url, headers=token_for(ticket_only)).json()
    assert page["meta"]["total"] == 2 and page["data"][0]["media"]["sizes"]["thumb"]["width"] == 150
    assert api.get(url, headers=token_for(stranger)).status_code == 404
    assert api.put(f"{url}/settings", headers=token_for(checked_in), json={"is_public": True}).status_code == 403
    assert api.put(f"{url}/settings", headers=token_for(host), json={"is_public": True}).status_code == 200
    assert api.get(url, headers=token_for(stranger)).json()["meta"]["total"] == 2


def test_the_host_removes_any_photo_and_its_media_goes(api, setting):
    event, host, checked_in, ticket_only, _ = setting
    url = f"/api/v2/events/{event.id}/album"
    media_id = _photo(api, checked_in)
    photo = api.post(url, headers=token_for(checked_in), json={"media_ids": [media_id]}).json()["data"][0]
    assert api.delete(f"{url}/{photo['id']}", headers=token_for(ticket_only)).status_code == 403
    assert api.delete(f"{url}/{photo['id']}", headers=token_for(host)).status_code == 200
    assert api.get(url, headers=token_for(host)).json()["meta"]["total"] == 0
    assert not Media.objects.filter(id=media_id).exists()
