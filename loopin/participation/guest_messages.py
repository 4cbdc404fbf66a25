"""Messages to guests: the host or a co-host sends an announcement to every ticket holder, or one tier's.

The message is stored with the count of people it goes to, and delivered after commit as a push + in-app
notification (`guest_message.sent`, category event_updates) by notifications' trigger job (a Celery task, run
inline in embedded mode) to whoever holds a valid ticket then; cancelled and refunded tickets get nothing.
Each event may send GUEST_MESSAGE_RATE messages (e.g. "5/hour", a moving window shared by all its hosts; Redis
when configured, in-process otherwise); past it the answer is 429 GUEST_MESSAGES_LIMIT with `retry_after`.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core import ratelimit
from loopin.core.errors import BusinessRuleError, NotFound, RateLimited, ValidationFailed
from loopin.core.settings import get_settings
from loopin.events import signals
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import GuestMessage, TicketTier
from loopin.events.selectors.access import event_for
from loopin.events.services.access import ensure_can_manage_and_audit
from loopin.events.signals import send_after_commit
from loopin.tickets.models import Ticket, TicketStatus

MAX_BODY = 1000


def guest_message_audience(*, event_id: uuid.UUID, tier_id: uuid.UUID | None, sender_id: uuid.UUID) -> int:
    """How many people a message would reach: valid ticket holders (of the tier), the sender left out."""
    tickets = Ticket.objects.filter(event_id=event_id, status=TicketStatus.VALID).exclude(user_id=sender_id)
    if tier_id is not None:
        tickets = tickets.filter(tier_id=tier_id)
    return tickets.values("user_id").distinct().count()


def guest_message_send(
    *, sender: User, event_id: uuid.UUID, body: str, tier_id: uuid.UUID | None = None
) -> GuestMessage:
    """Announce something to the event's guests (all, or one tier's): stored, then pushed after commit."""
    text = body.strip()
    if not text:
        raise ValidationFailed.one("body", "blank", "Write the message.")
    if len(text) > MAX_BODY:
        raise ValidationFailed.one("body", "too_long", f"At most {MAX_BODY} characters.")
    event = event_for(sender, event_id)
    ensure_can_manage_and_audit(sender, event, "message")
    tier = None
    if tier_id is not None:
        tier = TicketTier.objects.filter(id=tier_id, event_id=event.id).first()
        if tier is None:
            raise NotFound("The event has no such tier.", code=EventErrorCode.TIER_NOT_FOUND)
    audience = guest_message_audience(event_id=event.id, tier_id=tier_id, sender_id=sender.id)
    if audience == 0:
        raise BusinessRuleError("Nobody holds a ticket to send this to yet.", code=EventErrorCode.NO_GUESTS)
    try:
        ratelimit.hit("events.guest_message", str(event.id), ratelimit.rate(get_settings().GUEST_MESSAGE_RATE))
    except RateLimited as exc:
        raise RateLimited(
            "This event sent as many messages as it may for now. Try again later.",
            retry_after=(exc.details or {}).get("retry_after", 60),
            code=EventErrorCode.GUEST_MESSAGES_LIMIT,
        ) from None
    with transaction.atomic():
        message = GuestMessage.objects.create(
            event=event, sender=sender, tier=tier, body=text, recipients_count=audience
        )
        audit_record(
            action="guest_message.sent",
            actor=sender,
            obj=message,
            data={"event_id": str(event.id), "tier_id": str(tier_id) if tier_id else None, "recipients": audience},
        )
        send_after_commit(signals.guest_message_sent, message_id=message.id)
    return message
