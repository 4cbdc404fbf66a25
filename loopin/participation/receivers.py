"""Taking part, listening to other domains (connected in ParticipationConfig.ready): phone invitations wait for
the sign-up of their number, and each one's SMS is queued after its commit."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from loopin.accounts.models import User
from loopin.core.logging import get_logger
from loopin.events import signals
from loopin.participation.phone_invitations import phone_invitations_claim
from loopin.participation.tasks import send_phone_invitation_sms

log = get_logger("loopin.participation.receivers")


def _on_user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    # A new account (sign-up): invitations that waited for its phone number are delivered now,
    # inside the transaction that creates the user.
    if created and instance.phone_number:
        phone_invitations_claim(user=instance)


def _on_phone_invitation_created(sender: Any, phone_invitation_id: Any, **kwargs: Any) -> None:
    try:
        send_phone_invitation_sms.delay(str(phone_invitation_id))
    except Exception as exc:  # the broker is down: the row keeps sms_status "pending" for staff to see
        log.error("phone_invitation_queue_failed", phone_invitation_id=str(phone_invitation_id), error=repr(exc))


def connect_signals() -> None:
    signals.phone_invitation_created.connect(_on_phone_invitation_created, dispatch_uid="events.phone_invitation_sms")
    post_save.connect(_on_user_saved, sender=User, dispatch_uid="events.phone_invitations_claim")
