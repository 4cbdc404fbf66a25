"""The bare baselines: Starlette + asyncpg, the one SQL query each feed needs, the same JSON fields.

    BASELINE_DSN=postgresql://... python -m bench.baseline --workers N --port P

(served as ours is, `loopin.config.serve.run`: with several workers each listens on its own SO_REUSEPORT socket,
so both sides spread connections across workers alike)

GET /api/v2/events: the discovery feed, byte-for-byte our JSON when anonymous (my_status null); with a bearer
token, the signed-in feed: the token's signature checked (HS256, SECRET_KEY), the session checked (one statement:
not ended, not expired, the user active and not suspended), and the caller's `my_status` read live with the
seat counters in the page's one statement.
POST /api/v2/payments/orders: a hold: the signed-in check as above, then in one transaction the conditional
seat UPDATE (`seats_taken <= capacity - seats`) and the order INSERT; 409 SOLD_OUT when the UPDATE finds no room.
POST /api/v2/events/{id}/check-in: a scan: the QR's Ed25519 signature checked against the event's key (one
statement), then in one transaction the conditional ticket UPDATE ... RETURNING (valid, this event, not inside,
never entered) and the scan INSERT (its nonce unique per event); ok, or already_checked_in.
GET /api/v2/feed: the home feed of the person in the bearer token (its `sub` claim read without checking the
signature or the session): mine, friends' public and friends-only, followed people's public and public posts
at events I hold a ticket for, minus people blocked either way or muted, newest first, 20 per page, each with
its author and first picture, event, media, tags and liked-by-me; one SQL statement straight from PostgreSQL
(no timeline), the same fields as ours (media sizes as stored names, not URLs).

What they leave out (so the ratio shows what our stack costs): rate limits, metrics, request ids and logging,
input validation beyond what the SQL needs, response-model validation, the Django ORM, audit rows, promos, fees
and tiers (the hold prices the seats at the event's ticket price), the waitlist gate and door-staff checks.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

IST = ZoneInfo("Asia/Kolkata")

FEED_SQL = """
SELECT {my} e.id, e.canonical_id, e.slug, e.title, e.start_at, e.end_at, e.status, e.join_mode, e.visibility,
       e.city, e.country_code, e.location_text, e.capacity, e.seats_taken, e.going_count,
       e.is_paid, e.ticket_price, e.currency, e.venue_id, v.name AS venue_name, v.city AS venue_city,
       h.id AS host_id, h.name AS host_name,
       (SELECT p.url FROM accounts_profilepicture p WHERE p.user_id = e.host_id
         ORDER BY p.position, p.created_at LIMIT 1) AS host_picture,
       (SELECT i.url FROM events_eventimage i WHERE i.event_id = e.id
         ORDER BY i.position, i.created_at LIMIT 1) AS cover_image,
       (SELECT coalesce(json_agg(json_build_object('id', it.id, 'name', it.name, 'slug', it.slug)
                                 ORDER BY it.position, it.id), '[]')
          FROM events_event_interests ei JOIN accounts_interest it ON it.id = ei.interest_id
         WHERE ei.event_id = e.id) AS interests,
       count(*) OVER () AS total
  FROM events_event e
  JOIN accounts_user h ON h.id = e.host_id
  LEFT JOIN events_venue v ON v.id = e.venue_id
 WHERE e.deleted_at IS NULL AND e.status = 'published' AND e.visibility = 'public' AND e.start_at >= now()
 ORDER BY e.start_at, e.id
 LIMIT $1 OFFSET $2
"""
ANON_FEED_SQL = FEED_SQL.format(my="")
MY_FEED_SQL = FEED_SQL.format(
    my="""EXISTS (SELECT 1 FROM tickets_ticket t WHERE t.event_id = e.id AND t.user_id = $3 AND t.status = 'valid')
         AS my_ticket,
       (SELECT r.status FROM events_joinrequest r WHERE r.event_id = e.id AND r.user_id = $3
         AND r.status IN ('pending', 'accepted') LIMIT 1) AS my_request,
       (SELECT i.status FROM events_invitation i WHERE i.event_id = e.id AND i.invitee_id = $3
         AND i.status IN ('pending', 'going') LIMIT 1) AS my_invitation,"""
)

SESSION_SQL = """
SELECT 1 FROM accounts_authsession s JOIN accounts_user u ON u.id = s.user_id
 WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()
   AND u.is_active AND NOT u.is_suspended
