"""Writes at the door: scans (online and offline batches), door staff, signing keys, door settings, no-shows.

A scan's decision and its write are one step under the ticket's row lock (`select_for_update`; SQLite
serialises writers with IMMEDIATE transactions), so two scanners at once admit a ticket exactly once.
Every scan, failed ones too, is stored with the answer given; the same nonce replays that answer.

Offline scans (the batch) are applied in time order. An offline entry of a ticket that another scan
already admitted is reported as `already_checked_in` with `duplicate: true` and the admission it clashes
with, because the offline scanner has already let that person in. An offline scan older than the
ticket's last entry/exit cannot rewrite history: it changes nothing and says so (`reason: out_of_order`).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import NotFound, ValidationFailed
from loopin.events.models import Event
from loopin.events.signals import send_after_commit
from loopin.tickets import signing
from loopin.tickets.door import scan_sql
from loopin.tickets.door.pictures import annotated_picture
from loopin.tickets.door.purchases import purchase_paid
from loopin.tickets.door.settings import door_event, door_settings, opens_at
from loopin.tickets.error_codes import TicketErrorCode
from loopin.tickets.errors import NonceReused
from loopin.tickets.models import (
    Scan,
    ScanDirection,
    ScanResult,
    Ticket,
    TicketSource,
    TicketStatus,
)
from loopin.tickets.signals import ticket_checked_in

MESSAGES = {
    ScanResult.OK: "Welcome in.",
    ScanResult.ALREADY_CHECKED_IN: "This ticket is already checked in.",
    ScanResult.NOT_CHECKED_IN: "This ticket is not checked in.",
    ScanResult.CANCELLED: "This ticket was cancelled.",
    ScanResult.REFUNDED: "This ticket was refunded.",
    ScanResult.UNPAID: "This ticket is not paid.",
    ScanResult.WRONG_EVENT: "This ticket is for another event.",
    ScanResult.INVALID: "This is not a valid ticket.",
    ScanResult.NOT_YET_OPEN: "Check-in is not open yet.",
}
EXIT_MESSAGE = "See you later."
MAX_FUTURE_SKEW = timedelta(minutes=5)

# scans


@dataclass(frozen=True)
class ScanIn:
    nonce: str
    direction: str = ScanDirection.ENTRY
    qr: str | None = None
    code: str | None = None
    scanned_at: datetime | None = None
    device_id: str = ""

    @property
    def method(self) -> str:
        return "qr" if self.qr else "code"

    @property
    def fingerprint(self) -> str:
        value = self.qr.strip() if self.qr else _normal_code(self.code or "")
        return hashlib.sha256(f"{self.method}:{value}:{self.direction}".encode()).hexdigest()


def _normal_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def checkin_scan(*, actor: User, event_id: uuid.UUID, scan: ScanIn) -> dict[str, Any]:
    """One online scan (host or door staff): decide and record it; the same nonce replays the answer."""
    event = door_event(actor, event_id)
    return _scan(actor=actor, event=event, scan=scan, offline=False)


def checkin_user(*, actor: User, event_id: uuid.UUID, user_id: uuid.UUID) -> dict[str, Any]:
    """Manual check-in from the guest list: the person's valid ticket, scanned by its code (a fresh nonce)."""
    event = door_event(actor, event_id)
    ticket = Ticket.objects.filter(event=event, user_id=user_id, status=TicketStatus.VALID).first()
    if ticket is None:
        raise NotFound("This person has no valid ticket for the event.", code=TicketErrorCode.TICKET_NOT_FOUND)
    scan = ScanIn(nonce=f"manual-{uuid.uuid4().hex}", code=ticket.code, device_id="guest-list")
    return _scan(actor=actor, event=event, scan=scan, offline=False)


def checkin_batch(*, actor: User, event_id: uuid.UUID, scans: list[ScanIn]) -> list[dict[str, Any]]:
    """Scans made offline, applied in the order they were made; one result each, in that order."""
    event = door_event(actor, event_id)
    now = timezone.now()
    # Refuse the whole batch before applying any of it: a time in the future, a nonce reused for another scan.
    for i, scan in enumerate(scans):
        _check_time(scan, now, field=f"scans.{i}.scanned_at")
    fingerprints: dict[str, str] = {}
    stored = Scan.objects.filter(event=event, nonce__in=[s.nonce for s in scans]).values_list("nonce", "fingerprint")
    for nonce, fingerprint in [*stored, *((s.nonce, s.fingerprint) for s in scans)]:
        if fingerprints.setdefault(nonce, fingerprint) != fingerprint:
            raise NonceReused(details={"nonce": nonce})
    order = sorted(range(len(scans)), key=lambda i: (scans[i].scanned_at or now, i))
    results = []
    for i in order:
        result = _scan(actor=actor, event=event, scan=scans[i], offline=True)
        results.append({"index": i, **result})
    return results


