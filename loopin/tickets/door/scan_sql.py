"""The scan's statements as constant SQL (issue 22): the ticket under its lock, its write with the scan, the keys.

Building these through the ORM cost more CPU than everything else a scan does (docs/PERFORMANCE.md, "The door").
The SQL is written once per process from the models' own table and column names and run through Django's
cursor, so it works on PostgreSQL and SQLite alike; no rule lives here: `scans.py` decides every answer from the
rows these functions return.

- `ticket_locked`: the ticket by id or by code, locked (PostgreSQL `FOR UPDATE OF` the ticket; SQLite's IMMEDIATE
  transaction already holds the write lock), with its person's name and first picture and, for a QR, whether the
  signing key is retired now (read in the same statement, so a retirement is seen by every process at once).
- `scan_write`: the ticket's changed columns and the scan row; on PostgreSQL one statement (a data-modifying CTE).
  The scan's unique (event, nonce) refuses a nonce used before: the caller replays the stored answer.
- `key_public`: an event's signing key by `kid`, cached per process. Only what never changes is cached (the
  event and the public half); `retired_at` is read live by `ticket_locked` / `key_retired`.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.db import connection

from loopin.accounts.models import ProfilePicture, User
from loopin.core.sql import column, prep, quote
from loopin.tickets.models import CheckinKey, Scan, Ticket

TICKET_FIELDS = (
    "id",
    "event_id",
    "user_id",
    "seats",
    "status",
    "source",
    "code",
    "checked_in_at",
    "inside",
    "entry_count",
    "last_scan_at",
)
_UUIDS = {"id", "event_id", "user_id"}
_TIMES = {"checked_in_at", "last_scan_at"}
SCAN_FIELDS = (
    "id",
    "event_id",
    "ticket_id",
    "scanned_by_id",
    "device_id",
    "nonce",
    "fingerprint",
    "method",
    "direction",
    "result",
    "reason",
    "offline",
    "duplicate",
    "scanned_at",
    "received_at",
    "response",
)


@cache
def _ticket_sql(vendor: str, by: str) -> str:
    ticket, user, picture = (quote(m._meta.db_table) for m in (Ticket, User, ProfilePicture))
    columns = ", ".join(f"t.{column(Ticket, f)}" for f in TICKET_FIELDS)
    first = (  # table and column names from the models, as everywhere in this module
        f"SELECT p.{{}} FROM {picture} p WHERE p.{column(ProfilePicture, 'user_id')} = t.{column(Ticket, 'user_id')}"  # noqa: S608
        f" ORDER BY p.{column(ProfilePicture, 'position')}, p.{column(ProfilePicture, 'created_at')} LIMIT 1"
    )
    retired = (
        f"SELECT k.{column(CheckinKey, 'retired_at')} FROM {quote(CheckinKey._meta.db_table)} k"  # noqa: S608
        f" WHERE k.{column(CheckinKey, 'kid')} = %s"
    )
    lock = " FOR UPDATE OF t" if vendor == "postgresql" else ""
    return (
        f"SELECT {columns}, u.{column(User, 'name')},"  # noqa: S608
        f" ({first.format(column(ProfilePicture, 'url'))}), ({first.format(column(ProfilePicture, 'image'))}),"
        f" ({retired})"
        f" FROM {ticket} t JOIN {user} u ON u.{column(User, 'id')} = t.{column(Ticket, 'user_id')}"
        f" WHERE t.{column(Ticket, by)} = %s{lock}"
    )


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _time(value: Any) -> datetime | None:
    """A datetime as the ORM gives it: aware UTC (SQLite's cursor returns the stored text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    moment: datetime = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def ticket_locked(*, ticket_id: uuid.UUID | None = None, code: str | None = None, kid: str | None = None) -> Any:
    """The ticket (id or code) locked for this transaction, or None; `.key_retired_at` is the `kid` key's retirement
    (None for a live key, for no key or for no `kid`). The ticket is a `Ticket` with only the door's fields loaded,
    its `user` with the name only, and `picture_url` / `picture_file` as `with_pictures` annotates them."""
    by, value = ("id", prep(Ticket, "id", ticket_id)) if ticket_id is not None else ("code", code)
    with connection.cursor() as cursor:
        cursor.execute(_ticket_sql(connection.vendor, by), [kid, value])
        row = cursor.fetchone()
    if row is None:
        return None
    values = dict(zip(TICKET_FIELDS, row, strict=False))
    for name in _UUIDS:
        values[name] = _uuid(values[name])
    for name in _TIMES:
        values[name] = _time(values[name])
    values["inside"] = bool(values["inside"])
    ticket = Ticket.from_db(connection.alias, list(TICKET_FIELDS), list(values.values()))
    name, picture_url, picture_file, retired_at = row[len(TICKET_FIELDS) :]
    user = User.from_db(connection.alias, ["id", "name"], [values["user_id"], name])
    Ticket.user.field.set_cached_value(ticket, user)
    for attr, extra in (("picture_url", picture_url), ("picture_file", picture_file), ("key_retired_at", retired_at)):
        setattr(ticket, attr, _time(extra) if attr == "key_retired_at" else extra)
    return ticket


def key_retired(kid: str) -> datetime | None:
    """When the key `kid` was retired (None: live or unknown); for the scan whose ticket no longer exists."""
    sql = f"SELECT {column(CheckinKey, 'retired_at')} FROM {quote(CheckinKey._meta.db_table)} WHERE "  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql + f"{column(CheckinKey, 'kid')} = %s", [kid])
        row = cursor.fetchone()
    return _time(row[0]) if row else None


