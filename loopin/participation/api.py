"""Taking part over HTTP: join requests, invitations (direct, by phone, share links) and attendance.

Moved from loopin.events.api (issue 20) with their paths, operation ids, tags and documented errors unchanged; the
guest list, the waitlist and guest messages have their own routers beside this one. Mounted after the events
routers, so an event's static paths are matched first.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import Request

from loopin.core.auth import CurrentUser, request_ip
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.events import selectors
from loopin.events.questions import AnswerGiven
from loopin.events.schemas import (
    AcceptLinkIn,
    AttendanceIn,
    BulkActionIn,
    BulkResultOut,
    HostDecisionIn,
    InvitationOut,
    InvitationsIn,
    InviteLinkIn,
    InviteLinkOut,
    JoinRequestIn,
    JoinRequestOut,
    PhoneInvitationIn,
    PhoneInvitationOut,
    RequestStatusName,
    RespondIn,
    answers_given,
)
from loopin.participation import attendance, invite_links, join_requests, phone_invitations, staff_reads
from loopin.participation import invitations as invites
from loopin.participation.guest_list_api import router as guest_list
from loopin.participation.messages_api import router as guest_messages
from loopin.participation.schemas import TicketOut
from loopin.participation.ticket_api import me as my_tickets
from loopin.participation.waitlist_api import router as waitlist

if TYPE_CHECKING:
    from loopin.accounts.models import User

events = APIRouter(prefix="/api/v2/events", tags=["events"])
invitations = APIRouter(prefix="/api/v2/invitations", tags=["invitations"])

ANY_ERROR = (400, 401, 403, 404, 409, 422)


# ---------------------------------------------------------------- writes answered with a read
# The one idiom (issue 20): an endpoint makes one `run_sync` call; a write whose response shows what it wrote
# calls one of these: one service, then one read of the result, on the same worker thread.


def join_request_create_and_read(
    *,
    user: User,
    event_id: uuid.UUID,
    message: str,
    seats: int,
    tier_id: uuid.UUID | None,
    unlock_code: str | None,
    answers: list[AnswerGiven],
) -> JoinRequestOut:
    """Ask to join, then read the request back."""
    req = join_requests.join_request_create(
        user=user,
        event_id=event_id,
        message=message,
        seats=seats,
        tier_id=tier_id,
        unlock_code=unlock_code,
        answers=answers,
    )
    return JoinRequestOut.from_model(req)


def join_request_accept_and_read(
    *, host: User, event_id: uuid.UUID, request_id: uuid.UUID, note: str
) -> JoinRequestOut:
    """Accept a join request, then read it back."""
    return JoinRequestOut.from_model(
        join_requests.join_request_accept(host=host, event_id=event_id, request_id=request_id, note=note)
    )


def join_request_decline_and_read(
    *, host: User, event_id: uuid.UUID, request_id: uuid.UUID, note: str
) -> JoinRequestOut:
    """Decline a join request, then read it back."""
    return JoinRequestOut.from_model(
        join_requests.join_request_decline(host=host, event_id=event_id, request_id=request_id, note=note)
    )


def join_request_cancel_and_read(*, user: User, event_id: uuid.UUID) -> JoinRequestOut:
    """Withdraw the caller's request, then read it back."""
    return JoinRequestOut.from_model(join_requests.join_request_cancel(user=user, event_id=event_id))


def invitations_create_and_read(
    *, host: User, event_id: uuid.UUID, user_ids: list[uuid.UUID], message: str, expires_at: datetime | None
) -> list[InvitationOut]:
    """Invite people, then read back the invitations made."""
    created = invites.invitations_create(
        host=host, event_id=event_id, user_ids=user_ids, message=message, expires_at=expires_at
    )
    return [InvitationOut.from_model(i) for i in created]


def invite_link_create_and_read(
    *, host: User, event_id: uuid.UUID, expires_at: datetime | None, max_uses: int | None
) -> InviteLinkOut:
    """Make a share link, then read it back."""
    return InviteLinkOut.from_model(
        invite_links.invite_link_create(host=host, event_id=event_id, expires_at=expires_at, max_uses=max_uses)
    )


def invitation_respond_and_read(*, user: User, invitation_id: uuid.UUID, response: str, seats: int) -> InvitationOut:
    """Answer an invitation, then read it back."""
    return InvitationOut.from_model(
        invites.invitation_respond(user=user, invitation_id=invitation_id, response=response, seats=seats)
    )


def invite_link_redeem_and_read(*, user: User, token: str, seats: int) -> InvitationOut:
    """Redeem a share link, then read the invitation back."""
    return InvitationOut.from_model(invite_links.invite_link_redeem(user=user, token=token, seats=seats))