def _check_time(scan: ScanIn, now: datetime, *, field: str = "scanned_at") -> None:
    if scan.scanned_at is not None and scan.scanned_at > now + MAX_FUTURE_SKEW:
        raise ValidationFailed.one(field, "in_future", "scanned_at is in the future.")


def _replay(event: Event, scan: ScanIn) -> dict[str, Any] | None:
    stored = Scan.objects.filter(event=event, nonce=scan.nonce).only("fingerprint", "response").first()
    if stored is None:
        return None
    if stored.fingerprint != scan.fingerprint:
        raise NonceReused(details={"nonce": scan.nonce})
    response: dict[str, Any] = stored.response
    return response


@dataclass(frozen=True)
class _Target:
    """What a scan points at: a signed ticket id (with its key and expiry, checked under the lock) or a code."""

    ticket_id: uuid.UUID | None = None
    code: str | None = None
    kid: str | None = None
    valid_until: datetime | None = None


def _scan(*, actor: User, event: Event, scan: ScanIn, offline: bool) -> dict[str, Any]:
    now = timezone.now()
    _check_time(scan, now)
    identified_at = scan.scanned_at or now
    target, failure = _identify(event, scan)
    # A nonce seen before is answered from the stored scan: the insert meets the unique (event, nonce)
    # constraint, everything this scan did rolls back, and the stored answer is replayed.
    try:
        with transaction.atomic():
            ticket = None
            if target is not None:
                ticket = scan_sql.ticket_locked(ticket_id=target.ticket_id, code=target.code, kid=target.kid)
                failure = _locked_failure(event, target, ticket, at=identified_at)
                if failure is not None:
                    ticket = None
            now = timezone.now()
            at = (scan.scanned_at or now) if offline else now
            if ticket is not None and ticket.event_id != event.id:  # a signed code never says so; be sure
                ticket, failure = None, (ScanResult.WRONG_EVENT, "other_event")
            changed: tuple[str, ...] = ()
            if ticket is None:
                result, reason = failure or (ScanResult.INVALID, "unknown_ticket")
                duplicate = False
            else:
                verdict = _scan_verdict(event, ticket, scan.direction, at=at, offline=offline)
                result, reason, duplicate, changed = verdict
            response = _response(event, ticket, scan, result, reason, duplicate, at=scan.scanned_at or now)
            scan_sql.scan_write(
                ticket,
                changed,
                {
                    "event_id": event.id,
                    "ticket_id": ticket.id if ticket is not None else None,
                    "scanned_by_id": actor.id,
                    "device_id": scan.device_id,
                    "nonce": scan.nonce,
                    "fingerprint": scan.fingerprint,
                    "method": scan.method,
                    "direction": scan.direction,
                    "result": result,
                    "reason": reason,
                    "offline": offline,
                    "duplicate": duplicate,
                    "scanned_at": scan.scanned_at or now,
                    "response": response,
                },
            )
            audit_record(
                action="checkin.scan",
                actor=actor,
                obj=ticket or event,
                subject=ticket.user if ticket is not None else None,
                data={
                    "event_id": str(event.id),
                    "result": result,
                    "reason": reason,
                    "direction": scan.direction,
                    "device_id": scan.device_id,
                    "method": scan.method,
                    "offline": offline,
                },
            )
            if result == ScanResult.OK and reason != "out_of_order" and ticket is not None:
                send_after_commit(ticket_checked_in, ticket_id=ticket.id, direction=scan.direction)
    except IntegrityError:
        # The same nonce, committed before or by a concurrent request between our lock and our insert.
        replay = _replay(event, scan)
        if replay is None:
            raise
        return replay
    return response


def _identify(event: Event, scan: ScanIn) -> tuple[_Target | None, tuple[str, str] | None]:
    """What was scanned, or why it is no ticket: (target, None) or (None, (result, reason)). A QR's key retirement
    and expiry are checked once the ticket is locked (`_locked_failure`), in this same order of reasons."""
    if not scan.qr:
        return _Target(code=_normal_code(scan.code or "")), None
    try:
        claims, payload, signature = signing.token_parse(scan.qr)
    except signing.TokenInvalid as exc:
        return None, (ScanResult.INVALID, exc.reason)
    key = scan_sql.key_public(claims.kid)
    if key is None:
        return None, (ScanResult.INVALID, "unknown_key")
    key_event_id, public_key = key
    if not signing.signature_ok(public_key=public_key, payload=payload, signature=signature):
        return None, (ScanResult.INVALID, "bad_signature")
    if key_event_id != claims.event_id:
        return None, (ScanResult.INVALID, "bad_signature")
    if claims.event_id != event.id:
        return None, (ScanResult.WRONG_EVENT, "other_event")
    return _Target(ticket_id=claims.ticket_id, kid=claims.kid, valid_until=claims.valid_until), None