@cache
def _update_sql(fields: tuple[str, ...]) -> str:
    sets = ", ".join(f"{column(Ticket, f)} = %s" for f in fields)
    return f"UPDATE {quote(Ticket._meta.db_table)} SET {sets} WHERE {column(Ticket, 'id')} = %s"  # noqa: S608


@cache
def _insert_sql() -> str:
    columns = ", ".join(column(Scan, f) for f in SCAN_FIELDS)
    values = ", ".join("%s" for _ in SCAN_FIELDS)
    return f"INSERT INTO {quote(Scan._meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608


def scan_write(ticket: Ticket | None, changed: tuple[str, ...], scan: dict[str, Any]) -> None:
    """Save the ticket's `changed` fields (none: no ticket write) and insert the scan (`scan`: Scan's fields by
    attname, `id` and `received_at` filled in here). IntegrityError when the event has a scan with this nonce."""
    row = {**scan, "id": uuid.uuid4(), "received_at": datetime.now(UTC)}
    insert_params = [prep(Scan, f, row[f]) for f in SCAN_FIELDS]
    with connection.cursor() as cursor:
        if ticket is None or not changed:
            cursor.execute(_insert_sql(), insert_params)
            return
        update_params = [*(prep(Ticket, f, getattr(ticket, f)) for f in changed), prep(Ticket, "id", ticket.id)]
        if connection.vendor == "postgresql":
            cursor.execute(f"WITH changed AS ({_update_sql(changed)}) {_insert_sql()}", update_params + insert_params)
        else:  # SQLite has no data-modifying CTE
            cursor.execute(_update_sql(changed), update_params)
            cursor.execute(_insert_sql(), insert_params)


_keys: dict[str, tuple[uuid.UUID, str]] = {}
_keys_lock = threading.Lock()


def key_public(kid: str) -> tuple[uuid.UUID, str] | None:
    """(event id, public key) of the signing key `kid`, or None when there is none. A key's event and public half
    never change, so a found key is kept for the life of the process (an unknown kid is asked again)."""
    found = _keys.get(kid)
    if found is not None:
        return found
    sql = (
        f"SELECT {column(CheckinKey, 'event_id')}, {column(CheckinKey, 'public_key')}"  # noqa: S608
        f" FROM {quote(CheckinKey._meta.db_table)} WHERE {column(CheckinKey, 'kid')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [kid])
        row = cursor.fetchone()
    if row is None:
        return None
    with _keys_lock:
        _keys[kid] = found = (_uuid(row[0]), row[1])
    return found


def keys_forget() -> None:
    """Empty this process's key cache (tests that count statements start cold)."""
    with _keys_lock:
        _keys.clear()
