"""What rooms does when other domains change (connected in RoomsConfig.ready)."""

from __future__ import annotations

from loopin.core import hooks
from loopin.realtime.services import register_connection_listener
from loopin.rooms import account_hooks


def connect() -> None:
    hooks.register_erasure_step("rooms.memberships", account_hooks.erase_rooms)
    hooks.register_export_section("rooms", account_hooks.export_rooms)
    register_connection_listener("rooms", on_open=account_hooks.socket_rooms)