def _locked_failure(event: Event, target: _Target, ticket: Ticket | None, *, at: datetime) -> tuple[str, str] | None:
    """Why the locked ticket (or its absence) is no admission before its own state is looked at, or None."""
    if target.kid is not None:
        retired_at = getattr(ticket, "key_retired_at", None) if ticket is not None else scan_sql.key_retired(target.kid)
        if retired_at is not None:
            return ScanResult.INVALID, "retired_key"
        if target.valid_until is not None and at > target.valid_until:
            return ScanResult.INVALID, "expired"
        return None
    if ticket is None:
        return ScanResult.INVALID, "unknown_code"
    if ticket.event_id != event.id:
        return ScanResult.WRONG_EVENT, "other_event"
    return None


ENTRY_FIELDS = ("inside", "entry_count", "checked_in_at", "last_scan_at", "no_show_at")
EXIT_FIELDS = ("inside", "last_scan_at")


def _scan_verdict(
    event: Event, ticket: Ticket, direction: str, *, at: datetime, offline: bool
) -> tuple[str, str, bool, tuple[str, ...]]:
    """(result, reason, duplicate, changed fields) for a locked ticket; applies the entry or exit to `ticket` when
    the result is ok (the caller writes the changed fields with the scan)."""
    if ticket.status == TicketStatus.CANCELLED:
        return ScanResult.CANCELLED, "", False, ()
    if ticket.status == TicketStatus.REFUNDED:
        return ScanResult.REFUNDED, "", False, ()
    if event.is_paid and ticket.source != TicketSource.PURCHASE:
        return ScanResult.UNPAID, "not_purchased", False, ()
    if ticket.source == TicketSource.PURCHASE and not _order_paid(ticket):
        return ScanResult.UNPAID, "order_not_paid", False, ()
    stale = offline and ticket.last_scan_at is not None and at < ticket.last_scan_at
    if direction == ScanDirection.ENTRY:
        if at < opens_at(event):
            return ScanResult.NOT_YET_OPEN, "", False, ()
        if stale:
            return ScanResult.ALREADY_CHECKED_IN, "out_of_order", True, ()
        if ticket.inside:
            return ScanResult.ALREADY_CHECKED_IN, "inside", offline, ()
        if ticket.entry_count and not door_settings(event).reentry_allowed:
            return ScanResult.ALREADY_CHECKED_IN, "reentry_refused", offline, ()
        ticket.inside = True
        ticket.entry_count += 1
        ticket.checked_in_at = ticket.checked_in_at or at
        ticket.last_scan_at = at
        ticket.no_show_at = None
        return ScanResult.OK, "", False, ENTRY_FIELDS
    if stale:
        admitted = ticket.checked_in_at is not None and ticket.checked_in_at <= at
        return (ScanResult.OK if admitted else ScanResult.NOT_CHECKED_IN), "out_of_order", False, ()
    if not ticket.inside:
        return ScanResult.NOT_CHECKED_IN, "", False, ()
    ticket.inside = False
    ticket.last_scan_at = at
    return ScanResult.OK, "", False, EXIT_FIELDS


def _order_paid(ticket: Ticket) -> bool:
    """A purchased ticket counts only while its order is paid (a refund cancels the ticket as `refunded`)."""
    return purchase_paid(ticket.id)


def _response(
    event: Event,
    ticket: Ticket | None,
    scan: ScanIn,
    result: str,
    reason: str,
    duplicate: bool,
    *,
    at: datetime,
) -> dict[str, Any]:
    message = (
        EXIT_MESSAGE
        if (result == ScanResult.OK and scan.direction == ScanDirection.EXIT)
        else MESSAGES[ScanResult(result)]
    )
    out: dict[str, Any] = {
        "status": str(result),
        "reason": reason or None,
        "message": message,
        "nonce": scan.nonce,
        "direction": scan.direction,
        "scanned_at": at.isoformat(),
        "duplicate": duplicate,
        "conflict": None,
        "ticket": None,
        "attendee": None,
        "seats": None,
    }
    if ticket is None:
        return out
    out["ticket"] = {
        "id": str(ticket.id),
        "code": ticket.code,
        "status": ticket.status,
        "inside": ticket.inside,
        "entry_count": ticket.entry_count,
        "checked_in_at": ticket.checked_in_at.isoformat() if ticket.checked_in_at else None,
    }
    out["attendee"] = {
        "id": str(ticket.user_id),
        "name": ticket.user.name or None,
        "picture": annotated_picture(ticket),
    }
    out["seats"] = ticket.seats
    if duplicate:
        admission = (
            Scan.objects.filter(ticket=ticket, direction=ScanDirection.ENTRY, result=ScanResult.OK)
            .exclude(reason="out_of_order")
            .select_related("scanned_by")
            .order_by("-scanned_at")
            .first()
        )
        if admission is not None:
            out["conflict"] = {
                "scan_id": str(admission.id),
                "scanned_at": admission.scanned_at.isoformat(),
                "device_id": admission.device_id,
                "offline": admission.offline,
                "scanned_by": (admission.scanned_by.name or None) if admission.scanned_by else None,
            }
    return out
