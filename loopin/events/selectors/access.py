"""Who may see and manage an event, and the one way to load an event as a given caller."""

from __future__ import annotations

import uuid
from typing import Literal

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import NotFound, PermissionDenied
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import (
    Event,
    EventStatus,
    Invitation,
    Visibility,
)
from loopin.tickets.models import Ticket

EventAction = Literal[
    "view", "view_requests", "view_invitations", "view_attendees", "change", "cancel", "delete", "decide", "invite"
]
# What a staff member needs to do each thing to another host's event through the mobile API: the same Django
# permissions the admin checks (staff/groups.py), never `is_staff` alone. Read-only and Support hold only
# view_* permissions, so they can look (audited) but not write.
STAFF_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "view": ("events.view_event",),  # drafts and private events
    "view_requests": ("events.view_event", "events.view_joinrequest"),
    "view_invitations": ("events.view_event", "events.view_invitation", "events.view_invitelink"),
    "view_attendees": ("events.view_event", "tickets.view_ticket"),
    "change": ("events.change_event",),  # edit, images, publish, postpone, complete
    "cancel": ("events.change_event",),  # as in the admin, where Operations cancels events (buyers are refunded)
    "delete": ("events.delete_event",),
    "decide": ("events.change_joinrequest",),  # accept / decline requests
    "invite": ("events.add_invitation", "events.add_invitelink", "events.change_invitelink"),
}


def staff_may(user: User | None, action: EventAction) -> bool:
    """Whether a staff member's permissions cover `action` on any host's event."""
    return bool(user is not None and user.is_staff and user.has_perms(STAFF_PERMISSIONS[action]))


def can_manage(user: User | None, event: Event, action: EventAction = "change") -> bool:
    """The host may do everything to their event; staff what their permissions cover."""
    return user is not None and (user.id == event.host_id or staff_may(user, action))


def ensure_can_manage(user: User, event: Event, action: EventAction = "change") -> None:
    """Refuse unless the caller is the host or staff allowed `action`; a staff member's use of the power is
    audited (with the staff member as actor) in the caller's transaction."""
    if user.id == event.host_id:
        return
    if not staff_may(user, action):
        raise PermissionDenied("Only the host can do this.", code=EventErrorCode.NOT_EVENT_HOST)
    audit_record(
        action="staff.event_access",
        actor=user,
        obj=event,
        subject=event.host,
        data={"action": action, "permissions": list(STAFF_PERMISSIONS[action])},
    )


def is_visible(user: User | None, event: Event) -> bool:
    """Drafts: the host only. Private events: the host, invitees and ticket holders. Deleted: nobody."""
    if event.deleted_at is not None:
        return False
    if can_manage(user, event, "view"):
        return True
    if event.status == EventStatus.DRAFT:
        return False
    if event.visibility == Visibility.PUBLIC:
        return True
    if user is None:
        return False
    return (
        Invitation.objects.filter(event=event, invitee=user).exists()
        or Ticket.objects.filter(event=event, user=user).exists()
    )


def event_for(user: User | None, event_id: uuid.UUID, *, lock: bool = False) -> Event:
    qs = Event.objects.select_related("venue", "host")
    if lock:
        qs = Event.objects.select_for_update()
    event = qs.filter(id=event_id, deleted_at__isnull=True).first()
    if event is None or not is_visible(user, event):
        raise NotFound("Event not found.", code=EventErrorCode.EVENT_NOT_FOUND)
    return event


# Staff who may read guests' phone numbers on a guest list (personal data beyond the guest list itself).
GUEST_PHONE_PERMISSIONS = ("events.view_event", "tickets.view_ticket", "accounts.view_user")


def guest_phones_visible(user: User | None, event: Event) -> bool:
    """Whether the caller may see guests' phone numbers (export): the host, or staff allowed to view users."""
    if user is None:
        return False
    if user.id == event.host_id:
        return True
    return bool(user.is_staff and user.has_perms(GUEST_PHONE_PERMISSIONS))
