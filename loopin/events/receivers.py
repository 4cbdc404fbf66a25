"""Events listening to other domains (connected in EventsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from loopin.accounts.models import User
from loopin.core.logging import get_logger
from loopin.events import signals
from loopin.events.models import Event, TicketTier
from loopin.events.services.blocks import event_ties_end
from loopin.events.services.phone_invitations import phone_invitations_claim
from loopin.events.tasks import send_phone_invitation_sms
from loopin.events.tiers import default_tier, default_tier_price
from loopin.people import signals as people_signals


def _on_user_blocked(sender: Any, blocker_id: Any, blocked_id: Any, **kwargs: Any) -> None:
    event_ties_end(blocker_id=blocker_id, blocked_id=blocked_id)


def _on_user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    # A new account (sign-up): invitations that waited for its phone number are delivered now,
    # inside the transaction that creates the user.
    if created and instance.phone_number:
        phone_invitations_claim(user=instance)


def _on_event_saved(sender: Any, instance: Event, created: bool, raw: bool = False, **kwargs: Any) -> None:
    # Every event sells through tiers: a new one gets its default tier; the event's price (both dialects edit
    # it, and it is locked once seats are taken) is the default tier's.
    if raw:
        return
    if created:
        default_tier(instance)
        return
    price = default_tier_price(instance)
    TicketTier.objects.filter(event_id=instance.id, is_default=True).exclude(price=price).update(price=price)


log = get_logger("loopin.events.receivers")


def _on_phone_invitation_created(sender: Any, phone_invitation_id: Any, **kwargs: Any) -> None:
    try:
        send_phone_invitation_sms.delay(str(phone_invitation_id))
    except Exception as exc:  # the broker is down: the row keeps sms_status "pending" for staff to see
        log.error("phone_invitation_queue_failed", phone_invitation_id=str(phone_invitation_id), error=repr(exc))


def connect_signals() -> None:
    people_signals.user_blocked.connect(_on_user_blocked, dispatch_uid="events.user_blocked")
    signals.phone_invitation_created.connect(_on_phone_invitation_created, dispatch_uid="events.phone_invitation_sms")
    post_save.connect(_on_event_saved, sender=Event, dispatch_uid="events.default_tier")
    post_save.connect(_on_user_saved, sender=User, dispatch_uid="events.phone_invitations_claim")
