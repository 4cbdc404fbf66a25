"""The isolation matrix for an organisation's venues: every endpoint that takes one of its venues (the venue's
details, menu, items, variants, stock, availability, counters, the counter's queue, orders and their moves, staff,
parking lots, the gate), called as a member of another organisation, as members whose role maps to too small a
venue role (door, agent), and as former members (the member who added the venue and was then removed, and one who
left) -- exact statuses and error codes, none of them more than a stranger gets, and nothing changed."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from loopin.events.models import Venue
from loopin.events.services.venues import VenueInput, venue_create
from loopin.organisations.services import member_remove, organisation_leave
from loopin.organisations.tests.conftest import add_member, make_org
from loopin.parking.models import GateScan, ParkingLot
from loopin.parking.tests.conftest import make_lot
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.venuecommerce.models import Counter, EventAvailability, MenuItem, MenuVariant, VenueOrder, VenueStaff
from loopin.venuecommerce.services.orders import LineInput, order_place
from loopin.venuecommerce.tests.conftest import guest_with_ticket, staff_member

V = "/api/v2/venues"


def org_venue(org, creator) -> Venue:
    data = VenueInput(name="The Brewhouse Rooftop", city="Bengaluru", organisation_id=org.organisation.id)
    return venue_create(user=creator, data=data)


def endpoints(w):
    """(name, method, path, body, the venue action it needs)."""
    p = f"{V}/{w.venue.id}"
    return [
        ("edit venue", "PATCH", p, {"name": "Taken over"}, "venue"),
        ("move", "POST", f"{p}/move", {"organisation_id": str(w.other.organisation.id)}, "move"),
        ("manage menu", "GET", f"{p}/menu/manage", None, "stock"),
        (
            "add item",
            "POST",
            f"{p}/menu/items",
            {"name": "Grog", "variants": [{"name": "One", "price": "1.00"}]},
            "menu",
        ),  # fmt: skip
        ("edit item", "PATCH", f"{p}/menu/items/{w.item.id}", {"name": "Mine"}, "menu"),
        ("add variant", "POST", f"{p}/menu/items/{w.item.id}/variants", {"name": "Two", "price": "2.00"}, "menu"),
        ("price", "PATCH", f"{p}/menu/variants/{w.variant.id}", {"price": "0.01"}, "menu"),
        ("stock", "PATCH", f"{p}/menu/variants/{w.variant.id}", {"stock": 0}, "stock"),
        ("availability", "PUT", f"{p}/menu/items/{w.item.id}/events/{w.event.id}", {"is_available": False}, "menu"),
        ("add counter", "POST", f"{p}/counters", {"name": "Pirate bar"}, "menu"),
        ("close counter", "PATCH", f"{p}/counters/{w.counter.id}", {"is_open": False}, "stock"),
        ("queue", "GET", f"{p}/counters/{w.counter.id}/queue", None, "orders"),
        ("order", "GET", f"{p}/orders/{w.order.id}", None, "orders"),
        ("move order", "POST", f"{p}/orders/{w.order.id}/transition", {"to": "accepted"}, "orders"),
        ("cancel order", "POST", f"{p}/orders/{w.order.id}/transition", {"to": "cancelled"}, "orders"),
        ("staff", "GET", f"{p}/staff", None, "view_staff"),
        ("add staff", "POST", f"{p}/staff", {"handle": "nobodyhere", "role": "door"}, "staff"),
        ("add manager", "POST", f"{p}/staff", {"handle": "nobodyhere", "role": "manager"}, "managers"),
        ("remove staff", "DELETE", f"{p}/staff/{w.bartender.id}", None, "staff"),
        (
            "add lot",
            "POST",
            f"{p}/parking-lots",
            {"name": "Ours", "spaces": 5, "latitude": "12.9", "longitude": "77.6", "base_rate": "10.00"},
            "parking_lots",
        ),  # fmt: skip
        ("edit lot", "PATCH", f"/api/v2/parking-lots/{w.lot.id}", {"spaces": 1}, "parking_lots"),
        (
            "gate",
            "POST",
            f"/api/v2/parking-lots/{w.lot.id}/scans",
            {"nonce": "n" * 16, "qr": "LPK1.nothing"},
            "parking",
        ),  # fmt: skip
    ]


class World:
    pass


@pytest.fixture
def world(interests):
    w = World()
    w.org, w.other = make_org(), make_org("nightowls")
    w.creator = add_member(w.org.organisation, "manager")
    w.venue = org_venue(w.org, w.creator)
    w.counter = Counter.objects.create(venue=w.venue, name="Main bar")
    w.item = MenuItem.objects.create(venue=w.venue, name="Water", kind="drink", gst_rate=Decimal("0"))
    w.variant = MenuVariant.objects.create(item=w.item, name="500 ml", price=Decimal("0.00"), stock=5)
    start = timezone.now() + timedelta(minutes=30)
    w.event = PublishedEventFactory(venue=w.venue, start_at=start, end_at=start + timedelta(hours=3))
    guest = guest_with_ticket(w.event)
    w.order = order_place(user=guest, event_id=w.event.id, counter_id=w.counter.id, lines=[LineInput(w.variant.id, 1)])
    w.bartender = staff_member(w.venue, "concessions")
    w.lot = make_lot(w.venue)
    w.left = add_member(w.org.organisation, "admin")
    member_remove(user=w.org.owner, organisation_id=w.org.organisation.id, user_id=w.creator.id)
    organisation_leave(user=w.left, organisation_id=w.org.organisation.id)
    return w


def snapshot(w):
    v = Venue.objects.get(id=w.venue.id)
    return (
        (v.name, v.organisation_id, v.created_by_id),
        sorted(MenuItem.objects.filter(venue=v).values_list("name", "is_active")),
        sorted(MenuVariant.objects.filter(item__venue=v).values_list("name", "price", "stock")),
        EventAvailability.objects.filter(item__venue=v).count(),
        sorted(Counter.objects.filter(venue=v).values_list("name", "is_open")),
        VenueOrder.objects.get(id=w.order.id).status,
        sorted(VenueStaff.objects.filter(venue=v).values_list("user_id", "role")),
        sorted(ParkingLot.objects.filter(venue=v).values_list("name", "spaces")),
        GateScan.objects.count(),
    )


REFUSAL = {"parking_lots": (403, "NOT_VENUE_MANAGER"), "parking": (403, "NOT_PARKING_STAFF")}
REFUSAL["move"] = (404, "VENUE_NOT_FOUND")  # only the person of a personal venue moves it; others learn nothing
# The members whose role maps to a venue role too small for each action (agents map to none at all).
SMALLER = {"managers": ["manager", "door", "agent"]}


def _answer(r):
    return r.status_code, r.json()["error_code"]


def test_no_venue_endpoint_gives_outsiders_small_roles_or_former_members_more_than_a_stranger(api, world):
    w = world
    stranger = UserWithProfileFactory()
    before = snapshot(w)
    got, expected = {}, {}
    for name, method, path, body, action in endpoints(w):
        callers = {
            "a stranger": stranger,
            "another organisation's owner": w.other.owner,
            "another organisation's admin": w.other.admin,
            "another organisation's manager": w.other.manager,
            "the removed member who added it": w.creator,
            "a member who left": w.left,
        }
        for role in SMALLER.get(action, ["door", "agent"]):
            callers[f"a {role}"] = w.org.member(role)
        for who, user in callers.items():
            r = api.request(method, path, json=body, headers=token_for(user))
            got[(name, who)] = _answer(r)
            expected[(name, who)] = REFUSAL.get(action, (403, "VENUE_ROLE_REQUIRED"))
            assert "The Brewhouse" not in r.text, (name, who)
    assert got == expected
    assert len(got) == 21 * 8 + 9
    assert snapshot(w) == before


# Who reads each GET (the mapping: owner/admin -> owner, manager -> manager, door -> door, agent -> nothing).
READERS = {"stock": {"owner", "admin", "manager"}, "orders": {"owner", "admin", "manager"}}
READERS["view_staff"] = {"owner", "admin", "manager"}


def test_each_role_reads_exactly_what_its_venue_role_gives(api, world):
    w = world
    for name, method, path, _body, action in endpoints(w):
        if method != "GET":
            continue
        roles = ["owner", "admin", "manager", "agent", "door"]
        statuses = {role: api.get(path, headers=token_for(w.org.member(role))).status_code for role in roles}
        assert {r for r, s in statuses.items() if s == 200} == READERS[action], name
        assert {s for s in statuses.values() if s != 200} == {403}, name


def test_an_explicitly_added_staff_member_keeps_working_an_organisations_venue(api, world):
    w = world
    headers = token_for(w.bartender)
    queue = api.get(f"{V}/{w.venue.id}/counters/{w.counter.id}/queue", headers=headers)
    assert (queue.status_code, [o["id"] for o in queue.json()["data"]]) == (200, [str(w.order.id)])
    moved = api.post(f"{V}/{w.venue.id}/orders/{w.order.id}/transition", json={"to": "accepted"}, headers=headers)
    assert (moved.status_code, moved.json()["data"]["status"]) == (200, "accepted")
    menu = api.patch(f"{V}/{w.venue.id}/menu/items/{w.item.id}", json={"name": "Mine"}, headers=headers)
    assert _answer(menu) == (403, "VENUE_ROLE_REQUIRED")  # concessions: orders and stock, not the menu


def test_removing_a_manager_from_the_organisation_ends_their_venue_powers_at_once(api, world):
    w = world
    headers = token_for(w.org.manager)
    path = f"{V}/{w.venue.id}/menu/manage"
    assert api.get(path, headers=headers).status_code == 200
    member_remove(user=w.org.admin, organisation_id=w.org.organisation.id, user_id=w.org.manager.id)
    assert _answer(api.get(path, headers=headers)) == (403, "VENUE_ROLE_REQUIRED")
    edit = api.patch(f"{V}/{w.venue.id}", json={"name": "Still mine"}, headers=headers)
    assert _answer(edit) == (403, "VENUE_ROLE_REQUIRED")
    assert Venue.objects.get(id=w.venue.id).name == "The Brewhouse Rooftop"


def test_a_deleted_organisation_leaves_its_members_no_venue_powers(api, world):
    w = world
    w.org.organisation.deleted_at = timezone.now()
    w.org.organisation.save(update_fields=["deleted_at"])
    for role in ("owner", "admin", "manager"):
        r = api.get(f"{V}/{w.venue.id}/menu/manage", headers=token_for(w.org.member(role)))
        assert _answer(r) == (403, "VENUE_ROLE_REQUIRED"), role


def test_only_a_role_allowed_events_adds_a_venue_for_the_organisation(api, world):
    w = world
    body = {"name": "Club cellar", "city": "Bengaluru", "organisation_id": str(w.org.organisation.id)}
    answers = [_answer(api.post(V, json=body, headers=token_for(u))) for u in (w.org.agent, w.org.door, w.other.owner)]
    assert answers == [
        (403, "ORGANISATION_ROLE_TOO_SMALL"),
        (403, "ORGANISATION_ROLE_TOO_SMALL"),
        (404, "ORGANISATION_NOT_FOUND"),
    ]
    assert not Venue.objects.filter(name="Club cellar").exists()
    r = api.post(V, json=body, headers=token_for(w.org.manager))
    assert r.status_code == 201
    data = r.json()["data"]
    assert data["organisation"] == {
        "id": str(w.org.organisation.id),
        "name": "The Brewhouse",
        "handle": "brewhouse",
        "is_verified": False,
        "logo": None,
    }
    venue = Venue.objects.get(id=data["id"])
    assert (venue.organisation_id, venue.created_by_id) == (w.org.organisation.id, w.org.manager.id)
    shown = api.get(f"{V}/{venue.id}").json()["data"]
    assert shown["organisation"]["handle"] == "brewhouse"
    listed = {v["id"]: v["organisation"] for v in api.get(V, params={"q": "Club cellar"}).json()["data"]}
    assert listed == {data["id"]: data["organisation"]}


def test_a_personal_venue_shows_no_organisation(api, world):
    r = api.post(V, json={"name": "My garage", "city": "Pune"}, headers=token_for(world.org.agent))
    assert (r.status_code, r.json()["data"]["organisation"]) == (201, None)
    assert Venue.objects.get(id=r.json()["data"]["id"]).organisation_id is None


def test_an_unknown_venue_is_not_found_for_everyone(api, world):
    r = api.patch(f"{V}/{uuid.uuid4()}", json={"name": "Nowhere"}, headers=token_for(world.org.owner))
    assert _answer(r) == (404, "VENUE_NOT_FOUND")