def attendance_confirm_and_read(
    *,
    user: User,
    event_id: uuid.UUID,
    seats: int,
    tier_id: uuid.UUID | None,
    unlock_code: str | None,
    answers: list[AnswerGiven],
) -> TicketOut:
    """Take seats at a free event, then read the ticket back."""
    ticket = attendance.attendance_confirm(
        user=user, event_id=event_id, seats=seats, tier_id=tier_id, unlock_code=unlock_code, answers=answers
    )
    return TicketOut.from_model(ticket)


def attendance_cancel_and_read(*, user: User, event_id: uuid.UUID) -> TicketOut:
    """Give up a free ticket, then read it back."""
    return TicketOut.from_model(attendance.attendance_cancel(user=user, event_id=event_id))


# ---------------------------------------------------------------- join requests


@events.post(
    "/{event_id}/requests",
    response_model=Envelope[JoinRequestOut],
    status_code=201,
    responses=error_responses(*ANY_ERROR),
)
async def request_create(event_id: uuid.UUID, body: JoinRequestIn, caller: CurrentUser) -> dict[str, Any]:
    """Ask to join an approval event."""
    req = await run_sync(
        join_request_create_and_read,
        user=caller,
        event_id=event_id,
        message=body.message,
        seats=body.seats_requested,
        tier_id=body.tier_id,
        unlock_code=body.unlock_code,
        answers=answers_given(body.answers),
    )
    return ok(req, "Request sent")


@events.get(
    "/{event_id}/requests", response_model=ListEnvelope[JoinRequestOut], responses=error_responses(401, 403, 404, 422)
)
async def request_list(
    event_id: uuid.UUID,
    page: PageParams,
    caller: CurrentUser,
    status: RequestStatusName | None = None,
) -> dict[str, Any]:
    """The host's list of join requests, with each requester's public profile."""
    return await run_page(
        staff_reads.event_requests_and_audit, page, "Requests", user=caller, event_id=event_id, status=status
    )


@events.post(
    "/{event_id}/requests/bulk-action",
    response_model=Envelope[list[BulkResultOut]],
    responses=error_responses(*ANY_ERROR),
)
async def request_bulk(event_id: uuid.UUID, body: BulkActionIn, caller: CurrentUser) -> dict[str, Any]:
    """Accept or decline up to 100 requests, with a result for each."""
    results = await run_sync(
        join_requests.join_request_bulk,
        host=caller,
        event_id=event_id,
        request_ids=body.request_ids,
        action=body.action,
        note=body.host_message,
    )
    done = sum(1 for r in results if r.ok)
    past = {"accept": "accepted", "decline": "declined"}[body.action]
    return ok([asdict(r) for r in results], f"{done} of {len(results)} requests {past}")


@events.put(
    "/{event_id}/requests/{request_id}/accept",
    response_model=Envelope[JoinRequestOut],
    responses=error_responses(*ANY_ERROR),
)
async def request_accept(
    event_id: uuid.UUID, request_id: uuid.UUID, body: HostDecisionIn, caller: CurrentUser
) -> dict[str, Any]:
    """Accept a request: a free event gives the guest a ticket; a paid one lets them buy."""
    result = await run_sync(
        join_request_accept_and_read,
        host=caller,
        event_id=event_id,
        request_id=request_id,
        note=body.host_message,
    )
    return ok(result, "Request accepted")


@events.put(
    "/{event_id}/requests/{request_id}/decline",
    response_model=Envelope[JoinRequestOut],
    responses=error_responses(*ANY_ERROR),
)
async def request_decline(
    event_id: uuid.UUID, request_id: uuid.UUID, body: HostDecisionIn, caller: CurrentUser
) -> dict[str, Any]:
    """Decline a request, with an optional note."""
    result = await run_sync(
        join_request_decline_and_read,
        host=caller,
        event_id=event_id,
        request_id=request_id,
        note=body.host_message,
    )
    return ok(result, "Request declined")


