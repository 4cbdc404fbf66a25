"""What the guest carries, part two: an "Add to Google Wallet" save link per ticket.

The link is `https://pay.google.com/gp/v/save/<JWT>`, the JWT signed RS256 with the issuer's service account key
(Google's "save to wallet" format: iss = the service account, aud "google", typ "savetowallet"), carrying the
event's ticket class (`<issuer id>.<event id>`) and the ticket's object (`<issuer id>.<ticket id>`) with the
ticket's signed QR payload as its barcode. Google creates both on the first save; a ticket cancelled before that
is saved INACTIVE, without a barcode. Changing a pass already saved needs Google's REST API (not used here).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from loopin.accounts.models import User
from loopin.core.errors import NotFound, ServiceUnavailable
from loopin.core.links import absolute_url, public_base_url
from loopin.core.settings import get_settings
from loopin.events.models import Event, EventStatus
from loopin.events.share_paths import share_path
from loopin.tickets import signing
from loopin.tickets.door.settings import opens_at
from loopin.tickets.error_codes import TicketErrorCode
from loopin.tickets.models import Ticket, TicketStatus

SAVE_URL = "https://pay.google.com/gp/v/save/"
LANGUAGE = "en"


@dataclass(frozen=True)
class WalletIssuer:
    issuer_id: str
    service_account_email: str
    private_key: RSAPrivateKey
    issuer_name: str
    origins: list[str]


def _not_configured(missing: str) -> ServiceUnavailable:
    return ServiceUnavailable(
        f"Google Wallet is not set up on this server ({missing}).",
        code=TicketErrorCode.GOOGLE_WALLET_NOT_CONFIGURED,
    )


def wallet_issuer() -> WalletIssuer:
    """The configured issuer, or 503 GOOGLE_WALLET_NOT_CONFIGURED."""
    s = get_settings()
    missing = [
        name
        for name in ("GOOGLE_WALLET_ISSUER_ID", "GOOGLE_WALLET_SERVICE_ACCOUNT_EMAIL", "GOOGLE_WALLET_PRIVATE_KEY")
        if not getattr(s, name)
    ]
    if missing:
        raise _not_configured("missing " + ", ".join(missing))
    try:
        key = load_pem_private_key(s.GOOGLE_WALLET_PRIVATE_KEY.encode(), password=None)
    except (ValueError, TypeError):
        raise _not_configured("GOOGLE_WALLET_PRIVATE_KEY is unreadable") from None
    if not isinstance(key, RSAPrivateKey):
        raise _not_configured("GOOGLE_WALLET_PRIVATE_KEY is not an RSA key")
    return WalletIssuer(
        issuer_id=s.GOOGLE_WALLET_ISSUER_ID,
        service_account_email=s.GOOGLE_WALLET_SERVICE_ACCOUNT_EMAIL,
        private_key=key,
        issuer_name=s.GOOGLE_WALLET_ISSUER_NAME,
        origins=list(s.GOOGLE_WALLET_ORIGINS) or [public_base_url()],
    )


def _text(value: str) -> dict[str, Any]:
    return {"defaultValue": {"language": LANGUAGE, "value": value}}


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _place(event: Event) -> tuple[str, str]:
    """(venue name, address) as the pass shows them."""
    venue = event.venue
    if venue is None:
        return event.location_text or event.city or event.title, event.city
    address = ", ".join(part for part in (venue.address, venue.city) if part)
    return venue.name, address or venue.name


def ticket_class(ticket: Ticket, issuer: WalletIssuer) -> dict[str, Any]:
    """The event's EventTicketClass (shared by all its tickets)."""
    event = ticket.event
    name, address = _place(event)
    return {
        "id": f"{issuer.issuer_id}.{event.id}",
        "issuerName": issuer.issuer_name,
        "reviewStatus": "UNDER_REVIEW",
        "eventId": str(event.id),
        "eventName": _text(event.title),
        "venue": {"name": _text(name), "address": _text(address or name)},
        "dateTime": {"start": _iso(event.start_at), "end": _iso(event.end_at)},
        "homepageUri": {"uri": absolute_url(share_path(event)), "description": "Event page"},
    }


def ticket_object(ticket: Ticket, issuer: WalletIssuer) -> dict[str, Any]:
    """The ticket's EventTicketObject: ACTIVE with its QR code, or INACTIVE without one once cancelled."""
    event = ticket.event
    active = ticket.status == TicketStatus.VALID and event.status != EventStatus.CANCELLED
    seats = f"{ticket.seats} seat" + ("s" if ticket.seats != 1 else "")
    obj: dict[str, Any] = {
        "id": f"{issuer.issuer_id}.{ticket.id}",
        "classId": f"{issuer.issuer_id}.{event.id}",
        "state": "ACTIVE" if active else "INACTIVE",
        "ticketHolderName": ticket.user.name or "Guest",
        "ticketNumber": ticket.code,
        "ticketType": _text(ticket.tier.name if ticket.tier is not None else "Ticket"),
        "textModulesData": [{"id": "seats", "header": "Seats", "body": seats}],
        "validTimeInterval": {
            "start": {"date": _iso(opens_at(event))},
            "end": {"date": _iso(event.end_at + signing.VALID_AFTER_END)},
        },
    }
    if active:
        obj["barcode"] = {"type": "QR_CODE", "value": signing.ticket_token(ticket), "alternateText": ticket.code}
    return obj


def save_jwt_claims(ticket: Ticket, issuer: WalletIssuer, *, issued_at: int) -> dict[str, Any]:
    return {
        "iss": issuer.service_account_email,
        "aud": "google",
        "typ": "savetowallet",
        "iat": issued_at,
        "origins": issuer.origins,
        "payload": {
            "eventTicketClasses": [ticket_class(ticket, issuer)],
            "eventTicketObjects": [ticket_object(ticket, issuer)],
        },
    }


def my_google_wallet_link(*, user: User, ticket_id: uuid.UUID) -> dict[str, str]:
    """The caller's ticket as an Add to Google Wallet link (503 GOOGLE_WALLET_NOT_CONFIGURED without an issuer)."""
    ticket = (
        Ticket.objects.select_related("event", "event__venue", "event__door", "tier", "user")
        .filter(id=ticket_id, user=user, event__in=Event.objects.alive())
        .first()
    )
    if ticket is None:
        raise NotFound("Ticket not found.", code=TicketErrorCode.TICKET_NOT_FOUND)
    issuer = wallet_issuer()
    claims = save_jwt_claims(ticket, issuer, issued_at=int(time.time()))
    token = jwt.encode(claims, issuer.private_key, algorithm="RS256")
    return {"save_url": SAVE_URL + token}
