"""What chat does when other domains change (connected in ChatConfig.ready; receivers get ids)."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.chat import account_hooks
from loopin.chat.models import MemberRole
from loopin.chat.services import conversations, groups
from loopin.core import hooks
from loopin.events.signals import event_moved, event_published, ticket_cancelled, ticket_issued
from loopin.organisations.signals import member_role_given
from loopin.people.signals import user_blocked
from loopin.realtime.services import register_connection_listener
from loopin.tickets.models import Ticket
from loopin.tickets.signals import door_staff_changed


def on_event_published(sender: Any, event_id: uuid.UUID, **kwargs: Any) -> None:
    groups.event_chat_open(event_id=event_id)


def on_event_moved(sender: Any, event_id: uuid.UUID, **kwargs: Any) -> None:
    groups.event_chat_hosts_joined(event_id=event_id)


def on_ticket_issued(sender: Any, ticket_id: uuid.UUID, **kwargs: Any) -> None:
    ticket = Ticket.objects.filter(id=ticket_id).values("event_id", "user_id").first()
    if ticket is not None:
        groups.event_chat_join(event_id=ticket["event_id"], user_id=ticket["user_id"])


def on_ticket_cancelled(sender: Any, ticket_id: uuid.UUID, **kwargs: Any) -> None:
    ticket = Ticket.objects.filter(id=ticket_id).values("event_id", "user_id").first()
    if ticket is not None:
        groups.event_chat_remove(event_id=ticket["event_id"], user_id=ticket["user_id"], reason="ticket")


def on_door_staff_changed(sender: Any, event_id: uuid.UUID, user_id: uuid.UUID, added: bool, **kwargs: Any) -> None:
    if added:
        groups.event_chat_join(event_id=event_id, user_id=user_id, role=MemberRole.STAFF)
    else:
        groups.event_chat_remove(event_id=event_id, user_id=user_id, reason="ticket")


def on_user_blocked(sender: Any, blocker_id: uuid.UUID, blocked_id: uuid.UUID, **kwargs: Any) -> None:
    """A block closes the 1:1 both ways and takes the guest out of the host's event chats."""
    conversations.direct_close_for_block(a_id=blocker_id, b_id=blocked_id)
    groups.event_chats_after_block(a_id=blocker_id, b_id=blocked_id)


def on_member_role_given(sender: Any, organisation_id: uuid.UUID, user_id: uuid.UUID, **kwargs: Any) -> None:
    groups.event_chats_member_added(organisation_id=organisation_id, user_id=user_id)


def connect() -> None:
    member_role_given.connect(on_member_role_given, dispatch_uid="chat.organisation_member")
    event_published.connect(on_event_published, dispatch_uid="chat.event_published")
    event_moved.connect(on_event_moved, dispatch_uid="chat.event_moved")
    ticket_issued.connect(on_ticket_issued, dispatch_uid="chat.ticket_issued")
    ticket_cancelled.connect(on_ticket_cancelled, dispatch_uid="chat.ticket_cancelled")
    door_staff_changed.connect(on_door_staff_changed, dispatch_uid="chat.door_staff")
    user_blocked.connect(on_user_blocked, dispatch_uid="chat.user_blocked")
    hooks.register_erasure_step("chat.messages", account_hooks.erase_chat)
    hooks.register_export_section("chat", account_hooks.export_chat)
    register_connection_listener("chat", on_open=account_hooks.socket_opened, on_close=account_hooks.socket_closed)
