"""In a real browser: the share page and its preview, the invite landing, the sandbox Pay button, the admin."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from browser.conftest import shot
from loopin.accounts.models import User
from loopin.config.demo import demo_load
from loopin.events.demo import STARTING_SOON
from loopin.events.models import Event, InviteLink, Visibility
from loopin.events.selectors import share_path
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory
from loopin.testing.fixtures import token_for

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def _fits_the_phone(page) -> None:
    """Mobile-first: nothing is wider than the phone's screen (no sideways scrolling)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]


def _meta(page, key: str) -> str | None:
    return page.locator(f'meta[property="{key}"], meta[name="{key}"]').first.get_attribute("content")


def test_the_event_page_renders_with_its_preview_tags_and_json_ld(live_url, browser):
    venue = VenueFactory(name="Blue Tokai Roastery", address="12th Main, Indiranagar")
    start = timezone.now().replace(microsecond=0) + timedelta(days=4)
    event = PublishedEventFactory(
        title="Indie music night",
        slug="indie-music-night",
        canonical_id="br0ws3r1",
        venue=venue,
        start_at=start,
        end_at=start + timedelta(hours=3),
        is_paid=True,
        ticket_price=Decimal("499.00"),
        capacity=40,
    )
    page = browser.new_page(**PHONE)
    response = page.goto(live_url + share_path(event))
    assert response.status == 200
    assert page.title() == "Indie music night · Loopin"
    assert page.locator("h1").inner_text() == "Indie music night"
    # What a link-preview bot reads.
    assert _meta(page, "og:title") == "Indie music night"
    assert _meta(page, "og:url") == live_url + share_path(event)
    assert _meta(page, "twitter:card") == "summary_large_image"
    image_url = _meta(page, "og:image")
    assert image_url == f"{live_url}/e/br0ws3r1/preview.jpg"
    assert page.locator('link[rel="canonical"]').get_attribute("href") == live_url + share_path(event)
    ld = json.loads(page.locator('script[type="application/ld+json"]').inner_text())
    assert (ld["@type"], ld["name"], ld["offers"]["price"]) == ("Event", "Indie music night", "499.00")
    assert ld["startDate"].endswith("+05:30") and ld["location"]["name"] == "Blue Tokai Roastery"
    picture = page.request.get(image_url)
    assert picture.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(picture.body())) as image:
        assert image.size == (1200, 630)
    button = page.locator("#cta")
    assert button.inner_text() == "Get tickets · ₹499"
    assert button.get_attribute("href") == "loopin://e/br0ws3r1"
    assert button.is_visible()
    _fits_the_phone(page)
    shot(page, "event-page-phone")
    preview = browser.new_page(viewport={"width": 1200, "height": 630})
    preview.goto(image_url)
    shot(preview, "event-preview-image")


def test_the_invite_page_leads_into_the_app_and_its_token_gets_the_guest_in(live_url, browser):
    event = PublishedEventFactory(title="Secret supper club", visibility=Visibility.PRIVATE)
    link = InviteLink.objects.create(event=event, token="inv1te_br0wser_t0ken", created_by=event.host)
    guest_headers = token_for(UserWithProfileFactory())
    page = browser.new_page(**PHONE)
    assert page.goto(f"{live_url}/invite/{link.token}").status == 200
    assert page.locator("h1").inner_text() == "Secret supper club"
    assert page.locator("#accept").get_attribute("href") == f"loopin://invite/{link.token}"
    assert not page.locator("#get-the-app").is_hidden()
    page.get_by_role("link", name="I don't have the app").click()
    assert page.url.endswith("#get-the-app")
    assert page.locator("#get-the-app code").inner_text() == link.token
    _fits_the_phone(page)
    shot(page, "invite-landing-phone")
    # The app's next step with what the page showed: redeem the token.
    r = page.request.post(
        f"{live_url}/api/v2/invitations/accept-link", data={"token": link.token}, headers=guest_headers
    )
    assert r.status == 200, r.text()
    assert r.json()["data"]["status"] == "going"


def test_the_sandbox_checkout_pay_button_sells_the_ticket(live_url, browser):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("499.00"), capacity=10)
    headers = token_for(UserWithProfileFactory())
    page = browser.new_page(**PHONE)
    created = page.request.post(f"{live_url}/api/v2/payments/orders", data={"event_id": str(event.id)}, headers=headers)
    assert created.status == 200, created.text()
    order = created.json()["data"]
    checkout = order["checkout"]["checkout_url"]
    # The served origin (not localhost:8000), with the buyer's signed token.
    assert checkout.startswith(f"{live_url}/api/payments/sandbox/{order['id']}?token=")
    page.goto(checkout)
    assert page.locator("#status").inner_text() == "pending"
    page.locator("#pay").click()
    page.locator("#status").filter(has_text="paid").wait_for(timeout=10_000)
    shot(page, "sandbox-checkout-paid")
    paid = page.request.get(f"{live_url}/api/v2/payments/orders/{order['id']}", headers=headers).json()["data"]
    assert paid["status"] == "paid" and paid["ticket_id"] is not None


@pytest.fixture
def staff_login(transactional_db):
    User.objects.create_superuser(phone_number="+919999999998", password="a-long-admin-password")
    PublishedEventFactory(is_paid=True, ticket_price=Decimal("499.00"))
    return "+919999999998", "a-long-admin-password"


def test_the_admin_dashboard_renders(live_url, browser, staff_login):
    phone, password = staff_login
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_url}/django/admin/login/")
    page.fill("input[name=username]", phone)
    page.fill("input[name=password]", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_url}/django/admin/**")
    assert page.goto(f"{live_url}/django/admin/dashboard/").status == 200
    assert "Loopin" in page.title()
    body = page.locator("body").inner_text()
    assert "Tickets sold and revenue" in body and "Revenue" in body
    assert "₹0.00" in body
    shot(page, "admin-dashboard")


def test_a_demo_events_share_page_previews_like_a_link_debugger_reads_it(live_url, browser):
    demo_load()
    event = Event.objects.get(title=STARTING_SOON)
    page = browser.new_page(**PHONE)
    assert page.goto(live_url + share_path(event)).status == 200
    tags = {
        key: _meta(page, key)
        for key in ("og:title", "og:description", "og:image", "og:image:width", "og:image:height", "twitter:card")
    }
    assert tags["og:title"] == STARTING_SOON
    assert tags["og:description"].startswith(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
    assert "Koramangala" in tags["og:description"] or "Bengaluru" in tags["og:description"]
    assert (tags["og:image:width"], tags["og:image:height"], tags["twitter:card"]) == (
        "1200",
        "630",
        "summary_large_image",
    )
    assert page.request.get(tags["og:image"]).status == 200
    assert page.locator("#cta").inner_text() == "Get a free ticket"
    _fits_the_phone(page)
    shot(page, "demo-event-starting-soon")
