"""Every flow of CLIENT.md, played over HTTP exactly as the Flutter app plays it, asserting each field the
Dart code reads with the JSON type it reads it as (int means a JSON integer, never a string or a bool)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import jwt
from django.utils import timezone

from loopin.app_v1.tests.conftest import app_user, event_form, png
from loopin.events.models import Event
from loopin.payments.providers.payu import request_hash, reverse_hash
from loopin.testing.fixtures import last_code


def is_int(value: Any) -> bool:
    return type(value) is int


def opt(kind: type, value: Any) -> bool:
    return value is None or type(value) is kind


def check_event(e: dict[str, Any]) -> None:
    """The Event object (core/models/event.dart:53-93): one wrongly typed field fails the whole feed."""
    assert is_int(e["id"])
    assert opt(str, e["uuid"]) and opt(str, e["title"]) and opt(str, e["description"])
    assert is_int(e["host"]["id"]) and is_int(e["host"]["user_id"])
    assert opt(str, e["host"]["name"]) and opt(str, e["host"]["username"])
    assert isinstance(e["location"], dict)
    assert opt(str, e["location"]["venue_name"]) and opt(str, e["location"]["address"])
    for key in ("latitude", "longitude"):
        assert e["location"][key] is None or type(e["location"][key]) in (int, float)
    assert opt(str, e["start_time"]) and opt(str, e["end_time"])
    for key in ("max_capacity", "going_count"):
        assert is_int(e[key])
    assert opt(int, e["requests_count"])
    for key in ("is_paid", "allow_plus_one", "is_public", "is_active"):
        assert type(e[key]) is bool
    assert isinstance(e["ticket_price"], str) and isinstance(e["allowed_genders"], str)
    assert all(isinstance(c, str) for c in e["cover_images"])
    assert opt(str, e["status"]) and opt(str, e["payout_status"])
    assert all(is_int(i["id"]) and isinstance(i["name"], str) for i in e["event_interests"])


def feed(api: Any, who: dict[str, Any]) -> dict[int, dict[str, Any]]:
    r = api.get("/api/events", headers=who["headers"])
    assert r.status_code == 200 and "detail" not in r.json()
    for item in r.json()["data"]:
        check_event(item)
    return {e["id"]: e for e in r.json()["data"]}


def create_event(api: Any, host: dict[str, Any], **form: str) -> int:
    files = [("cover_images", ("IMG_3.jpg", png(), "image/jpeg"))]
    r = api.post("/api/events", data=event_form(**form), files=files, headers=host["headers"])
    assert r.status_code // 100 == 2, r.text
    assert is_int(r.json()["id"])
    return r.json()["id"]


def test_sign_up_profile_and_device(api):
    """3.1: C1, C2, C3, C4, C5, C30."""
    phone = "+916205829376"
    r = api.post("/api/auth/signup", json={"phone_number": phone})
    assert r.status_code == 200 and r.json()["success"] is True
    body = api.post("/api/auth/verify-otp", json={"phone_number": phone, "otp_code": last_code(phone)}).json()
    assert body["success"] is True and isinstance(body["token"], str) and "." in body["token"]
    assert body["needs_profile_completion"] is True and type(body["is_verified"]) is bool
    claims = jwt.decode(body["token"], options={"verify_signature": False})
    assert is_int(claims["user_id"]) and claims["phone_number"] == phone
    headers = {"Authorization": f"Bearer {body['token']}"}
    interests = api.get("/api/auth/event-interests", headers=headers).json()
    assert interests["success"] is True and interests["data"]
    assert all(is_int(i["id"]) and isinstance(i["name"], str) and opt(str, i["description"]) for i in interests["data"])
    form = {"phone_number": phone, "name": "Gaurav Kumar", "birth_date": "1995-01-01", "gender": "male",
            "event_interests": f"[{interests['data'][0]['id']},{interests['data'][1]['id']}]"}  # fmt: skip
    r = api.post("/api/auth/complete-profile", data=form, headers=headers,
                 files=[("profile_pictures", ("IMG_2041.jpg", png(), "image/jpeg"))])  # fmt: skip
    assert r.status_code == 200 and r.json()["success"] is True and "detail" not in r.json()
    profile = api.get("/api/auth/profile", headers=headers).json()["data"]
    assert is_int(profile["id"]) and profile["id"] == claims["user_id"]
    for key in ("name", "phone_number", "gender", "bio", "location", "created_at", "updated_at", "birth_date"):
        assert opt(str, profile[key]), key
    assert profile["birth_date"] == "1995-01-01"
    assert all(is_int(i["id"]) and isinstance(i["name"], str) for i in profile["event_interests"])
    assert all(isinstance(p, str) for p in profile["profile_pictures"])
    assert profile["is_active"] is True and profile["is_verified"] is True
    r = api.post("/api/notifications/devices/register", json={"onesignal_player_id": "5b3c-aa", "platform": "android"},
                 headers=headers)  # fmt: skip
    assert r.status_code == 200 and r.json()["success"] is True


def test_host_creates_guest_requests_is_accepted_confirms_and_is_checked_in(api):
    """3.2, 3.3, 3.6: C8, C10, C6, C11, C12, C13, C14, C15, C16, C17, C9, C23, C24, C25, C26."""
    host = app_user(api, "+919800000001", "Asha Rao", "female")
    guest = app_user(api, "+919800000002", "Meera Iyer", "female")
    event_id = create_event(api, host)

    share = api.get(f"/api/events/{event_id}/share-url", headers=host["headers"]).json()
    assert isinstance(share["canonical_url"], str) and share["canonical_url"].startswith("http")
    assert isinstance(share["canonical_path"], str)

    mine = feed(api, host)[event_id]  # a "draft" from the app is live and the host's own
    assert mine["host"]["user_id"] == host["id"] and mine["status"] == "published"
    assert mine["location"]["venue_name"] == "Bastian Garden City"
    assert mine["location"]["address"] == "Bandra West, Mumbai"
    assert mine["start_time"].startswith(event_form()["start_time"][:16])
    assert len(mine["cover_images"]) == 1 and mine["cover_images"][0].startswith("http")
    card = feed(api, guest)[event_id]
    assert card["host"]["user_id"] != guest["id"] and card["host"]["username"] is None

    assert api.get(f"/api/events/{event_id}/my-request", headers=guest["headers"]).status_code == 404
    r = api.post(f"/api/events/{event_id}/requests", json={"message": "I would love to attend this event!",
                 "seats_requested": 1}, headers=guest["headers"])  # fmt: skip
    assert r.status_code // 100 == 2, r.text
    mine = api.get(f"/api/events/{event_id}/my-request", headers=guest["headers"]).json()
    assert mine["status"] == "pending" and mine["can_confirm"] is False
    assert is_int(mine["request_id"]) and is_int(mine["event_id"]) and is_int(mine["seats_requested"])
    assert opt(str, mine["event_title"]) and opt(str, mine["host_message"]) and opt(str, mine["created_at"])

    listed = api.get(f"/api/events/{event_id}/requests", headers=host["headers"]).json()
    (row,) = listed["requests"]
    assert is_int(row["id"]) and row["status"] == "pending" and row["full_name"] == "Meera Iyer"
    assert opt(str, row["profile_picture_url"]) and row["requester_id"] == guest["id"]
    assert feed(api, host)[event_id]["requests_count"] == 1

    r = api.put(f"/api/events/{event_id}/requests/{row['id']}/accept", json={"host_message": ""},
                headers=host["headers"])  # fmt: skip
    assert r.status_code // 100 == 2, r.text
    mine = api.get(f"/api/events/{event_id}/my-request", headers=guest["headers"]).json()
    assert mine["status"] == "accepted" and mine["can_confirm"] is True

    r = api.post(f"/api/events/{event_id}/confirm-attendance", json={"seats": 1}, headers=guest["headers"])
    assert r.status_code // 100 == 2, r.text
    secret = r.json()["ticket_secret"]
    assert isinstance(secret, str) and secret
    ticket = api.get(f"/api/events/{event_id}/my-ticket", headers=guest["headers"]).json()
    assert ticket["ticket_secret"] == secret and ticket["event_title"] == "Rooftop evening"
    assert ticket["venue_name"] == "Bastian Garden City" and isinstance(ticket["cover_image_url"], str)
    assert isinstance(ticket["event_start_time"], str)
    assert api.get(f"/api/events/{event_id}/my-request", headers=guest["headers"]).json()["can_confirm"] is False
    r = api.get("/api/events/my-tickets", headers={**guest["headers"], "accept": "application/json"})
    assert r.status_code == 200 and isinstance(r.json(), list)
    (item,) = r.json()
    assert item["event_id"] == event_id and item["ticket_secret"] == secret and isinstance(item["event_title"], str)
    assert feed(api, guest)[event_id]["going_count"] == 1

    r = api.put(f"/api/events/{event_id}", json={"rsvp_expiry_policy": "48h"}, headers=host["headers"])
    assert r.status_code == 200 and r.json()["data"]["rsvp_expiry_policy"] == "48h"

    Event.objects.filter(number=event_id).update(start_at=timezone.now() + timedelta(minutes=30))
    attendees = api.get(f"/api/events/{event_id}/attendees", headers=host["headers"]).json()["attendees"]
    (guest_row,) = attendees
    assert guest_row["user_id"] == guest["id"] and guest_row["checked_in"] is False
    assert isinstance(guest_row["ticket_secret"], str) and is_int(guest_row["seats"])
    r = api.post(f"/api/events/{event_id}/check-in", json={"ticket_secret": guest_row["ticket_secret"]},
                 headers=host["headers"])  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["already_checked_in"] is False
    again = api.post(f"/api/events/{event_id}/check-in", json={"ticket_secret": guest_row["ticket_secret"]},
                     headers=host["headers"])  # fmt: skip
    assert again.status_code == 200 and again.json()["already_checked_in"] is True
    assert api.get(f"/api/events/{event_id}/attendees", headers=host["headers"]).json()["attendees"][0]["checked_in"]
    checked = api.get(f"/api/events/{event_id}/check-ins", headers=host["headers"]).json()["checked_in"]
    assert [c["user_id"] for c in checked] == [guest["id"]]
    r = api.post(f"/api/events/{event_id}/attendees/{guest['id']}/check-in", json={}, headers=host["headers"])
    assert r.status_code == 200 and r.json()["success"] is True and r.json()["already_checked_in"] is True


def test_invitee_declines_one_and_goes_to_another(api):
    """3.5: C20, C21, C18, C19 (declined, going), C22."""
    host = app_user(api, "+919800000011", "Asha Rao", "female")
    invitee = app_user(api, "+919800000012", "Ravi Menon")
    first, second = create_event(api, host), create_event(api, host, title="Second evening")

    people = api.get(f"/api/events/users/search?event_id={first}&offset=0&limit=100", headers=host["headers"]).json()
    assert is_int(people["total"]) and is_int(people["offset"]) and is_int(people["limit"])
    row = next(p for p in people["data"] if p["id"] == invitee["id"])
    assert row["already_invited"] is False and row["full_name"] == "Ravi Menon"
    assert all(p["id"] != host["id"] for p in people["data"])
    found = api.get(f"/api/events/users/search?event_id={first}&offset=0&limit=100&search=Ravi",
                    headers=host["headers"]).json()["data"]  # fmt: skip
    assert [p["id"] for p in found] == [invitee["id"]]

    for event_id in (first, second):
        r = api.post(f"/api/events/{event_id}/invitations", json={"user_ids": [invitee["id"]], "expiry_policy": "48h"},
                     headers=host["headers"])  # fmt: skip
        assert r.status_code // 100 == 2 and r.json()["success"] is True, r.text
        assert r.json()["created_count"] == 1 and is_int(r.json()["skipped_count"])
        (inv,) = r.json()["invites"]
        assert is_int(inv["invite_id"]) and inv["user_id"] == invitee["id"] and inv["expiry_policy"] == "48h"
    searched = api.get(f"/api/events/users/search?event_id={first}", headers=host["headers"]).json()["data"]
    assert next(p for p in searched if p["id"] == invitee["id"])["already_invited"] is True

    r = api.get("/api/events/my-invitations", headers=invitee["headers"])
    assert r.status_code == 200 and isinstance(r.json(), list)
    invites = {i["event_id"]: i for i in r.json()}
    assert set(invites) == {first, second} and all(i["status"] == "pending" for i in invites.values())
    assert all(is_int(i["invite_id"]) for i in invites.values())
    assert {first, second} <= set(feed(api, invitee))  # the invited events are on the invitee's home page

    no = {"response": "declined", "message": "I cannot attend this event."}
    r = api.put(f"/api/events/invitations/{invites[first]['invite_id']}/respond", json=no, headers=invitee["headers"])
    assert r.status_code in (200, 204)
    yes = {"response": "going", "message": "I will attend this event!"}
    r = api.put(f"/api/events/invitations/{invites[second]['invite_id']}/respond", json=yes, headers=invitee["headers"])
    assert r.status_code == 200, r.text
    assert r.json()["is_paid"] is False and r.json()["requires_payment"] is False
    assert type(r.json()["requires_confirmation"]) is bool
    statuses = {
        i["event_id"]: i["status"] for i in api.get("/api/events/my-invitations", headers=invitee["headers"]).json()
    }
    assert statuses == {first: "declined", second: "accepted"}
    tickets = api.get("/api/events/my-tickets", headers=invitee["headers"]).json()
    assert [t["event_id"] for t in tickets] == [second]

    listed = api.get(f"/api/events/{second}/invitations", headers=host["headers"]).json()["invitations"]
    assert [(i["user_id"], i["status"]) for i in listed] == [(invitee["id"], "accepted")]
    assert all(is_int(i["invite_id"]) and is_int(i["user_id"]) for i in listed)


def test_paid_event_through_payu_with_the_redirect_payload(api, payu):
    """3.4: C7, C27 (201), PayU's surl POST with the reverse hash, C28 (200, paid), C16, then C29."""
    host = app_user(api, "+919800000021", "Asha Rao", "female")
    guest = app_user(api, "+919800000022", "Meera Iyer", "female")
    event_id = create_event(api, host, is_paid="true", ticket_price="499.0", platform_fee="49.9")
    api.post(f"/api/events/{event_id}/requests", json={"message": "hi", "seats_requested": 1}, headers=guest["headers"])
    row = api.get(f"/api/events/{event_id}/requests", headers=host["headers"]).json()["requests"][0]
    api.put(f"/api/events/{event_id}/requests/{row['id']}/accept", json={"host_message": ""}, headers=host["headers"])
    assert api.get(f"/api/events/{event_id}/my-request", headers=guest["headers"]).json()["can_confirm"] is True

    detail = api.get(f"/api/events/{event_id}", headers=guest["headers"]).json()["data"]
    assert detail["is_paid"] is True and detail["ticket_price"] == "499.00"
    r = api.post("/api/payments/orders", json={"event_id": event_id, "amount": 499.0, "seats_count": 1},
                 headers={**guest["headers"], "accept": "application/json"})  # fmt: skip
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    order = data["order"]
    assert is_int(order["id"]) and order["event_id"] == event_id and isinstance(order["order_id"], str)
    assert order["amount"] == "548.90" and order["currency"] == "INR" and order["status"] == "pending"
    redirect = data["payu_redirect"]
    assert "payu" in redirect["payu_url"]
    payload = redirect["payload"]
    assert set(payload) == {"key", "txnid", "amount", "productinfo", "firstname", "email", "phone", "surl", "furl",
                            "hash"}  # fmt: skip
    assert payload["hash"] == request_hash(payload, "payusalt")  # over exactly the ten fields the app posts
    assert not any(c in payload["productinfo"] + payload["firstname"] for c in '"<')

    back = {k: payload[k] for k in ("key", "txnid", "amount", "productinfo", "firstname", "email")}
    back.update(status="success", mihpayid="403993715531077182")
    back["hash"] = reverse_hash(back, "payusalt")
    surl = payload["surl"].split("://", 1)[1].split("/", 1)[1]
    r = api.post("/" + surl, content=urlencode(back), headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]

    r = api.get(f"/api/payments/orders/{order['order_id']}", headers=guest["headers"])
    assert r.status_code == 200 and r.json()["data"]["order"]["status"] == "paid"
    ticket = api.get(f"/api/events/{event_id}/my-ticket", headers=guest["headers"]).json()
    assert isinstance(ticket["ticket_secret"], str) and ticket["ticket_secret"]

    forged = {**back, "status": "success", "hash": "0" * 128}
    assert api.post("/" + surl, content=urlencode(forged),
                    headers={"content-type": "application/x-www-form-urlencoded"}).status_code != 200  # fmt: skip

    bank = {"bank_name": "State Bank of India", "account_number": "12345678901", "ifsc_code": "SBIN0001234",
            "account_holder_name": "Host Person", "is_primary": False}  # fmt: skip
    r = api.post("/api/payouts/bank-accounts", json=bank, headers=host["headers"])
    assert r.status_code // 100 == 2, r.text
    assert r.json()["data"]["account_number"] == "XXXX8901"


