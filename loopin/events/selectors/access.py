"""Who may see and manage an event, and the one way to load an event as a given caller.

Three kinds of people manage an event: its host (everything), its accepted co-hosts (what `CO_HOST_ACTIONS`
lists) and staff (what their Django permissions cover, `STAFF_PERMISSIONS`). The host of a personal event is its
person; the host of an organisation's event is whichever member's role allows the power now (`holds_host_power`,
the organisation's table through `organisation_allows`, read fresh on every call: a removal acts at once; the
event's `host`, the member who created it, holds nothing by that alone). Every check goes through
`holds_host_power` and, for what co-hosts and staff may share, `can_manage` / `ensure_can_manage`; money (payouts,
the order figures, settlement) is the host's alone: `holds_host_power(user, event, "money" | "payouts")`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Literal

from django.db.models import Q, QuerySet, UUIDField

from loopin.accounts.models import User
from loopin.core.compiled import CompiledInstances
from loopin.core.errors import NotFound, PermissionDenied
from loopin.events.error_codes import EventErrorCode
from loopin.events.holders import holds_any_ticket
from loopin.events.models import (
    CoHost,
    Event,
    EventStatus,
    Invitation,
    Visibility,
)
from loopin.organisations.models import Organisation
from loopin.organisations.permissions import OrgAction, role_may
from loopin.organisations.selectors import member_ids_allowed, organisation_allows

EventAction = Literal[
    "view",
    "view_requests",
    "view_invitations",
    "view_attendees",
    "change",
    "cancel",
    "delete",
    "decide",
    "invite",
    "door",
    "message",
    "co_hosts",
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
    "door": ("events.view_event", "tickets.add_doorstaff", "tickets.delete_doorstaff"),  # door staff and rules
    "message": ("events.add_guestmessage",),  # announcements to the guests
    "co_hosts": ("events.add_cohost", "events.delete_cohost"),
}

# What an accepted co-host may do: the one table (docs/TICKETING.md "Co-hosts" shows it). A co-host runs the
# night with the host -- who comes, who is invited, the door, the guest list, announcements -- but the event
# itself (its details, pictures, tiers and prices, promo codes, publishing, cancelling, deleting), the choice of
# co-hosts and all money (payouts, earnings, orders) stay with the host.
CO_HOST_ACTIONS: dict[str, bool] = {
    "view": True,  # drafts and private events
    "view_requests": True,
    "view_invitations": True,  # invitations, phone invitations and invite links
    "view_attendees": True,  # the guest list (phone numbers only by `guest_phones_visible`) and the waitlist
    "change": False,  # edit, images, tiers, promo codes, publish, postpone, complete, check-in signing keys
    "cancel": False,
    "delete": False,
    "decide": True,  # accept / decline requests
    "invite": True,  # invite people and phone numbers, make and revoke invite links
    "door": True,  # door staff, door rules, scanning
    "message": True,  # messages to guests
    "co_hosts": False,  # only the host adds, removes and empowers co-hosts
}


# The host powers beyond what co-hosts and staff share: the guests' phone numbers and money.
HostPower = EventAction | Literal["guest_phones", "money", "payouts"]

# What an organisation's member needs, in the organisation's table (organisations/permissions.py), for each power
# on the organisation's events.
ORGANISATION_ACTIONS: dict[str, OrgAction] = {
    "view": "view",  # drafts and private events: every member
    "view_requests": "requests",
    "view_invitations": "requests",
    "view_attendees": "requests",  # the guest list (phone numbers only with guest_phones)
    "change": "events",
    "cancel": "events",
    "delete": "events",
    "decide": "requests",
    "invite": "requests",
    "door": "door",  # door staff, door rules, scanning
    "message": "requests",
    "co_hosts": "events",
    "guest_phones": "guest_phones",
    "money": "money",  # sales, orders, settlement
    "payouts": "payouts",
}


class _Unread:
    """A fact the caller has not read (the function reads it)."""


UNREAD = _Unread()


def holds_host_power(
    user: User | None, event: Event, power: HostPower = "change", *, role: str | None | _Unread = UNREAD
) -> bool:
    """The one host check: a personal event's person holds every power; on an organisation's event a member holds
    what their role allows now (nobody else, not even the member who created it once they are gone). `role`: the
    caller's role in the event's organisation when already read now (`member_roles` in the event's own statement,
    as `tickets.door.settings.door_event` does); unread, it is read here."""
    if user is None or user.pk is None:
        return False
    if event.organisation_id is not None and not isinstance(role, _Unread):
        return role_may(role, ORGANISATION_ACTIONS[power])
    organisation = event.organisation if event.organisation_id is not None else None
    if organisation is None:
        return user.id == event.host_id
    return organisation_allows(user, organisation, ORGANISATION_ACTIONS[power])


def host_power_events(user: User | None, events: Iterable[Event], power: HostPower = "change") -> set[uuid.UUID]:
    """`holds_host_power` for a list: the ids of `events` on which `user` holds `power` now, with one query for all
    the organisations' events among them (none when there are none)."""
    if user is None or user.pk is None:
        return set()
    rows = list(events)
    held = {e.id for e in rows if e.organisation_id is None and e.host_id == user.id}
    organisation_ids = {e.organisation_id for e in rows if e.organisation_id is not None}
    if organisation_ids:
        allowed = set(
            Organisation.objects.for_member(user, ORGANISATION_ACTIONS[power])
            .filter(id__in=organisation_ids)
            .values_list("id", flat=True)
        )
        held |= {e.id for e in rows if e.organisation_id in allowed}
    return held


