"""The host's guest list as a file (CSV or XLSX) and a guest list brought in from a CSV of phone numbers.

Export: every ticket of the event (any status) with the holder's name, handle, tier, status, seats, check-in
time and each current checkout question's answer; phone numbers only for `guest_phones_visible`. Built in
memory up to MAX_EXPORT_ROWS, and audited (it is personal data). CSV cells that a spreadsheet would read as a
formula (= + - @, tab, CR) get a leading apostrophe; XLSX cells are written as plain strings, never formulas.

Import: a preview first (`guest_import_preview`: each row's E.164 number or why not; nothing is sent or stored
but the preview itself, kept in the cache for IMPORT_PREVIEW_MINUTES under a token), then `guest_import_confirm`
invites the valid rows through `phone_invitations.invitation_by_phone` (its SMS budgets, rate limits and rules)
in one transaction; a retried confirm returns the first answer and invites nobody twice.
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound
from loopin.core.ids import url_token
from loopin.core.lazy import lazy_module
from loopin.core.phone import InvalidPhoneNumber, normalize_phone
from loopin.events.error_codes import EventErrorCode
from loopin.events.errors import GuestImportTooLarge
from loopin.events.models import Event, Invitation, InvitationStatus, PhoneInvitation, PhoneInvitationStatus
from loopin.events.questions import answer_sheet
from loopin.events.selectors.access import event_for, guest_phones_visible
from loopin.events.selectors.blocks import exclude_blocked_with_host
from loopin.events.services.access import ensure_can_manage_and_audit
from loopin.participation.phone_invitations import invitation_by_phone
from loopin.people.models import Block, PersonProfile
from loopin.tickets.models import Ticket, TicketStatus

if TYPE_CHECKING:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
else:
    openpyxl = lazy_module("openpyxl")  # loaded by the first spreadsheet export (loopin.core.lazy)

MAX_EXPORT_ROWS = 20_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MAX_IMPORT_BYTES = 256 * 1024
MAX_IMPORT_ROWS = 1000
IMPORT_PREVIEW_MINUTES = 30
PHONE_HEADERS = ("phone", "phone_number", "phone number", "mobile", "number", "phone no", "whatsapp")


# ---------------------------------------------------------------- export


@dataclass(frozen=True)
class GuestFile:
    content: bytes
    filename: str
    media_type: str


def _guest_rows(event: Event, *, phones: bool) -> tuple[list[str], list[list[Any]]]:
    tickets = exclude_blocked_with_host(Ticket.objects.filter(event_id=event.id), event)
    total = tickets.count()
    if total > MAX_EXPORT_ROWS:
        raise BusinessRuleError(
            f"The guest list has {total} rows; one export carries at most {MAX_EXPORT_ROWS}.",
            code=EventErrorCode.GUEST_LIST_TOO_LARGE,
            details={"rows": total, "max_rows": MAX_EXPORT_ROWS},
        )
    page = list(tickets.select_related("user", "tier").order_by("issued_at", "id"))
    handles = dict(
        PersonProfile.objects.filter(user_id__in=[t.user_id for t in page], handle__isnull=False).values_list(
            "user_id", "handle"
        )
    )
    sheet = answer_sheet(event.id, None)
    header = ["Name", "Handle", *(["Phone"] if phones else []), "Tier", "Status", "Seats", "Checked in at (UTC)"]
    header += ["Ticket code", *(q.label for q in sheet.questions)]
    rows = []
    for t in page:
        checked_in = t.checked_in_at.astimezone(UTC).replace(tzinfo=None) if t.checked_in_at else None
        row: list[Any] = [t.user.name, handles.get(t.user_id, "")]
        if phones:
            row.append(t.user.phone_number)
        row += [t.tier.name if t.tier else "", t.status, t.seats, checked_in, t.code]
        row += [sheet.cell(t.user_id, q) for q in sheet.questions]
        rows.append(row)
    return header, rows


def csv_safe(value: Any) -> str:
    """A cell as CSV text that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    text = value.isoformat(sep=" ", timespec="seconds") if isinstance(value, datetime) else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_safe(h) for h in header])
    writer.writerows([csv_safe(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8 names right


def _xlsx(header: list[str], rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("Guests")

    def cell(value: Any) -> WriteOnlyCell:
        c = openpyxl.cell.WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # text, even when it starts with "=": never a formula
        elif isinstance(value, datetime):
            c.number_format = "yyyy-mm-dd hh:mm:ss"
        return c

    ws.append([cell(h) for h in header])
    for row in rows:
        ws.append([cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def guest_list_export(*, user: User, event_id: uuid.UUID, file_format: str) -> GuestFile:
    """The guest list as CSV or XLSX (host, co-hosts, staff allowed to view attendees); audited."""
    with transaction.atomic():
        event = event_for(user, event_id)
        ensure_can_manage_and_audit(user, event, "view_attendees")
        phones = guest_phones_visible(user, event)
        header, rows = _guest_rows(event, phones=phones)
        content = _xlsx(header, rows) if file_format == "xlsx" else _csv(header, rows)
        audit_record(
            action="guest_list.exported",
            actor=user,
            obj=event,
            data={"format": file_format, "rows": len(rows), "phones": phones},
        )
    stem = f"guests-{event.canonical_id or event.id}"
    if file_format == "xlsx":
        return GuestFile(content=content, filename=f"{stem}.xlsx", media_type=XLSX_MEDIA)
    return GuestFile(content=content, filename=f"{stem}.csv", media_type="text/csv; charset=utf-8")


# ---------------------------------------------------------------- import


@dataclass
class ImportRow:
    row: int
    phone: str | None
    name: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class ImportPreview:
    token: str
    expires_at: datetime
    rows: list[ImportRow]

    @property
    def valid(self) -> int:
        return sum(r.ok for r in self.rows)


def _unreadable(message: str) -> BusinessRuleError:
    return BusinessRuleError(message, code=EventErrorCode.GUEST_IMPORT_UNREADABLE)


def _too_large(message: str) -> GuestImportTooLarge:
    return GuestImportTooLarge(message, details={"max_bytes": MAX_IMPORT_BYTES, "max_rows": MAX_IMPORT_ROWS})


def _parse(content: bytes) -> list[tuple[int, str, str]]:
    """(line, raw number, name) for each non-empty row; a first row naming a phone column is a header."""
    if len(content) > MAX_IMPORT_BYTES:
        raise _too_large(f"The file is larger than {MAX_IMPORT_BYTES // 1024} KB.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _unreadable("The file is not UTF-8 text (save it as CSV UTF-8).") from None
    if "\x00" in text:
        raise _unreadable("The file is not a CSV.")
    try:
        lines = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        raise _unreadable("The file is not a CSV.") from None
    phone_col, name_col, start = 0, 1, 0
    if lines:
        head = [c.strip().lower() for c in lines[0]]
        if any(h in PHONE_HEADERS for h in head):
            phone_col = next(i for i, h in enumerate(head) if h in PHONE_HEADERS)
            name_col = head.index("name") if "name" in head else -1
            start = 1
    found = []
    for number, cells in enumerate(lines[start:], start=start + 1):
        if not any(c.strip() for c in cells):
            continue
        raw = cells[phone_col].strip() if phone_col < len(cells) else ""
        name = cells[name_col].strip()[:100] if 0 <= name_col < len(cells) else ""
        found.append((number, raw, name))
        if len(found) > MAX_IMPORT_ROWS:
            raise _too_large(f"The file has more than {MAX_IMPORT_ROWS} rows.")
    if not found:
        raise _unreadable("The file has no phone numbers.")
    return found


def _check_rows(host: User, event: Event, parsed: list[tuple[int, str, str]]) -> list[ImportRow]:
    rows: list[ImportRow] = []
    for number, raw, name in parsed:
        try:
            rows.append(ImportRow(row=number, phone=normalize_phone(raw), name=name))
        except InvalidPhoneNumber:
            rows.append(ImportRow(row=number, phone=None, name=name, error="invalid_number"))
    phones = {r.phone for r in rows if r.phone}
    people = dict(
        User.objects.alive().filter(phone_number__in=phones, is_active=True).values_list("phone_number", "id")
    )
    ids = list(people.values())
    holding = set(
        Ticket.objects.filter(event=event, user_id__in=ids, status=TicketStatus.VALID).values_list("user_id", flat=True)
    )
    invited = set(
        Invitation.objects.filter(
            event=event, invitee_id__in=ids, status__in=[InvitationStatus.PENDING, InvitationStatus.GOING]
        ).values_list("invitee_id", flat=True)
    )
    waiting = set(
        PhoneInvitation.objects.filter(
            event=event, phone_number__in=phones, status=PhoneInvitationStatus.WAITING
        ).values_list("phone_number", flat=True)
    )
    # Only the host's own blocks are named: that someone blocked the host is theirs to keep (they are silently
    # not invited, as by phone one at a time).
    blocked = set(Block.objects.filter(blocker=host, blocked_id__in=ids).values_list("blocked_id", flat=True))
    seen: set[str] = set()
    for r in rows:
        if r.phone is None:
            continue
        person = people.get(r.phone)
        if r.phone in seen:
            r.error = "duplicate_in_file"
        elif r.phone == host.phone_number:
            r.error = "own_number"
        elif person in holding:
            r.error = "has_ticket"
        elif person in invited or r.phone in waiting:
            r.error = "already_invited"
        elif person in blocked:
            r.error = "blocked"
        seen.add(r.phone)
    return rows


def _key(event_id: uuid.UUID, token: str) -> str:
    return f"guest-import:{event_id}:{hashlib.sha256(token.encode()).hexdigest()}"


def _importing_event(host: User, event_id: uuid.UUID) -> Event:
    event = event_for(host, event_id)
    ensure_can_manage_and_audit(host, event, "invite")
    return event


def guest_import_preview(*, host: User, event_id: uuid.UUID, content: bytes, message: str = "") -> ImportPreview:
    """Check a CSV of phone numbers (optional name column): each row's number or why it would not be invited.
    Nothing is sent or stored but this preview (in the cache, under the returned token, for 30 minutes)."""
    event = _importing_event(host, event_id)
    rows = _check_rows(host, event, _parse(content))
    token = url_token(24)
    expires_at = timezone.now() + timedelta(minutes=IMPORT_PREVIEW_MINUTES)
    entry = {
        "host_id": str(host.id),
        "message": message,
        "phones": [r.phone for r in rows if r.ok],
        "result": None,
    }
    cache.set(_key(event.id, token), entry, timeout=IMPORT_PREVIEW_MINUTES * 60)
    audit_record(
        action="guest_import.previewed",
        actor=host,
        obj=event,
        data={"rows": len(rows), "valid": sum(r.ok for r in rows)},
    )
    return ImportPreview(token=token, expires_at=expires_at, rows=rows)


@dataclass
class ImportResult:
    invited: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def guest_import_confirm(*, host: User, event_id: uuid.UUID, token: str, ip: str | None = None) -> ImportResult:
    """Invite the preview's valid numbers (phone invitations, with their SMS rules) in one transaction. A retry
    returns the first answer; a number invited meanwhile is not invited twice (the invitation rules skip it)."""
    _importing_event(host, event_id)
    key = _key(event_id, token)
    entry = cache.get(key)
    if entry is None or entry["host_id"] != str(host.id):
        raise NotFound(
            "This import preview expired: preview the file again.", code=EventErrorCode.GUEST_IMPORT_NOT_FOUND
        )
    if entry["result"] is not None:
        return ImportResult(**entry["result"])
    if not cache.add(f"{key}:lock", 1, timeout=120):
        raise Conflict("This import is being confirmed right now.")
    try:
        with transaction.atomic():
            event = _importing_event(host, event_id)
            for phone in entry["phones"]:
                invitation_by_phone(host=host, event_id=event.id, phone_number=phone, message=entry["message"], ip=ip)
            audit_record(action="guest_import.confirmed", actor=host, obj=event, data={"invited": len(entry["phones"])})
        result = ImportResult(invited=len(entry["phones"]))
        cache.set(key, {**entry, "result": result.as_dict()}, timeout=IMPORT_PREVIEW_MINUTES * 60)
    finally:
        cache.delete(f"{key}:lock")
    return result
