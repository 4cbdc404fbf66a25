"""Buying: holds, the fee snapshot, one open order, sold out, who may buy, reading an order."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.events.models import Event, Invitation, InvitationStatus, JoinMode, JoinRequest, RequestStatus
from loopin.payments.models import FeeConfig, Order
from loopin.payments.tasks import expire_holds
from loopin.payments.tests.helpers import buy
from loopin.staff.groups import READ_ONLY, SUPPORT
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import staff_in, token_for


def test_an_order_holds_the_seats_and_snapshots_the_price(api, paid_event, buyer_headers):
    r = buy(api, buyer_headers, paid_event, seats=1)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert (data["status"], data["base_price"], data["fee_percent"], data["fee_amount"], data["total"]) == (
        "pending",
        "499.00",
        "10.00",
        "49.90",
        "548.90",
    )
    url = data["checkout"]["checkout_url"]
    assert url.startswith(f"http://testserver/api/payments/sandbox/{data['id']}?token=")
    paid_event.refresh_from_db()
    assert (paid_event.seats_taken, paid_event.going_count) == (1, 0)


def test_a_fee_change_does_not_touch_an_existing_order(api, paid_event, buyer_headers):
    order_id = buy(api, buyer_headers, paid_event).json()["data"]["id"]
    FeeConfig.objects.update_or_create(pk=1, defaults={"fee_percent": Decimal("20")})
    assert Order.objects.get(id=order_id).total == Decimal("548.90")


def test_the_hold_lasts_ten_minutes(api, paid_event, buyer_headers):
    before = timezone.now()
    data = buy(api, buyer_headers, paid_event).json()["data"]
    order = Order.objects.get(id=data["id"])
    assert timedelta(minutes=9, seconds=59) < order.hold_expires_at - before <= timedelta(minutes=10, seconds=5)


def test_a_repeat_call_returns_the_open_order(api, paid_event, buyer_headers):
    first = buy(api, buyer_headers, paid_event).json()["data"]["id"]
    second = buy(api, buyer_headers, paid_event).json()["data"]["id"]
    assert first == second
    paid_event.refresh_from_db()
    assert paid_event.seats_taken == 1


def test_a_full_event_answers_sold_out(api, interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("100.00"), capacity=1)
    assert buy(api, token_for(UserWithProfileFactory()), event).status_code == 200
    r = buy(api, token_for(UserWithProfileFactory()), event)
    assert r.status_code == 409
    assert r.json()["error_code"] == "SOLD_OUT"


def test_an_expired_hold_frees_its_seat_for_the_next_buyer(api, interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("100.00"), capacity=1)
    first = buy(api, token_for(UserWithProfileFactory()), event).json()["data"]["id"]
    Order.objects.filter(id=first).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    r = buy(api, token_for(UserWithProfileFactory()), event)
    assert r.status_code == 200, r.text
    assert Order.objects.get(id=first).status == "expired"
    event.refresh_from_db()
    assert event.seats_taken == 1


def test_a_free_event_is_not_sold(api, interests, buyer_headers):
    event = PublishedEventFactory(capacity=5)
    r = buy(api, buyer_headers, event)
    assert (r.status_code, r.json()["error_code"]) == (400, "NOT_A_PAID_EVENT")


def test_the_host_cannot_buy_their_own_event(api, paid_event):
    host = Event.objects.get(id=paid_event.id).host
    r = buy(api, token_for(host), paid_event)
    assert (r.status_code, r.json()["error_code"]) == (400, "OWN_EVENT")


def test_an_approval_event_needs_an_accepted_request(api, interests, buyer, buyer_headers):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("100.00"), join_mode=JoinMode.APPROVAL)
    r = buy(api, buyer_headers, event)
    assert (r.status_code, r.json()["error_code"]) == (403, "REQUEST_NOT_ACCEPTED")
    JoinRequest.objects.create(event=event, user=buyer, status=RequestStatus.ACCEPTED)
    assert buy(api, buyer_headers, event).status_code == 200


def test_an_invite_only_event_needs_an_accepted_invitation(api, interests, buyer, buyer_headers):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("100.00"), join_mode=JoinMode.INVITE_ONLY)
    assert buy(api, buyer_headers, event).json()["error_code"] == "INVITE_ONLY"
    Invitation.objects.create(event=event, invitee=buyer, invited_by=event.host, status=InvitationStatus.GOING)
    assert buy(api, buyer_headers, event).status_code == 200


def test_too_many_seats_are_refused(api, paid_event, buyer_headers):
    r = buy(api, buyer_headers, paid_event, seats=2)
    assert (r.status_code, r.json()["error_code"]) == (400, "TOO_MANY_SEATS")
    assert r.json()["error"] == "This event allows one seat per guest."


def test_an_unconfigured_provider_is_refused(api, paid_event, buyer_headers):
    r = buy(api, buyer_headers, paid_event, provider="stripe")
    assert (r.status_code, r.json()["error_code"]) == (400, "PROVIDER_UNAVAILABLE")
    paid_event.refresh_from_db()
    assert paid_event.seats_taken == 0


def test_the_buyer_and_the_host_read_an_order_but_others_do_not(api, paid_event, buyer_headers):
    order_id = buy(api, buyer_headers, paid_event).json()["data"]["id"]
    host = Event.objects.get(id=paid_event.id).host
    assert api.get(f"/api/v2/payments/orders/{order_id}", headers=buyer_headers).status_code == 200
    host_view = api.get(f"/api/v2/payments/orders/{order_id}", headers=token_for(host))
    assert (host_view.status_code, host_view.json()["data"]["checkout"]) == (200, None)
    stranger = api.get(f"/api/v2/payments/orders/{order_id}", headers=token_for(UserWithProfileFactory()))
    assert stranger.status_code == 404


def test_reading_an_order_past_its_hold_expires_it(api, paid_event, buyer_headers):
    order_id = buy(api, buyer_headers, paid_event).json()["data"]["id"]
    Order.objects.filter(id=order_id).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    r = api.get(f"/api/v2/payments/orders/{order_id}", headers=buyer_headers)
    assert r.json()["data"]["status"] == "expired"
    paid_event.refresh_from_db()
    assert paid_event.seats_taken == 0


def test_the_periodic_task_expires_due_holds_only(api, paid_event, buyer_headers, interests):
    due = buy(api, buyer_headers, paid_event).json()["data"]["id"]
    fresh = buy(api, token_for(UserWithProfileFactory()), paid_event).json()["data"]["id"]
    Order.objects.filter(id=due).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
    assert expire_holds() == 1
    assert (Order.objects.get(id=due).status, Order.objects.get(id=fresh).status) == ("expired", "pending")
    paid_event.refresh_from_db()
    assert paid_event.seats_taken == 1


def test_the_buyer_can_give_up_a_pending_order(api, paid_event, buyer_headers):
    order_id = buy(api, buyer_headers, paid_event).json()["data"]["id"]
    r = api.post(f"/api/v2/payments/orders/{order_id}/cancel", headers=buyer_headers)
    assert r.json()["data"]["status"] == "cancelled"
    assert r.json()["data"]["refund_state"] == "none"
    paid_event.refresh_from_db()
    assert paid_event.seats_taken == 0


def test_the_sandbox_checkout_page_offers_pay_and_fail(api, paid_event, buyer_headers):
    url = buy(api, buyer_headers, paid_event).json()["data"]["checkout"]["checkout_url"]
    r = api.get(url)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "onclick=\"send('pay')\"" in r.text
    assert "onclick=\"send('fail')\"" in r.text
    assert "548.90" in r.text


def test_the_sandbox_is_off_in_production_unless_asked_for(api, paid_event, buyer_headers, app_settings):
    app_settings.ENVIRONMENT = "production"
    r = buy(api, buyer_headers, paid_event, provider="sandbox")
    assert (r.status_code, r.json()["error_code"]) == (400, "PROVIDER_UNAVAILABLE")


def test_my_orders_lists_the_callers_orders_only(api, paid_event, buyer_headers, interests):
    mine = buy(api, buyer_headers, paid_event).json()["data"]["id"]
    buy(api, token_for(UserWithProfileFactory()), paid_event)
    r = api.get("/api/v2/payments/orders", headers=buyer_headers).json()
    assert ([o["id"] for o in r["data"]], r["meta"]["total"]) == ([mine], 1)


def test_staff_read_an_order_only_with_view_order_and_the_read_is_audited(api, paid_event, buyer_headers):
    order_id = buy(api, buyer_headers, paid_event).json()["data"]["id"]
    bare = UserWithProfileFactory(is_staff=True)  # is_staff alone is no power
    assert api.get(f"/api/v2/payments/orders/{order_id}", headers=token_for(bare)).status_code == 404
    support = staff_in(SUPPORT)  # no payments permission
    assert api.get(f"/api/v2/payments/orders/{order_id}", headers=token_for(support)).status_code == 404
    reader = staff_in(READ_ONLY)
    r = api.get(f"/api/v2/payments/orders/{order_id}", headers=token_for(reader))
    assert r.status_code == 200, r.text
    entry = AuditEntry.objects.get(action="staff.order_read")
    assert (entry.actor_id, str(entry.object_id)) == (reader.id, order_id)
