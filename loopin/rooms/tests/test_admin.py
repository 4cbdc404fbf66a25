"""Rooms in the admin: live rooms with who is in them; closing one needs `rooms.close_room`, is audited, and
LiveKit's room is deleted (faked at its HTTP boundary)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client

from loopin.audit.models import AuditEntry
from loopin.core.errors import PermissionDenied
from loopin.rooms import services
from loopin.rooms.models import EndReason, RoomState
from loopin.testing.fixtures import admin_action, staff_in

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(staff):
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def room_groups():
    """The staff groups with the rooms permissions, as the migrations apply them."""
    staff_in("Operations")  # creates the groups
    importlib.import_module("loopin.rooms.migrations.0002_staff_permissions").forwards(apps, None)


def test_operations_sees_live_rooms_with_people_and_closes_one(room_groups, livekit, hana, sam):
    room = services.room_create(user=hana, title="Open mic").room
    services.room_join(user=sam, room_id=room.id)
    ops = staff_in("Operations")
    client = signed_in(ops)
    listing = client.get("/admin/rooms/room/?live=yes")
    assert listing.status_code == 200
    assert "Open mic" in listing.content.decode()
    page = client.get(f"/admin/rooms/room/{room.id}/change/").content.decode()
    assert "Hana" in page and "Sam" in page
    assert admin_action(client, "/admin/rooms/room/", "close_rooms", [room.id]).status_code == 200
    room.refresh_from_db()
    assert (room.state, room.end_reason) == (RoomState.ENDED, EndReason.STAFF_CLOSED)
    entry = AuditEntry.objects.get(action="room.close")
    assert (entry.actor_id, entry.object_id, entry.data) == (ops.id, str(room.id), {"title": "Open mic", "was": "live"})
    assert livekit.methods() == ["DeleteRoom"]
    assert livekit.calls[0][1].room == room.media_name


def test_support_sees_rooms_but_cannot_close_them(room_groups, hana):
    room = services.room_create(user=hana, title="Open mic").room
    support = staff_in("Support")
    client = signed_in(support)
    listing = client.get("/admin/rooms/room/").content.decode()
    assert "Open mic" in listing
    assert "close_rooms" not in listing
    with pytest.raises(PermissionDenied):
        services.room_close(staff=support, room_id=room.id)
    room.refresh_from_db()
    assert room.state == RoomState.LIVE
    assert AuditEntry.objects.filter(action="room.close").count() == 0
