"""The notifications domain's part in account deletion, data export and the waitlist welcome."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loopin.notifications.models import Delivery, Device, Notification, Preference
from loopin.notifications.selectors import preferences_of
from loopin.notifications.services import notify

if TYPE_CHECKING:
    from loopin.accounts.models import User


def erase_notifications(user: User) -> None:
    """Delete the person's devices (push tokens), notifications (their text) and preferences."""
    Delivery.objects.filter(device__user=user).delete()
    Device.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    Preference.objects.filter(user=user).delete()


def export_notifications(user: User) -> dict[str, Any]:

    def iso(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "notifications": [
            {
                "id": str(n.id),
                "type": n.type,
                "title": n.title,
                "body": n.body,
                "object_type": n.object_type,
                "object_id": n.object_id,
                "created_at": iso(n.created_at),
                "read_at": iso(n.read_at),
                "deleted_at": iso(n.deleted_at),
            }
            for n in Notification.objects.filter(user=user).order_by("-created_at")
        ],
        "devices": [
            {
                "id": str(d.id),
                "provider": d.provider,
                "platform": d.platform,
                "token": d.token,
                "is_active": d.is_active,
                "created_at": iso(d.created_at),
                "last_seen_at": iso(d.last_seen_at),
            }
            for d in Device.objects.filter(user=user).order_by("created_at")
        ],
        "preferences": {"push": preferences_of(user=user), "in_app": True},
    }


def welcome_promoted(user: User) -> None:
    """A user just left the waitlist (inside the promotion's transaction): welcome them, once."""

    notify(
        user_id=user.id,
        key="account.welcome",
        context={"name": user.name, "first_name": (user.name or "").split(" ")[0]},
        dedupe_key="account.welcome",
    )