"""


def _slug(text: str) -> str:
    import re

    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", text.lower())).strip("-_")


def _time(value: datetime) -> str:
    return value.astimezone(IST).isoformat()


def _my_status(r: asyncpg.Record) -> str | None:
    if r["my_ticket"]:
        return "going"
    if r["my_request"] == "accepted" or r["my_invitation"] == "going":
        return "accepted"
    if r["my_request"] == "pending":
        return "requested"
    return "invited" if r["my_invitation"] == "pending" else None


def _card(r: asyncpg.Record) -> dict[str, Any]:
    city_slug = _slug(r["city"]) or ("online" if r["venue_id"] is None else "event")
    return {
        "id": str(r["id"]),
        "canonical_id": r["canonical_id"],
        "title": r["title"],
        "start_at": _time(r["start_at"]),
        "end_at": _time(r["end_at"]),
        "status": r["status"],
        "join_mode": r["join_mode"],
        "visibility": r["visibility"],
        "host": {"id": str(r["host_id"]), "name": r["host_name"] or None, "picture": r["host_picture"] or None},
        "venue": (
            {"id": str(r["venue_id"]), "name": r["venue_name"], "city": r["venue_city"]} if r["venue_id"] else None
        ),
        "location_text": r["location_text"] or None,
        "city": r["city"] or None,
        "interests": json.loads(r["interests"]),
        "cover_image": r["cover_image"] or None,
        "is_paid": r["is_paid"],
        "price": f"{r['ticket_price']:.2f}" if r["is_paid"] else None,
        "currency": r["currency"],
        "capacity": r["capacity"],
        "seats_left": None if r["capacity"] == 0 else max(r["capacity"] - r["seats_taken"], 0),
        "going_count": r["going_count"],
        "my_status": _my_status(r) if "my_ticket" in r else None,
        "distance_km": None,
        "share_path": f"/{r['country_code'].lower()}/{city_slug}/events/{r['slug']}--{r['canonical_id']}",
    }


@asynccontextmanager
async def lifespan(app: Starlette):
    app.state.pool = await asyncpg.create_pool(os.environ["BASELINE_DSN"], min_size=2, max_size=10)
    yield
    await app.state.pool.close()


def _error(status: int, code: str) -> Response:
    body = json.dumps({"success": False, "error_code": code}).encode()
    return Response(body, status_code=status, media_type="application/json")


def _claims(request: Request) -> tuple[uuid.UUID, uuid.UUID] | None:
    """(user id, session id) of a validly signed access token, or None."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        payload = jwt.decode(
            token,
            os.environ.get("JWT_SECRET_KEY") or os.environ["SECRET_KEY"],
            algorithms=["HS256"],
            issuer="loopin",
            options={"require": ["exp", "iat", "sub", "sid", "type"]},
        )
        return uuid.UUID(payload["sub"]), uuid.UUID(payload["sid"])
    except (jwt.PyJWTError, ValueError, KeyError):
        return None


async def _signed_in(conn: asyncpg.Connection, request: Request) -> uuid.UUID | None:
    """The caller's user id after the signature and session checks, or None."""
    claims = _claims(request)
    if claims is None:
        return None
    user_id, session_id = claims
    return user_id if await conn.fetchval(SESSION_SQL, session_id, user_id) else None


