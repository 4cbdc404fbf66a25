"""Reads of the messages to guests: all of an event's to its hosts, the ones meant for them to its guests."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from loopin.core.errors import PermissionDenied
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import GuestMessage
from loopin.events.selectors.access import can_manage, event_for
from loopin.tickets.models import Ticket, TicketStatus

if TYPE_CHECKING:
    from loopin.accounts.models import User


def guest_message_out(message: GuestMessage, *, manager: bool) -> dict[str, Any]:
    return {
        "id": message.id,
        "event_id": message.event_id,
        "tier_id": message.tier_id,
        "tier_name": message.tier.name if message.tier is not None else None,
        "body": message.body,
        "sender_name": (message.sender.name or None) if message.sender is not None else None,
        "recipients_count": message.recipients_count if manager else None,
        "created_at": message.created_at,
    }


def guest_messages_list(
    *, user: User, event_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """Every message to the hosts; to a guest with a valid ticket, the ones for all guests and for their tiers."""
    event = event_for(user, event_id)
    rows = GuestMessage.objects.filter(event=event).select_related("tier", "sender")
    manager = can_manage(user, event, "message")
    if not manager:
        tiers = list(
            Ticket.objects.filter(event=event, user=user, status=TicketStatus.VALID).values_list("tier_id", flat=True)
        )
        if not tiers:
            raise PermissionDenied("Only the event's guests read its messages.", code=EventErrorCode.NOT_A_GUEST)
        rows = rows.filter(tier_id__isnull=True) | rows.filter(tier_id__in=tiers)
    total = rows.count()
    page = rows.order_by("-created_at", "id")[offset : offset + limit]
    return [guest_message_out(m, manager=manager) for m in page], total
