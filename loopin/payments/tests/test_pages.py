"""The buyer-facing pages are templates rendered by functions that only render; the PayU return page is the
exact page the inline string used to make (the buyer's browser sees no change)."""

from __future__ import annotations

import pytest

from loopin.payments.models import Order, OrderStatus
from loopin.payments.pages import payu_return_page

HEAD = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Loopin payment</title></head>\n'
    '<body style="font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem">\n'
)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (
            OrderStatus.PAID,
            "<h1>Payment received</h1><p>Your ticket is in the app.</p>"
            "<p>Order status: <strong>paid</strong></p></body></html>",
        ),
        (
            OrderStatus.FAILED,
            "<h1>Payment not completed</h1><p>No money was taken for a ticket. You can try again in the app.</p>"
            "<p>Order status: <strong>failed</strong></p></body></html>",
        ),
    ],
)
def test_the_payu_return_page_says_whether_the_order_was_paid(status: str, body: str):
    assert payu_return_page(Order(status=status)) == HEAD + body


def test_without_an_order_the_status_is_unknown():
    assert payu_return_page(None) == HEAD + (
        "<h1>Payment not completed</h1><p>No money was taken for a ticket. You can try again in the app.</p>"
        "<p>Order status: <strong>unknown</strong></p></body></html>"
    )


def test_the_status_is_escaped():
    assert "<strong>&lt;b&gt;&amp;&#x27;&quot;</strong>" in payu_return_page(Order(status="<b>&'\""))
