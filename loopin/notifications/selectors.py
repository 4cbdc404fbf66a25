"""Reads for the in-app centre and preferences."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loopin.notifications.models import Category, Device, Notification, Preference

if TYPE_CHECKING:
    from loopin.accounts.models import User


def notification_out(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id,
        "type": n.type,
        "category": n.category,
        "title": n.title,
        "body": n.body,
        "object_type": n.object_type or None,
        "object_id": n.object_id or None,
        "screen": n.screen or None,
        "data": n.data,
        "is_read": n.read_at is not None,
        "read_at": n.read_at,
        "created_at": n.created_at,
    }


def notifications_list(
    *, user: User, offset: int, limit: int, unread: bool | None = None
) -> tuple[list[dict[str, Any]], int]:
    """The caller's notifications, newest first; `unread=True` only unread, `False` only read."""
    qs = Notification.objects.filter(user=user, deleted_at__isnull=True)
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    total = qs.count()
    rows = qs.order_by("-created_at", "-id")[offset : offset + limit]
    return [notification_out(n) for n in rows], total


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True, deleted_at__isnull=True).count()


def preferences_of(*, user: User) -> dict[str, bool]:
    """Push on/off for every category (on unless switched off)."""
    saved = dict(Preference.objects.filter(user=user).values_list("category", "push_enabled"))
    return {category: saved.get(category, True) for category in Category.values}


def device_out(d: Device) -> dict[str, Any]:
    return {
        "id": d.id,
        "provider": d.provider,
        "platform": d.platform,
        "is_active": d.is_active,
        "created_at": d.created_at,
    }
