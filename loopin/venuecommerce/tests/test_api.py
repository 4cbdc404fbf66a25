"""The HTTP API end to end: the public menu, a guest's order, the counter's queue, staff moves and the errors'
envelopes (codes and statuses)."""

from __future__ import annotations

from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.venuecommerce.tests.conftest import staff_member


def _order(api, world, **body):
    payload = {"counter_id": str(world.counter.id), "lines": [{"variant_id": str(world.water.id), "quantity": 2}]}
    return api.post(f"/api/v2/events/{world.event.id}/orders", json=payload | body, headers=token_for(world.guest))


def test_the_menu_is_public_and_shows_the_event_s_items(api, world):
    r = api.get(f"/api/v2/venues/{world.venue.id}/menu", params={"event_id": str(world.event.id)})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert [i["name"] for i in data["items"]] == ["Masala chai", "Tour tee", "Water"]
    chai = data["items"][0]["variants"][0]
    assert (chai["price"], chai["price_with_gst"], chai["stock"]) == ("40.00", "42.00", None)


def test_a_guest_orders_staff_run_the_queue_and_the_guest_sees_the_state(api, world):
    r = _order(api, world, fulfilment="delivery", deliver_to={"section": "B", "seat": "12"}, note="no ice")
    assert r.status_code == 201, r.text
    order = r.json()["data"]
    assert (order["status"], order["next"], order["deliver_to"]) == (
        "placed", ["cancelled"], {"section": "B", "row": "", "seat": "12", "table": ""},
    )  # fmt: skip
    staff = token_for(staff_member(world.venue, "concessions"))
    queue = api.get(f"/api/v2/venues/{world.venue.id}/counters/{world.counter.id}/queue", headers=staff).json()
    assert (queue["meta"]["total"], queue["data"][0]["id"], queue["data"][0]["next"]) == (
        1, order["id"], ["accepted", "cancelled"],
    )  # fmt: skip
    assert queue["data"][0]["guest_name"] == world.guest.name
    for to in ["accepted", "preparing", "ready", "delivered"]:
        r = api.post(f"/api/v2/venues/{world.venue.id}/orders/{order['id']}/transition", json={"to": to}, headers=staff)
        assert (r.status_code, r.json()["data"]["status"]) == (200, to)
    mine = api.get(f"/api/v2/events/{world.event.id}/orders/{order['id']}", headers=token_for(world.guest)).json()
    assert (mine["data"]["status"], mine["data"]["next"], mine["data"]["guest_name"]) == ("delivered", [], None)


def test_an_illegal_move_is_a_409_envelope_and_a_stranger_a_403(api, world):
    order = _order(api, world).json()["data"]
    owner = token_for(world.owner)
    r = api.post(
        f"/api/v2/venues/{world.venue.id}/orders/{order['id']}/transition", json={"to": "ready"}, headers=owner
    )
    assert r.status_code == 409
    assert r.json() | {"error": None} == {
        "success": False,
        "error": None,
        "error_code": "ORDER_INVALID_TRANSITION",
        "details": {"from": "placed", "to": "ready", "allowed": ["accepted", "cancelled"]},
    }
    stranger = token_for(UserWithProfileFactory())
    r = api.get(f"/api/v2/venues/{world.venue.id}/counters/{world.counter.id}/queue", headers=stranger)
    assert (r.status_code, r.json()["error_code"]) == (403, "VENUE_ROLE_REQUIRED")


def test_out_of_stock_and_no_ticket_answer_with_their_codes(api, world):
    r = _order(api, world, lines=[{"variant_id": str(world.tee.id), "quantity": 4}])
    assert (r.status_code, r.json()["error_code"], r.json()["details"]["left"]) == (409, "OUT_OF_STOCK", 3)
    r = api.post(
        f"/api/v2/events/{world.event.id}/orders",
        json={"counter_id": str(world.counter.id), "lines": [{"variant_id": str(world.water.id), "quantity": 1}]},
        headers=token_for(UserWithProfileFactory()),
    )
    assert (r.status_code, r.json()["error_code"]) == (403, "ORDER_NEEDS_TICKET")


def test_bad_input_is_a_422(api, world):
    r = _order(api, world, lines=[{"variant_id": str(world.water.id), "quantity": 0}])
    assert (r.status_code, r.json()["error_code"]) == (422, "VALIDATION_ERROR")
    r = _order(api, world, tip="-1")
    assert r.status_code == 422


def test_the_owner_adds_an_item_and_asks_staff_over_http(api, world):
    owner = token_for(world.owner)
    r = api.post(
        f"/api/v2/venues/{world.venue.id}/menu/items",
        json={
            "name": "Nachos",
            "kind": "food",
            "gst_rate": "5",
            "variants": [{"name": "Plate", "price": "150.00", "stock": 20}],
        },
        headers=owner,
    )
    assert r.status_code == 201, r.text
    assert r.json()["data"]["variants"][0] | {"id": None} == {
        "id": None, "name": "Plate", "price": "150.00", "price_with_gst": "157.50", "stock": 20, "sold_out": False,
        "is_active": True,
    }  # fmt: skip
    person = UserWithProfileFactory()
    r = api.post(
        f"/api/v2/venues/{world.venue.id}/staff",
        json={"phone_number": person.phone_number, "role": "door"},
        headers=owner,
    )
    assert (r.status_code, r.json()["data"]["status"], r.json()["data"]["role"]) == (201, "invited", "door")
    r = api.post(f"/api/v2/venues/{world.venue.id}/staff/me/accept", headers=token_for(person))
    assert (r.status_code, r.json()["data"]["status"]) == (200, "accepted")
    staff = api.get(f"/api/v2/venues/{world.venue.id}/staff", headers=owner).json()["data"]
    assert [(s["user_id"], s["role"]) for s in staff] == [(str(person.id), "door")]
