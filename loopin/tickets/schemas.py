"""Request and response shapes of the door (check-in) API, and the ticket enums every ticket shape uses."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from loopin.core.choices import choices_literal
from loopin.events.schemas import DisplayTime, InTime
from loopin.tickets.models import TicketSource, TicketStatus

TicketStatusName = choices_literal(TicketStatus)
TicketSourceName = choices_literal(TicketSource)

ScanStatus = Literal[
    "ok",
    "already_checked_in",
    "not_checked_in",
    "cancelled",
    "refunded",
    "unpaid",
    "wrong_event",
    "invalid",
    "not_yet_open",
]
Direction = Literal["entry", "exit"]
Nonce = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_\-:.]+$", description="Unique per scan (e.g. a UUID)")


class ScanIn(BaseModel):
    """One scan: the QR token or the ticket's short code, which way, and a nonce unique to this scan."""

    qr: str | None = Field(default=None, max_length=400, description="The QR payload (LP1.…)")
    code: str | None = Field(default=None, min_length=4, max_length=16, description="The ticket's short code")
    direction: Direction = "entry"
    nonce: str = Nonce
    scanned_at: InTime | None = None
    device_id: str = Field(default="", max_length=64)

    @model_validator(mode="after")
    def _one_of(self) -> ScanIn:
        if bool(self.qr) == bool(self.code):
            raise ValueError("Send exactly one of qr or code.")
        return self


class BatchScanIn(BaseModel):
    qr: str | None = Field(default=None, max_length=400)
    code: str | None = Field(default=None, min_length=4, max_length=16)
    direction: Direction = "entry"
    nonce: str = Nonce
    scanned_at: InTime

    @model_validator(mode="after")
    def _one_of(self) -> BatchScanIn:
        if bool(self.qr) == bool(self.code):
            raise ValueError("Send exactly one of qr or code.")
        return self


class BatchIn(BaseModel):
    """Scans made while offline, each with its nonce and the time it was made."""

    device_id: str = Field(default="", max_length=64)
    scans: list[BatchScanIn] = Field(min_length=1, max_length=500)


class TicketAtDoorOut(BaseModel):
    id: uuid.UUID
    code: str
    status: Literal["valid", "cancelled", "refunded"]
    inside: bool
    entry_count: int
    checked_in_at: DisplayTime | None


class AttendeeOut(BaseModel):
    id: uuid.UUID
    name: str | None
    picture: str | None = Field(description="The first profile picture")


class ConflictOut(BaseModel):
    """The admission an offline duplicate clashes with."""

    scan_id: uuid.UUID
    scanned_at: DisplayTime
    device_id: str
    offline: bool
    scanned_by: str | None


class ScanOut(BaseModel):
    status: ScanStatus
    reason: str | None = Field(
        description="Why, when useful: malformed, bad_signature, unknown_key, retired_key, expired, unknown_code, "
        "unknown_ticket, other_event, inside, reentry_refused, out_of_order, not_purchased, order_not_paid"
    )
    message: str
    nonce: str
    direction: Direction
    scanned_at: DisplayTime
    duplicate: bool = Field(description="Offline: the ticket was already admitted by another scan")
    conflict: ConflictOut | None
    ticket: TicketAtDoorOut | None
    attendee: AttendeeOut | None
    seats: int | None


class BatchScanOut(ScanOut):
    index: int = Field(description="Position of this scan in the request")


class BatchOut(BaseModel):
    results: list[BatchScanOut] = Field(description="In the order applied (by scanned_at)")
    applied: int
    ok: int
    duplicates: int
    failed: int


class KeyOut(BaseModel):
    kid: str
    algorithm: Literal["Ed25519"]
    public_key: str = Field(description="Raw 32-byte public key, base64url without padding")
    is_active: bool = Field(description="Signs new codes; inactive keys still verify until retired")
    created_at: DisplayTime
    retired_at: DisplayTime | None


class RotateIn(BaseModel):
    retire_previous: bool = Field(
        default=False, description="Also retire the old keys now: codes they signed stop being valid"
    )


class RevokedTicketOut(BaseModel):
    ticket_id: uuid.UUID
    code: str
    status: Literal["cancelled", "refunded"]
    revoked_at: DisplayTime | None


class RevokedOut(BaseModel):
    as_of: DisplayTime = Field(description="Pass as `since` next time")
    tickets: list[RevokedTicketOut]
    retired_kids: list[str]


class DoorSettingsIn(BaseModel):
    reentry_allowed: bool | None = None
    opens_minutes_before: int | None = Field(default=None, ge=0, le=1440)


class DoorSettingsOut(BaseModel):
    reentry_allowed: bool
    opens_minutes_before: int
    opens_at: DisplayTime
    opened_at: DisplayTime | None


class StaffIn(BaseModel):
    """Who: a user id or a phone number."""

    user_id: uuid.UUID | None = None
    phone_number: str | None = Field(default=None, max_length=32)

    @model_validator(mode="after")
    def _one_of(self) -> StaffIn:
        if (self.user_id is None) == (not self.phone_number):
            raise ValueError("Send exactly one of user_id or phone_number.")
        return self


class StaffOut(BaseModel):
    user_id: uuid.UUID
    name: str | None
    phone_number: str = Field(description="Masked")
    picture: str | None
    added_at: DisplayTime


class SearchHitOut(BaseModel):
    ticket_id: uuid.UUID
    code: str
    status: Literal["valid", "cancelled", "refunded"]
    seats: int
    inside: bool
    checked_in_at: DisplayTime | None
    attendee: AttendeeOut
    phone_number: str = Field(description="Masked")


class QuarterOut(BaseModel):
    start: DisplayTime
    end: DisplayTime
    entries: int
    exits: int


class StatsOut(BaseModel):
    expected: int = Field(description="Valid tickets")
    expected_seats: int
    checked_in: int = Field(description="Valid tickets admitted at least once")
    checked_in_seats: int
    inside_now: int
    inside_now_seats: int
    no_shows: int = Field(description="After the end: valid tickets never admitted")
    event_ended: bool
    failed_scans: int
    by_quarter_hour: list[QuarterOut]


class QrTokenOut(BaseModel):
    ticket_id: uuid.UUID
    code: str
    token: str
    kid: str
    valid_from: DisplayTime
    valid_until: DisplayTime


class ScannerOut(BaseModel):
    id: uuid.UUID
    name: str | None


class ScanLogOut(BaseModel):
    id: uuid.UUID
    scanned_at: DisplayTime
    received_at: DisplayTime
    direction: Direction
    result: ScanStatus
    reason: str | None
    method: Literal["qr", "code"]
    device_id: str
    offline: bool
    duplicate: bool
    scanned_by: ScannerOut | None
    ticket_code: str | None
    attendee_name: str | None


class CalendarFeedOut(BaseModel):
    """The caller's new feed address (shown once: only its hash is kept)."""

    url: str = Field(description="https address of the feed (.ics), for calendars that take a URL")
    webcal_url: str = Field(description="The same as webcal://, which opens the phone's calendar to subscribe")
    created_at: DisplayTime


class CalendarFeedStateOut(BaseModel):
    active: bool = Field(description="A feed address exists (its token is not shown again; rotate for a new one)")
    created_at: DisplayTime | None


class GoogleWalletOut(BaseModel):
    save_url: str = Field(description="https://pay.google.com/gp/v/save/<signed JWT>: opens Add to Google Wallet")
