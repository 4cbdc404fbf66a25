"""The marketplace over HTTP: sell with an uploaded photo, browse with filters, buy, report, bad input."""

from __future__ import annotations

import pytest

from loopin.marketplace.models import OrderStatus
from loopin.marketplace.services.orders import order_paid
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for
from loopin.testing.images import phone_photo

BODY = {
    "title": "Road bike",
    "description": "Barely used.",
    "price": "12000.00",
    "category": "sports",
    "condition": "like_new",
    "city": "Bengaluru",
}


@pytest.fixture
def people(api):
    return api, UserWithProfileFactory(name="Sana Seller"), UserWithProfileFactory(name="Bina Buyer")


def _upload(api, user) -> str:
    files = {"file": ("bike.jpg", phone_photo(), "image/jpeg")}
    r = api.post("/api/v2/media", headers=token_for(user), files=files)
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


def test_sell_browse_buy_and_follow_the_order(people):
    api, seller, buyer = people
    r = api.post(
        "/api/v2/marketplace/listings", json={**BODY, "media_ids": [_upload(api, seller)]}, headers=token_for(seller)
    )
    assert r.status_code == 201, r.text
    listing = r.json()["data"]
    assert (listing["status"], listing["is_mine"], len(listing["photos"])) == ("active", True, 1)
    found = api.get(
        "/api/v2/marketplace/listings",
        params={"q": "bike", "category": "sports", "city": "Bengaluru", "min_price": "10000", "max_price": "15000"},
        headers=token_for(buyer),
    ).json()
    assert ([i["id"] for i in found["data"]], found["meta"]) == (
        [listing["id"]],
        {"total": 1, "offset": 0, "limit": 20},
    )
    r = api.post(f"/api/v2/marketplace/listings/{listing['id']}/orders", headers=token_for(buyer))
    assert r.status_code == 201, r.text
    order = r.json()["data"]
    assert (order["status"], order["price"], order["fee_amount"], order["total"]) == (
        "pending",
        "12000.00",
        "600.00",
        "12600.00",
    )
    r = api.post(f"/api/v2/marketplace/listings/{listing['id']}/orders", headers=token_for(seller))
    assert (r.status_code, r.json()["error_code"]) == (400, "OWN_LISTING")
    order_paid(order_id=order["id"], payment_reference="charge_http")
    r = api.post(f"/api/v2/me/marketplace/orders/{order['id']}/complete", headers=token_for(buyer))
    assert (r.status_code, r.json()["data"]["status"]) == (200, OrderStatus.COMPLETED)
    r = api.post(f"/api/v2/me/marketplace/orders/{order['id']}/rating", json={"stars": 5}, headers=token_for(seller))
    assert (r.status_code, r.json()["data"]["ratee_id"]) == (201, str(buyer.id))
    sales = api.get("/api/v2/me/marketplace/orders", params={"role": "seller"}, headers=token_for(seller)).json()
    assert [o["id"] for o in sales["data"]] == [order["id"]]
    ratings = api.get(f"/api/v2/marketplace/sellers/{buyer.id}/ratings", headers=token_for(seller)).json()
    assert [r["stars"] for r in ratings["data"]] == [5]


def test_a_listing_is_reported_over_http(people):
    api, seller, reporter = people
    listing = api.post("/api/v2/marketplace/listings", json=BODY, headers=token_for(seller)).json()["data"]
    r = api.post(
        "/api/v2/reports",
        json={"category": "spam", "target_type": "listing", "target_id": listing["id"]},
        headers=token_for(reporter),
    )
    assert (r.status_code, r.json()["data"]["target_type"]) == (201, "listing")


@pytest.mark.parametrize(
    "change",
    [{"price": "-5"}, {"price": "0.50"}, {"category": "weapons"}, {"condition": "broken"}, {"title": ""}, {"x": 1}],
)
def test_bad_listings_are_a_422(people, change):
    api, seller, _ = people
    r = api.post("/api/v2/marketplace/listings", json={**BODY, **change}, headers=token_for(seller))
    assert (r.status_code, r.json()["error_code"]) == (422, "VALIDATION_ERROR")


def test_bad_browse_filters_are_a_422(people):
    api, _, buyer = people
    r = api.get("/api/v2/marketplace/listings", params={"min_price": "abc"}, headers=token_for(buyer))
    assert (r.status_code, r.json()["error_code"]) == (422, "VALIDATION_ERROR")


def test_refusals_over_http_say_what_happened(people):
    api, seller, buyer = people
    listing = api.post("/api/v2/marketplace/listings", json=BODY, headers=token_for(seller)).json()["data"]
    order = api.post(f"/api/v2/marketplace/listings/{listing['id']}/orders", headers=token_for(buyer)).json()["data"]
    r = api.post(f"/api/v2/marketplace/listings/{listing['id']}/orders", headers=token_for(UserWithProfileFactory()))
    assert (r.status_code, r.json()["error_code"], r.json()["error"]) == (
        409,
        "LISTING_NOT_FOR_SALE",
        "The listing is sold, removed, or another buyer is paying.",
    )
    r = api.post(f"/api/v2/me/marketplace/orders/{order['id']}/complete", headers=token_for(buyer))
    assert (r.status_code, r.json()["error_code"], r.json()["error"]) == (
        409,
        "MARKET_ORDER_NOT_PAID",
        "Only a paid order can be marked as handed over.",
    )
    r = api.post(f"/api/v2/me/marketplace/orders/{order['id']}/rating", json={"stars": 5}, headers=token_for(buyer))
    assert (r.status_code, r.json()["error_code"], r.json()["error"]) == (
        409,
        "RATING_NOT_ALLOWED",
        "Rate after the sale is completed, once per side.",
    )
    r = api.get("/api/v2/marketplace/listings/00000000-0000-0000-0000-000000000000", headers=token_for(buyer))
    assert (r.status_code, r.json()["error_code"], r.json()["error"]) == (
        404,
        "LISTING_NOT_FOUND",
        "No listing you may see has this id.",
    )