def hosted_by(user: User, power: HostPower = "view", *, prefix: str = "") -> Q:
    """The events `user` holds `power` on now, as a filter: their personal events and every event of an
    organisation whose role allows it (`Organisation.objects.for_member`). `prefix` ("event__") filters a model
    that points at the event."""
    organisations = Organisation.objects.for_member(user, ORGANISATION_ACTIONS[power])
    return Q(**{f"{prefix}host_id": user.id, f"{prefix}organisation__isnull": True}) | Q(
        **{f"{prefix}organisation__in": organisations}
    )


def host_power_holders(event: Event, power: HostPower) -> set[uuid.UUID]:
    """Everyone who holds `power` on the event now (the same rule as `holds_host_power`, for many people at once):
    a personal event's person; the members of the organisation whose role allows it."""
    if event.organisation_id is None:
        return {event.host_id}
    return set(member_ids_allowed(event.organisation_id, ORGANISATION_ACTIONS[power]))


def staff_may(user: User | None, action: EventAction) -> bool:
    """Whether a staff member's permissions cover `action` on any host's event."""
    return bool(user is not None and user.is_staff and user.has_perms(STAFF_PERMISSIONS[action]))


def co_hostings(*, user_id: Any, event_id: Any) -> QuerySet[CoHost]:
    """The person's accepted co-hosting of the event as a query (the ids may be `OuterRef`s): what `co_host_of`
    reads, and what a query of the event can ask in the same statement (`Exists`)."""
    return CoHost.objects.filter(event_id=event_id, user_id=user_id, accepted_at__isnull=False)


def co_host_of(user: User | None, event: Event) -> CoHost | None:
    """The caller's accepted co-hosting of this event (read fresh each time: a removal takes effect at once)."""
    if user is None or user.pk is None:
        return None
    return co_hostings(user_id=user.id, event_id=event.id).first()


def co_host_may(user: User | None, event: Event, action: EventAction, *, accepted: bool | _Unread = UNREAD) -> bool:
    """Whether the caller co-hosts the event (accepted) and co-hosts may do `action`. `accepted`: whether the caller's
    accepted co-hosting exists, when already read now (`co_hostings`); unread, it is read here."""
    if not CO_HOST_ACTIONS[action]:
        return False
    if not isinstance(accepted, _Unread):
        return accepted and user is not None and user.pk is not None
    return co_host_of(user, event) is not None


def can_manage(user: User | None, event: Event, action: EventAction = "change") -> bool:
    """The host may do everything to their event; co-hosts what `CO_HOST_ACTIONS` lists; staff what their
    permissions cover."""
    if user is None:
        return False
    return holds_host_power(user, event, action) or co_host_may(user, event, action) or staff_may(user, action)


