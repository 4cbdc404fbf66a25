"""Reads that write an audit row: a staff member reading the people around an event on their permissions alone
(the requests, invitations, share links, the guest list). The selector reads; this records the look
(`staff.event_access`, as `events.services.access.staff_read_audit` does for every managed read)."""

from __future__ import annotations

import uuid

from loopin.accounts.models import User
from loopin.events.models import InviteLink
from loopin.events.schemas import InvitationOut, JoinRequestOut
from loopin.events.selectors import people
from loopin.events.services.access import staff_read_audit
from loopin.participation import ticket_reads
from loopin.participation.schemas import TicketOut


def event_requests_and_audit(
    *, user: User, event_id: uuid.UUID, status: str | None, offset: int, limit: int
) -> tuple[list[JoinRequestOut], int]:
    """`events.selectors.event_requests`; a staff read is audited."""
    page = people.event_requests(user=user, event_id=event_id, status=status, offset=offset, limit=limit)
    staff_read_audit(user=user, event_id=event_id, action="view_requests")
    return page


def event_invitations_and_audit(
    *, user: User, event_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[InvitationOut], int]:
    """`events.selectors.event_invitations`; a staff read is audited."""
    page = people.event_invitations(user=user, event_id=event_id, offset=offset, limit=limit)
    staff_read_audit(user=user, event_id=event_id, action="view_invitations")
    return page


def event_invite_links_and_audit(*, user: User, event_id: uuid.UUID) -> list[InviteLink]:
    """`events.selectors.event_invite_links`; a staff read is audited."""
    links = people.event_invite_links(user=user, event_id=event_id)
    staff_read_audit(user=user, event_id=event_id, action="view_invitations")
    return links


def event_attendees_and_audit(
    *, user: User, event_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[TicketOut], int]:
    """`ticket_reads.event_attendees` (the guest list); a staff read is audited."""
    page = ticket_reads.event_attendees(user=user, event_id=event_id, offset=offset, limit=limit)
    staff_read_audit(user=user, event_id=event_id, action="view_attendees")
    return page
