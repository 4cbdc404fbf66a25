"""What rooms does when other domains change (connected in RoomsConfig.ready)."""

from __future__ import annotations

from loopin.core import hooks
from loopin.realtime.services import register_connection_listener
from loopin.rooms import lifecycle


def connect() -> None:
    hooks.register_erasure_step("rooms.memberships", lifecycle.erase_rooms)
    hooks.register_export_section("rooms", lifecycle.export_rooms)
    register_connection_listener("rooms", on_open=lifecycle.socket_rooms)