ManageAccess = Literal["host", "co_host", "staff"]


def manage_access(user: User, event: Event, action: EventAction = "change") -> ManageAccess:
    """How the caller may do `action` to the event: as its host, as a co-host allowed it, or on a staff
    permission; 403 NOT_EVENT_HOST for anyone else. Reads only: a staff use is recorded by the caller's service
    (`events.services.access`)."""
    if holds_host_power(user, event, action):
        return "host"
    if co_host_may(user, event, action):
        return "co_host"
    if not staff_may(user, action):
        raise PermissionDenied("Only the host can do this.", code=EventErrorCode.NOT_EVENT_HOST)
    return "staff"


def ensure_can_manage(user: User, event: Event, action: EventAction = "change") -> None:
    """Refuse unless the caller is the host, a co-host allowed `action` or staff allowed it. Writes nothing: the
    services that act (and the reads that record a staff look) audit a staff use through
    `events.services.access.ensure_can_manage_and_audit` / `staff_read_audit`."""
    manage_access(user, event, action)


def acts_on_staff_power(user: User, event: Event, action: EventAction) -> bool:
    """Whether the caller would do `action` on a staff permission alone (neither host nor co-host): what is
    audited. No query for a caller who is not staff."""
    if not staff_may(user, action):
        return False
    return not holds_host_power(user, event, action) and not co_host_may(user, event, action)


def guest_phones_visible(user: User | None, event: Event) -> bool:
    """Whether the caller may see the guests' phone numbers (guest list, export): the host (an organisation's
    members whose role allows `guest_phones`); staff who may see users (`accounts.view_user`) and the guest list;
    a co-host only when the host allowed it (`CoHost.can_see_phone_numbers`)."""
    if user is None:
        return False
    if holds_host_power(user, event, "guest_phones"):
        return True
    if staff_may(user, "view_attendees") and user.has_perm("accounts.view_user"):
        return True
    co_host = co_host_of(user, event)
    return co_host is not None and co_host.can_see_phone_numbers


def event_role(user: User | None, event: Event) -> Literal["host", "co_host", "member"] | None:
    """The caller's part in running the event (staff powers are not a role): `member` of the organisation whose
    event it is, with their role's powers."""
    if user is None:
        return None
    if event.organisation_id is not None and holds_host_power(user, event, "view"):
        return "member"
    if holds_host_power(user, event, "view"):
        return "host"
    return "co_host" if co_host_of(user, event) is not None else None


def is_visible(user: User | None, event: Event) -> bool:
    """Drafts: the host and co-hosts only. Private events: they, invitees and ticket holders. Deleted: nobody."""
    if event.deleted_at is not None:
        return False
    personal_host = user is not None and event.organisation_id is None and user.id == event.host_id
    if personal_host or staff_may(user, "view"):
        return True
    if event.status != EventStatus.DRAFT and event.visibility == Visibility.PUBLIC:
        return True  # before the co-host and membership lookups: the feed's public events cost no query more
    if user is None:
        return False
    if co_host_may(user, event, "view") or holds_host_power(user, event, "view"):
        return True
    if event.status == EventStatus.DRAFT:
        return False
    return Invitation.objects.filter(event=event, invitee=user).exists() or holds_any_ticket(user.id, event.id)


# The event with its venue, host and organisation, in one statement compiled once (issue 22: building and compiling
# the select_related query was ~3 ms of Python on every hold, against ~0.6 ms for its SQL).
EVENT_FOR = CompiledInstances(
    Event,
    lambda event_id: Event.objects.alive().filter(id=event_id)[:1],
    related=("venue", "host", "organisation"),
    slots={"event_id": UUIDField()},
)


def event_for(user: User | None, event_id: uuid.UUID, *, lock: bool = False) -> Event:
    if lock:
        event = Event.objects.select_for_update().alive().filter(id=event_id).first()
    else:
        event = EVENT_FOR.instance(event_id=event_id)
    if event is None or not is_visible(user, event):
        raise NotFound("Event not found.", code=EventErrorCode.EVENT_NOT_FOUND)
    return event
