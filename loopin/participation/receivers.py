"""Taking part, listening to other domains (connected in ParticipationConfig.ready): phone invitations wait for
the sign-up of their number, and each one's SMS is queued after its commit; seats coming back (a release, a
raised capacity, any edit of an event or a tier) clear the event's sold-out flags."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models.signals import post_delete, post_save

from loopin.accounts.models import User
from loopin.core.logging import get_logger
from loopin.events import signals
from loopin.events.models import Event, TicketTier
from loopin.participation.phone_invitations import phone_invitations_claim
from loopin.participation.sold_out import sold_out_clear
from loopin.participation.tasks import send_phone_invitation_sms

log = get_logger("loopin.participation.receivers")


def _on_user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    # A new account (sign-up): invitations that waited for its phone number are delivered now,
    # inside the transaction that creates the user.
    if created and instance.phone_number:
        phone_invitations_claim(user=instance)


def _on_phone_invitation_created(sender: Any, phone_invitation_id: uuid.UUID, **kwargs: Any) -> None:
    try:
        send_phone_invitation_sms.delay(str(phone_invitation_id))
    except Exception as exc:  # the broker is down: the row keeps sms_status "pending" for staff to see
        log.error("phone_invitation_queue_failed", phone_invitation_id=str(phone_invitation_id), error=repr(exc))


def _on_seats_released(sender: Any, event_id: uuid.UUID, **kwargs: Any) -> None:
    sold_out_clear(event_id)


def _on_event_saved(sender: Any, instance: Event, **kwargs: Any) -> None:
    sold_out_clear(instance.id)


def _on_tier_changed(sender: Any, instance: TicketTier, **kwargs: Any) -> None:
    sold_out_clear(instance.event_id)


def connect_signals() -> None:
    signals.phone_invitation_created.connect(_on_phone_invitation_created, dispatch_uid="events.phone_invitation_sms")
    post_save.connect(_on_user_saved, sender=User, dispatch_uid="events.phone_invitations_claim")
    signals.seats_released.connect(_on_seats_released, dispatch_uid="participation.sold_out_clear")
    post_save.connect(_on_event_saved, sender=Event, dispatch_uid="participation.sold_out_event_saved")
    post_save.connect(_on_tier_changed, sender=TicketTier, dispatch_uid="participation.sold_out_tier_saved")
    post_delete.connect(_on_tier_changed, sender=TicketTier, dispatch_uid="participation.sold_out_tier_deleted")