@events.get("/{event_id}/my-request", response_model=Envelope[JoinRequestOut], responses=error_responses(401, 404, 422))
async def my_request(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """The caller's latest request for this event."""
    req = await run_sync(selectors.my_request, user=caller, event_id=event_id)
    return ok(JoinRequestOut.from_model(req), "Your request")


@events.delete("/{event_id}/my-request", response_model=Envelope[JoinRequestOut], responses=error_responses(*ANY_ERROR))
async def my_request_cancel(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Withdraw the caller's request (an accepted one on a free event gives its seats back)."""
    return ok(await run_sync(join_request_cancel_and_read, user=caller, event_id=event_id), "Request cancelled")


# ---------------------------------------------------------------- invitations


@events.post(
    "/{event_id}/invitations",
    response_model=Envelope[list[InvitationOut]],
    status_code=201,
    responses=error_responses(*ANY_ERROR),
)
async def invitations_create(event_id: uuid.UUID, body: InvitationsIn, caller: CurrentUser) -> dict[str, Any]:
    """Invite people directly (1-50); those already invited or going are skipped."""
    result = await run_sync(
        invitations_create_and_read,
        host=caller,
        event_id=event_id,
        user_ids=body.user_ids,
        message=body.message,
        expires_at=body.expires_at,
    )
    return ok(result, f"{len(result)} invitations sent")


@events.post(
    "/{event_id}/invitations/by-phone",
    response_model=Envelope[PhoneInvitationOut],
    status_code=201,
    responses=error_responses(*ANY_ERROR, 429),
)
async def invitation_by_phone(
    event_id: uuid.UUID, body: PhoneInvitationIn, caller: CurrentUser, request: Request
) -> dict[str, Any]:
    """Invite a phone number: an account gets the invitation; a number without one gets an SMS with the invite
    link, and the invitation waits for its sign-up (SMS budgets per host, per IP and per number, like codes)."""
    masked = await run_sync(
        phone_invitations.invitation_by_phone,
        host=caller,
        event_id=event_id,
        phone_number=body.phone_number,
        message=body.message,
        ip=request_ip(request),
    )
    return ok({"phone_number": masked, "status": "invited"}, "Invitation sent")


@events.get(
    "/{event_id}/invitations", response_model=ListEnvelope[InvitationOut], responses=error_responses(401, 403, 404, 422)
)
async def invitations_list(event_id: uuid.UUID, page: PageParams, caller: CurrentUser) -> dict[str, Any]:
    """The host's list of invitations."""
    return await run_page(staff_reads.event_invitations_and_audit, page, "Invitations", user=caller, event_id=event_id)


@events.post(
    "/{event_id}/invite-links",
    response_model=Envelope[InviteLinkOut],
    status_code=201,
    responses=error_responses(*ANY_ERROR),
)
async def invite_link_create(event_id: uuid.UUID, body: InviteLinkIn, caller: CurrentUser) -> dict[str, Any]:
    """Make a share link that invites whoever opens it (optional expiry and use limit)."""
    link = await run_sync(
        invite_link_create_and_read, host=caller, event_id=event_id, expires_at=body.expires_at, max_uses=body.max_uses
    )
    return ok(link, "Invite link created")


@events.get(
    "/{event_id}/invite-links",
    response_model=Envelope[list[InviteLinkOut]],
    responses=error_responses(401, 403, 404, 422),
)
async def invite_link_list(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """The event's share links."""
    links = await run_sync(staff_reads.event_invite_links_and_audit, user=caller, event_id=event_id)
    return ok([InviteLinkOut.from_model(link) for link in links], "Invite links")


@events.delete(
    "/{event_id}/invite-links/{link_id}", response_model=Envelope[None], responses=error_responses(*ANY_ERROR)
)
async def invite_link_revoke(event_id: uuid.UUID, link_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Switch a share link off."""
    await run_sync(invite_links.invite_link_revoke, host=caller, event_id=event_id, link_id=link_id)
    return ok(None, "Invite link revoked")


@invitations.put(
    "/{invitation_id}/respond", response_model=Envelope[InvitationOut], responses=error_responses(*ANY_ERROR)
)
async def invitation_respond(invitation_id: uuid.UUID, body: RespondIn, caller: CurrentUser) -> dict[str, Any]:
    """Answer an invitation: going or not going."""
    invitation = await run_sync(
        invitation_respond_and_read, user=caller, invitation_id=invitation_id, response=body.response, seats=body.seats
    )
    return ok(invitation, "Response saved")


@invitations.post("/accept-link", response_model=Envelope[InvitationOut], responses=error_responses(*ANY_ERROR))
async def invitation_accept_link(body: AcceptLinkIn, caller: CurrentUser) -> dict[str, Any]:
    """Redeem a share link: you are invited and going."""
    return ok(
        await run_sync(invite_link_redeem_and_read, user=caller, token=body.token, seats=body.seats), "You are in"
    )


# ---------------------------------------------------------------- attendance


@events.post(
    "/{event_id}/confirm-attendance",
    response_model=Envelope[TicketOut],
    status_code=201,
    responses=error_responses(*ANY_ERROR),
)
async def attendance_confirm(event_id: uuid.UUID, body: AttendanceIn, caller: CurrentUser) -> dict[str, Any]:
    """Take seats at a free event and get a ticket."""
    ticket = await run_sync(
        attendance_confirm_and_read,
        user=caller,
        event_id=event_id,
        seats=body.seats,
        tier_id=body.tier_id,
        unlock_code=body.unlock_code,
        answers=answers_given(body.answers),
    )
    return ok(ticket, "You are going")


@events.delete("/{event_id}/attendance", response_model=Envelope[TicketOut], responses=error_responses(*ANY_ERROR))
async def attendance_cancel(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Give up a free ticket; the seats are freed at once."""
    return ok(await run_sync(attendance_cancel_and_read, user=caller, event_id=event_id), "Attendance cancelled")


# `my_tickets` (/me/tickets, loopin.participation.ticket_api) first: it followed the events `me` router.
routers = [my_tickets, events, guest_list, waitlist, guest_messages, invitations]