async def feed(request: Request) -> Response:
    try:
        offset = max(0, int(request.query_params.get("offset", 0)))
        limit = min(100, max(1, int(request.query_params.get("limit", 20))))
    except ValueError:
        return Response(b'{"success": false}', status_code=422, media_type="application/json")
    async with request.app.state.pool.acquire() as conn:
        if request.headers.get("authorization"):
            user_id = await _signed_in(conn, request)
            if user_id is None:
                return _error(401, "INVALID_TOKEN")
            rows = await conn.fetch(MY_FEED_SQL, limit, offset, user_id)
        else:
            rows = await conn.fetch(ANON_FEED_SQL, limit, offset)
    total = rows[0]["total"] if rows else 0  # an empty page past the end reports 0; fine for a baseline
    body = {
        "success": True,
        "message": "Events",
        "data": [_card(r) for r in rows],
        "meta": {"total": total, "offset": offset, "limit": limit},
    }
    return Response(json.dumps(body).encode(), media_type="application/json")


HOME_SQL = """
WITH friends AS (SELECT friend_id AS id FROM people_friendship WHERE user_id = $1),
following AS (SELECT followee_id AS id FROM people_follow WHERE follower_id = $1 AND status = 'active'),
hidden AS (SELECT blocked_id AS id FROM people_block WHERE blocker_id = $1
           UNION SELECT blocker_id FROM people_block WHERE blocked_id = $1
           UNION SELECT muted_id FROM people_mute WHERE muter_id = $1),
going AS (SELECT event_id AS id FROM tickets_ticket WHERE user_id = $1 AND status = 'valid')
SELECT p.id, p.text, p.visibility, p.like_count, p.comment_count, p.has_video, p.created_at, p.edited_at,
       u.id AS author_id, u.name AS author_name,
       (SELECT pp.url FROM accounts_profilepicture pp WHERE pp.user_id = u.id ORDER BY pp.position LIMIT 1)
         AS author_picture,
       e.id AS event_id, e.title AS event_title,
       (SELECT coalesce(json_agg(json_build_object('id', m.id, 'kind', m.kind, 'status', m.status,
                                                   'width', m.width, 'height', m.height, 'blurhash', m.blurhash,
                                                   'sizes', m.variants) ORDER BY pm.position), '[]')
          FROM posts_postmedia pm JOIN media_media m ON m.id = pm.media_id WHERE pm.post_id = p.id) AS media,
       (SELECT coalesce(json_agg(json_build_object('id', t.user_id, 'name', tu.name)), '[]')
          FROM posts_posttag t JOIN accounts_user tu ON tu.id = t.user_id WHERE t.post_id = p.id) AS tags,
       EXISTS (SELECT 1 FROM posts_postlike l WHERE l.post_id = p.id AND l.user_id = $1) AS liked
  FROM posts_post p
  JOIN accounts_user u ON u.id = p.author_id
  LEFT JOIN events_event e ON e.id = p.event_id
 WHERE p.deleted_at IS NULL
   AND ($2::timestamptz IS NULL OR p.created_at < $2)
   AND (p.author_id = $1
        OR (p.author_id NOT IN (SELECT id FROM hidden)
            AND ((p.author_id IN (SELECT id FROM friends) AND p.visibility IN ('public', 'friends'))
                 OR (p.author_id IN (SELECT id FROM following) AND p.visibility = 'public')
                 OR (p.event_id IN (SELECT id FROM going) AND p.visibility = 'public'))))
 ORDER BY p.created_at DESC
 LIMIT $3
"""


def _viewer(request: Request) -> str | None:
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]
    except (IndexError, ValueError, KeyError):
        return None


def _post(r: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(r["id"]),
        "author": {"id": str(r["author_id"]), "name": r["author_name"], "picture": r["author_picture"]},
        "text": r["text"],
        "visibility": r["visibility"],
        "event": {"id": str(r["event_id"]), "title": r["event_title"]} if r["event_id"] else None,
        "media": json.loads(r["media"]),
        "tags": json.loads(r["tags"]),
        "like_count": r["like_count"],
        "comment_count": r["comment_count"],
        "liked_by_me": r["liked"],
        "is_reel": r["has_video"],
        "created_at": r["created_at"].isoformat(),
        "edited_at": r["edited_at"].isoformat() if r["edited_at"] else None,
    }


