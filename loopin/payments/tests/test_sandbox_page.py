"""The sandbox checkout page opens only through the buyer's short-lived signed link, and never while the
sandbox is off: an order id alone hands nobody the signed pay/fail webhooks."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing

from loopin.payments.models import Order
from loopin.payments.providers.sandbox import CHECKOUT_LINK_SALT
from loopin.payments.tests.helpers import buy
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for


def _bought(api, headers, event) -> tuple[Order, str]:
    data = buy(api, headers, event).json()["data"]
    return Order.objects.get(id=data["id"]), data["checkout"]["checkout_url"]


def _token(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def _assert_not_found(r) -> None:
    assert (r.status_code, r.json()["error_code"]) == (404, "ORDER_NOT_FOUND")
    assert "sandbox-events" not in r.text


def test_the_buyers_link_opens_the_page_with_its_signed_buttons(api, paid_event, buyer_headers):
    _, url = _bought(api, buyer_headers, paid_event)
    r = api.get(url)
    assert r.status_code == 200
    assert '<script id="sandbox-events" type="application/json">' in r.text
    assert (r.headers["cache-control"], r.headers["referrer-policy"]) == ("no-store", "no-referrer")


def test_an_order_id_without_the_link_is_not_found(api, paid_event, buyer_headers):
    order, _ = _bought(api, buyer_headers, paid_event)
    _assert_not_found(api.get(f"/api/payments/sandbox/{order.id}"))
    _assert_not_found(api.get(f"/api/payments/sandbox/{order.id}?token=forged"))


def test_one_orders_link_does_not_open_another_order(api, paid_event, buyer_headers):
    _, mine = _bought(api, buyer_headers, paid_event)
    victim, _ = _bought(api, token_for(UserWithProfileFactory()), paid_event)
    _assert_not_found(api.get(f"/api/payments/sandbox/{victim.id}?token={_token(mine)}"))


def test_a_link_signed_for_another_buyer_is_not_found(api, paid_event, buyer_headers):
    order, _ = _bought(api, buyer_headers, paid_event)
    stranger = UserWithProfileFactory()
    token = signing.dumps({"o": str(order.id), "u": str(stranger.id)}, salt=CHECKOUT_LINK_SALT, compress=True)
    _assert_not_found(api.get(f"/api/payments/sandbox/{order.id}?token={token}"))


def test_an_expired_link_is_not_found(api, paid_event, buyer_headers, monkeypatch):
    order, url = _bought(api, buyer_headers, paid_event)
    later = time.time() + timedelta(minutes=16).total_seconds()  # hold 10 min + 5 min grace, then a minute
    monkeypatch.setattr(signing.time, "time", lambda: later)
    _assert_not_found(api.get(url))


@pytest.mark.parametrize("enabled", [False, None])
def test_the_page_is_not_found_while_the_sandbox_is_off(api, paid_event, buyer_headers, app_settings, enabled):
    _, url = _bought(api, buyer_headers, paid_event)
    app_settings.PAYMENT_SANDBOX_ENABLED = enabled
    app_settings.ENVIRONMENT = "production"  # None: production's default, off
    _assert_not_found(api.get(url))
