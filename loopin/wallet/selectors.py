"""Reads: a pass's content and signed file, the pass web service's answers (token checked in constant time)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import QuerySet

from loopin.core.errors import BusinessRuleError, LoopinError
from loopin.events.models import Event, EventStatus
from loopin.tickets import signing
from loopin.tickets.models import Ticket, TicketStatus
from loopin.wallet import pkpass
from loopin.wallet.error_codes import WalletErrorCode
from loopin.wallet.models import WalletPass, WalletRegistration
from loopin.wallet.tokens import authorization_token, token_decrypt, token_matches

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_TIER = "General admission"


class PassUnauthorized(LoopinError):
    """Apple's devices get a bare 401 for a wrong, missing or unknown pass token."""

    status = 401
    error_code = WalletErrorCode.WALLET_PASS_UNAUTHORIZED
    default_message = "This pass token is not valid."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, headers={"WWW-Authenticate": "ApplePass"})


@dataclass(frozen=True)
class PassFile:
    content: bytes
    updated_at: datetime
    filename: str


def update_tag(at: datetime) -> str:
    """The `lastUpdated` tag devices send back as `passesUpdatedSince`: microseconds since 1970 (URL-safe)."""
    return str((at - EPOCH) // timedelta(microseconds=1))


def tag_time(tag: str) -> datetime:
    if not tag.isdigit() or len(tag) > 20:
        raise BusinessRuleError("passesUpdatedSince is not a tag this service gave.",
                                code=WalletErrorCode.WALLET_BAD_UPDATE_TAG)  # fmt: skip
    return EPOCH + timedelta(microseconds=int(tag))


def _venue(event: Event) -> str:
    if event.venue is not None:
        return ", ".join(part for part in (event.venue.name, event.venue.city) if part)
    return event.location_text or event.city or "To be announced"


def _where(event: Event) -> tuple[float | None, float | None]:
    venue = event.venue
    if venue is not None and venue.latitude is not None and venue.longitude is not None:
        return float(venue.latitude), float(venue.longitude)
    return event.latitude, event.longitude


def _status_note(ticket: Ticket) -> str:
    if ticket.status != TicketStatus.VALID:
        return "Refunded" if ticket.status == TicketStatus.REFUNDED else "Cancelled"
    if ticket.event.status == EventStatus.CANCELLED:
        return "Event cancelled"
    if ticket.event.status == EventStatus.POSTPONED:
        return "Postponed"
    return ""


def pass_content(wallet_pass: WalletPass, auth_token: str) -> pkpass.PassContent:
    """What the pass shows now: the event's time and place, the tier, the ticket's QR code, voided or not."""
    ticket = wallet_pass.ticket
    event = ticket.event
    latitude, longitude = _where(event)
    return pkpass.PassContent(
        serial_number=wallet_pass.serial_number,
        auth_token=auth_token,
        event_title=event.title,
        start_at=event.start_at,
        venue=_venue(event),
        tier=ticket.tier.name if ticket.tier is not None else DEFAULT_TIER,
        seats=ticket.seats,
        code=ticket.code,
        barcode_message=signing.ticket_token(ticket),
        latitude=latitude,
        longitude=longitude,
        voided=ticket.status != TicketStatus.VALID or event.status == EventStatus.CANCELLED,
        status_note=_status_note(ticket),
    )


def passes_with_tickets() -> QuerySet[WalletPass]:
    return WalletPass.objects.select_related("ticket__event__venue", "ticket__event__door", "ticket__tier")


def pass_file(wallet_pass: WalletPass, auth_token: str) -> PassFile:
    """The signed .pkpass of a pass (loaded with `passes_with_tickets`)."""
    content = pkpass.build(pass_content(wallet_pass, auth_token))
    return PassFile(content=content, updated_at=wallet_pass.updated_at,
                    filename=f"loopin-{wallet_pass.ticket.code}.pkpass")  # fmt: skip


def wallet_pass_authorized(*, pass_type_identifier: str, serial_number: str, authorization: str | None) -> WalletPass:
    """The pass if `Authorization: ApplePass <token>` is its token; 401 for anything else (unknown passes too)."""
    presented = authorization_token(authorization)
    try:
        ticket_id = uuid.UUID(serial_number)
    except ValueError:
        raise PassUnauthorized() from None
    wallet_pass = passes_with_tickets().filter(ticket_id=ticket_id, pass_type_identifier=pass_type_identifier).first()
    if wallet_pass is None or not presented or not token_matches(presented, wallet_pass.auth_token_hash):
        raise PassUnauthorized()
    return wallet_pass


def wallet_pass_latest(
    *, pass_type_identifier: str, serial_number: str, authorization: str | None, if_modified_since: datetime | None
) -> PassFile | None:
    """The pass as it is now, or None (304) when it has not changed since `if_modified_since` (whole seconds)."""
    wallet_pass = wallet_pass_authorized(
        pass_type_identifier=pass_type_identifier, serial_number=serial_number, authorization=authorization
    )
    pkpass.signer()  # 503 only to a device holding a real pass
    if if_modified_since is not None and wallet_pass.updated_at.replace(microsecond=0) <= if_modified_since:
        return None
    token = token_decrypt(wallet_pass.auth_token_encrypted)
    if token is None:  # SECRET_KEY changed: the device proved it holds the token, so it is the one to write again
        token = authorization_token(authorization)
    return pass_file(wallet_pass, token)


def wallet_serials_updated(
    *, device_library_identifier: str, pass_type_identifier: str, since: str | None
) -> dict[str, object] | None:
    """Serial numbers of the device's passes changed after the tag (all without one); None when there are none."""
    registrations = WalletRegistration.objects.filter(
        device__device_library_identifier=device_library_identifier,
        wallet_pass__pass_type_identifier=pass_type_identifier,
    )
    if since:
        registrations = registrations.filter(wallet_pass__updated_at__gt=tag_time(since))
    rows = list(
        registrations.order_by("wallet_pass__updated_at").values_list("wallet_pass_id", "wallet_pass__updated_at")
    )
    if not rows:
        return None
    return {"serialNumbers": [str(ticket_id) for ticket_id, _ in rows], "lastUpdated": update_tag(rows[-1][1])}