def test_payu_failure_page_marks_the_order_failed(api, payu):
    host = app_user(api, "+919800000031", "Asha Rao", "female")
    guest = app_user(api, "+919800000032", "Meera Iyer", "female")
    event_id = create_event(api, host, is_paid="true", ticket_price="200")
    api.post(f"/api/events/{event_id}/requests", json={}, headers=guest["headers"])
    row = api.get(f"/api/events/{event_id}/requests", headers=host["headers"]).json()["requests"][0]
    api.put(f"/api/events/{event_id}/requests/{row['id']}/accept", json={}, headers=host["headers"])
    data = api.post("/api/payments/orders", json={"event_id": event_id, "amount": 200, "seats_count": 1},
                    headers=guest["headers"]).json()["data"]  # fmt: skip
    payload = data["payu_redirect"]["payload"]
    back = {k: payload[k] for k in ("key", "txnid", "amount", "productinfo", "firstname", "email")}
    back.update(status="failure", mihpayid="1", error_Message="Bank declined")
    back["hash"] = reverse_hash(back, "payusalt")
    furl = "/" + payload["furl"].split("://", 1)[1].split("/", 1)[1]
    r = api.post(furl, content=urlencode(back), headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200
    r = api.get(f"/api/payments/orders/{data['order']['order_id']}", headers=guest["headers"])
    assert r.json()["data"]["order"]["status"] == "failed"
