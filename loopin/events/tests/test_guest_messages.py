"""Messages to guests: who sends, exactly who receives (valid ticket holders, of a tier), who reads, the limit."""

from __future__ import annotations

import pytest

from loopin.audit.models import AuditEntry
from loopin.events.models import GuestMessage, TicketTier
from loopin.events.services.cohosts import co_host_add, co_host_respond
from loopin.events.tiers import default_tier
from loopin.notifications.models import Notification
from loopin.participation.attendance import attendance_cancel, attendance_confirm
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for


@pytest.fixture
def host(api):
    return UserWithProfileFactory(name="Asha Host")


@pytest.fixture
def event(host):
    return PublishedEventFactory(host=host, capacity=50, title="Rooftop jazz")


@pytest.fixture
def vip(event):
    return TicketTier.objects.create(event=event, name="VIP", price=event.ticket_price)


@pytest.fixture
def guests(event, vip):
    """Two general admission guests, two VIP guests, and a VIP guest who cancelled."""
    general = [UserWithProfileFactory() for _ in range(2)]
    vips = [UserWithProfileFactory() for _ in range(2)]
    cancelled = UserWithProfileFactory()
    for person in general:
        attendance_confirm(user=person, event_id=event.id)
    for person in [*vips, cancelled]:
        attendance_confirm(user=person, event_id=event.id, tier_id=vip.id)
    attendance_cancel(user=cancelled, event_id=event.id)
    return {"general": general, "vip": vips, "cancelled": cancelled}


def _send(api, event, user, **body):
    return api.post(f"/api/v2/events/{event.id}/messages", json=body, headers=token_for(user))


def _received(body):
    return set(Notification.objects.filter(type="guest_message.sent", body=body).values_list("user_id", flat=True))


def test_a_message_to_a_tier_reaches_exactly_its_valid_ticket_holders(api, event, host, vip, guests):
    r = _send(api, event, host, body="VIP doors open at 7 on the side street.", tier_id=str(vip.id))
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert (data["tier_name"], data["recipients_count"], data["sender_name"]) == ("VIP", 2, "Asha Host")
    assert _received("VIP doors open at 7 on the side street.") == {u.id for u in guests["vip"]}
    note = Notification.objects.filter(type="guest_message.sent").first()
    assert (note.title, note.object_id, note.data["message_id"]) == ("Rooftop jazz: Asha Host wrote", str(event.id),
                                                                     data["id"])  # fmt: skip
    entry = AuditEntry.objects.get(action="guest_message.sent")
    assert (entry.actor_id, entry.data["recipients"], entry.data["tier_id"]) == (host.id, 2, str(vip.id))


def test_a_message_to_everyone_skips_cancelled_tickets(api, event, host, guests):
    r = _send(api, event, host, body="Bring a jacket, it gets cold.")
    assert (r.status_code, r.json()["data"]["recipients_count"]) == (201, 4)
    assert _received("Bring a jacket, it gets cold.") == {u.id for u in guests["general"] + guests["vip"]}
    assert guests["cancelled"].id not in _received("Bring a jacket, it gets cold.")


def test_a_co_host_sends_and_a_stranger_or_guest_cannot(api, event, host, guests):
    co = UserWithProfileFactory(name="Maya Co")
    co_host_add(host=host, event_id=event.id, phone_number=co.phone_number)
    guest = guests["general"][0]
    for person in (co, guest, UserWithProfileFactory()):  # co has not accepted yet
        r = _send(api, event, person, body="Hello")
        assert (r.status_code, r.json()["error_code"]) == (403, "NOT_EVENT_HOST")
    co_host_respond(user=co, event_id=event.id, accept=True)
    r = _send(api, event, co, body="Hello from Maya")
    assert (r.status_code, r.json()["data"]["sender_name"]) == (201, "Maya Co")
    assert len(_received("Hello from Maya")) == 4


def test_guests_read_the_messages_meant_for_them(api, event, host, vip, guests):
    _send(api, event, host, body="For everyone")
    _send(api, event, host, body="For VIPs", tier_id=str(vip.id))
    general = api.get(f"/api/v2/events/{event.id}/messages", headers=token_for(guests["general"][0])).json()
    assert [(m["body"], m["recipients_count"]) for m in general["data"]] == [("For everyone", None)]
    vip_guest = api.get(f"/api/v2/events/{event.id}/messages", headers=token_for(guests["vip"][0])).json()
    assert [m["body"] for m in vip_guest["data"]] == ["For VIPs", "For everyone"]
    hosts = api.get(f"/api/v2/events/{event.id}/messages", headers=token_for(host)).json()
    assert ([m["body"] for m in hosts["data"]], hosts["meta"]["total"]) == (["For VIPs", "For everyone"], 2)
    for person in (guests["cancelled"], UserWithProfileFactory()):
        r = api.get(f"/api/v2/events/{event.id}/messages", headers=token_for(person))
        assert (r.status_code, r.json()["error_code"]) == (403, "NOT_A_GUEST")


def test_the_limit_per_event_answers_429_with_its_code(api, event, host, guests, app_settings):
    app_settings.GUEST_MESSAGE_RATE = "2/hour"
    assert _send(api, event, host, body="One").status_code == 201
    assert _send(api, event, host, body="Two").status_code == 201
    r = _send(api, event, host, body="Three")
    assert (r.status_code, r.json()["error_code"]) == (429, "GUEST_MESSAGES_LIMIT")
    assert 1 <= r.json()["details"]["retry_after"] <= 3600
    assert r.headers["retry-after"] == str(r.json()["details"]["retry_after"])
    assert list(GuestMessage.objects.order_by("created_at").values_list("body", flat=True)) == ["One", "Two"]
    assert _received("Three") == set()
    other = PublishedEventFactory(host=host)  # the limit is the event's, not the host's
    attendance_confirm(user=UserWithProfileFactory(), event_id=other.id)
    assert _send(api, other, host, body="Elsewhere").status_code == 201


def test_refusals_nobody_to_reach_another_events_tier_and_bad_input(api, event, host, guests):
    empty = PublishedEventFactory(host=host)
    r = _send(api, empty, host, body="Anyone?")
    assert (r.status_code, r.json()["error_code"]) == (400, "NO_GUESTS")
    r = _send(api, event, host, body="Hi", tier_id=str(default_tier(empty).id))
    assert (r.status_code, r.json()["error_code"]) == (404, "TIER_NOT_FOUND")
    assert _send(api, event, host, body="").status_code == 422
    assert _send(api, event, host, body="x" * 1001).status_code == 422
    r = _send(api, event, host, body="   ")
    assert (r.status_code, r.json()["error_code"]) == (422, "VALIDATION_ERROR")
    assert not GuestMessage.objects.exists()