async def home(request: Request) -> Response:
    viewer = _viewer(request)
    if viewer is None:
        return Response(b'{"success": false}', status_code=401, media_type="application/json")
    try:
        limit = min(100, max(1, int(request.query_params.get("limit", 20))))
        before = request.query_params.get("before")
        before_at = datetime.fromtimestamp(int(before) / 1000, tz=IST) if before else None
    except ValueError:
        return Response(b'{"success": false}', status_code=422, media_type="application/json")
    async with request.app.state.pool.acquire() as conn:
        rows = await conn.fetch(HOME_SQL, uuid.UUID(viewer), before_at, limit)
    cursor = str(int(rows[-1]["created_at"].timestamp() * 1000)) if len(rows) == limit else None
    body = {
        "success": True,
        "message": "Home feed",
        "data": [_post(r) for r in rows],
        "meta": {"limit": limit, "next_cursor": cursor},
    }
    return Response(json.dumps(body).encode(), media_type="application/json")


HOLD_SQL = """
UPDATE events_event SET seats_taken = seats_taken + $2
 WHERE id = $1 AND deleted_at IS NULL AND status = 'published'
   AND (capacity = 0 OR seats_taken <= capacity - $2)
RETURNING ticket_price, currency
"""
ORDER_SQL = """
INSERT INTO payments_order (
    id, number, event_id, user_id, seats, status, provider, currency, list_price, base_price, fee_percent,
    unit_total, fee_amount, host_earning, total, amount_refunded, discount_amount, promo_code, promo_released,
    credits_applied, credits_released, seats_held, hold_expires_at, provider_order_id, provider_payment_id,
    replaced_provider_order_id, checkout, checkout_attempt, failure_reason, review_reason, created_at, updated_at)
VALUES ($1, nextval('payments_order_number'), $2, $3, $4, 'pending', $5, $6, $7, $7, 0, $7, 0, $7, $8, 0, 0, '',
        false, 0, false, true, $9, '', '', '', '{}', 1, '', '', now(), now())
"""
HOLD_MINUTES = 10


async def hold(request: Request) -> Response:
    try:
        body = json.loads(await request.body())
        event_id, seats = uuid.UUID(body["event_id"]), int(body.get("seats", 1))
        provider = str(body.get("provider", "sandbox"))
    except (ValueError, KeyError, TypeError):
        return _error(422, "VALIDATION_FAILED")
    if not 1 <= seats <= 10:
        return _error(422, "VALIDATION_FAILED")
    async with request.app.state.pool.acquire() as conn:
        user_id = await _signed_in(conn, request)
        if user_id is None:
            return _error(401, "INVALID_TOKEN")
        async with conn.transaction():
            row = await conn.fetchrow(HOLD_SQL, event_id, seats)
            if row is None:
                return _error(409, "SOLD_OUT")
            price: Decimal = row["ticket_price"]
            order_id = uuid.uuid4()
            expires = datetime.now(UTC) + timedelta(minutes=HOLD_MINUTES)
            await conn.execute(
                ORDER_SQL, order_id, event_id, user_id, seats, provider, row["currency"], price, price * seats, expires
            )
    out = {
        "id": str(order_id),
        "event_id": str(event_id),
        "seats": seats,
        "status": "pending",
        "currency": row["currency"],
        "total": f"{price * seats:.2f}",
        "hold_expires_at": expires.isoformat(),
    }
    body_out = {"success": True, "message": "Seats held: complete the payment", "data": out}
    return Response(json.dumps(body_out).encode(), media_type="application/json")


KEY_SQL = "SELECT event_id, public_key, retired_at FROM tickets_checkinkey WHERE kid = $1"
ADMIT_SQL = """
UPDATE tickets_ticket
   SET inside = true, entry_count = entry_count + 1, checked_in_at = coalesce(checked_in_at, now()),
       last_scan_at = now(), no_show_at = NULL
 WHERE id = $1 AND event_id = $2 AND status = 'valid' AND NOT inside AND entry_count = 0
RETURNING id, code, user_id, seats, entry_count, checked_in_at
"""
SCAN_SQL = """
INSERT INTO tickets_scan (id, event_id, ticket_id, device_id, nonce, fingerprint, method, direction, result,
                          reason, offline, duplicate, scanned_at, received_at, response)
VALUES ($1, $2, $3, $4, $5, $6, 'qr', 'entry', $7, $8, false, false, now(), now(), $9)
"""
_PAYLOAD_BYTES, _SIG_BYTES = 50, 64


def _qr(token: str) -> tuple[bytes, bytes, uuid.UUID, uuid.UUID, datetime, str] | None:
    """(payload, signature, ticket id, event id, valid until, kid) of an LP1 token, not yet verified."""
    if not token.startswith("LP1.") or len(token) > 400:
        return None
    text = token[4:]
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        return None
    if len(raw) != _PAYLOAD_BYTES + _SIG_BYTES or raw[0] != 1:
        return None
    payload, signature = raw[:_PAYLOAD_BYTES], raw[_PAYLOAD_BYTES:]
    until = datetime.fromtimestamp(int.from_bytes(payload[38:42], "big"), tz=UTC)
    ticket_id, event_id = uuid.UUID(bytes=payload[1:17]), uuid.UUID(bytes=payload[17:33])
    return payload, signature, ticket_id, event_id, until, payload[42:].hex()


async def scan(request: Request) -> Response:
    try:
        event_id = uuid.UUID(request.path_params["event_id"])
        body = json.loads(await request.body())
        qr, nonce, device_id = str(body["qr"]), str(body["nonce"])[:64], str(body.get("device_id", ""))[:64]
    except (ValueError, KeyError, TypeError):
        return _error(422, "VALIDATION_FAILED")
    parsed = _qr(qr.strip())
    async with request.app.state.pool.acquire() as conn:
        ticket_id, result, reason = None, "invalid", "malformed"
        if parsed is not None:
            payload, signature, ticket_id, token_event, until, kid = parsed
            key = await conn.fetchrow(KEY_SQL, kid)
            try:
                if key is None or key["event_id"] != token_event or key["retired_at"] is not None:
                    raise InvalidSignature
                Ed25519PublicKey.from_public_bytes(
                    base64.urlsafe_b64decode(key["public_key"] + "=" * (-len(key["public_key"]) % 4))
                ).verify(signature, payload)
                result, reason = "ok", ""
            except (InvalidSignature, ValueError):
                ticket_id, reason = None, "bad_signature"
            if result == "ok" and token_event != event_id:
                ticket_id, result, reason = None, "wrong_event", "other_event"
            elif result == "ok" and datetime.now(UTC) > until:
                ticket_id, result, reason = None, "invalid", "expired"
        ticket = None
        async with conn.transaction():
            if ticket_id is not None:
                ticket = await conn.fetchrow(ADMIT_SQL, ticket_id, event_id)
                if ticket is None:
                    result, reason = "already_checked_in", "inside"
            out: dict[str, Any] = {"status": result, "reason": reason or None, "nonce": nonce, "direction": "entry"}
            if ticket is not None:
                out["ticket"] = {"id": str(ticket["id"]), "code": ticket["code"], "entry_count": ticket["entry_count"]}
                out["seats"] = ticket["seats"]
            fingerprint = hashlib.sha256(f"{qr}|entry".encode()).hexdigest()
            await conn.execute(
                SCAN_SQL,
                uuid.uuid4(),
                event_id,
                ticket["id"] if ticket is not None else None,
                device_id,
                nonce,
                fingerprint,
                result,
                reason,
                json.dumps(out),
            )
    body_out = {"success": True, "message": "Scanned", "data": out}
    return Response(json.dumps(body_out).encode(), media_type="application/json")


app = Starlette(
    routes=[
        Route("/api/v2/events", feed),
        Route("/api/v2/feed", home),
        Route("/api/v2/payments/orders", hold, methods=["POST"]),
        Route("/api/v2/events/{event_id}/check-in", scan, methods=["POST"]),
    ],
    lifespan=lifespan,
)


if __name__ == "__main__":
    import argparse

    from loopin.config.serve import run

    parser = argparse.ArgumentParser(description="The bare baselines (bench/baseline.py).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    run(
        "bench.baseline:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        access_log=False,
    )
