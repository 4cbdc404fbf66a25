"""What the public pages print: display strings, preview tags and JSON-LD, from the selectors' data."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from loopin.core.links import absolute_url
from loopin.core.settings import get_settings
from loopin.core.time import to_display
from loopin.web.selectors import CANCELLED, OPEN, PAST, POSTPONED, EventPage

CURRENCY_SIGNS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£"}
SCHEMA_STATUS = {
    OPEN: "https://schema.org/EventScheduled",
    PAST: "https://schema.org/EventScheduled",
    POSTPONED: "https://schema.org/EventPostponed",
    CANCELLED: "https://schema.org/EventCancelled",
}
ATTENDANCE = {
    "virtual": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}
PREVIEW_SIZE = (1200, 630)  # what WhatsApp, Facebook, LinkedIn and X show without cropping


def money(amount: str | Decimal | None, currency: str) -> str:
    if amount is None or Decimal(amount) == 0:
        return "Free"
    value = Decimal(amount)
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    sign = CURRENCY_SIGNS.get(currency)
    return f"{sign}{text}" if sign else f"{text} {currency}"


def when(start: datetime, end: datetime) -> dict[str, str]:
    """'Saturday 5 December 2026' and '6:30 pm – 9:30 pm IST' in the display zone."""
    s, e = to_display(start), to_display(end)
    assert s is not None and e is not None  # both are required fields

    def clock(t: datetime) -> str:
        return t.strftime("%I:%M %p").lstrip("0").lower()

    day = f"{s:%A} {s.day} {s:%B %Y}"
    if s.date() == e.date():
        time = f"{clock(s)} – {clock(e)} {s:%Z}"
    else:
        time = f"{clock(s)} {s:%Z} – {e:%a} {e.day} {e:%b}, {clock(e)}"
    return {"day": day, "time": time, "short": f"{s:%a} {s.day} {s:%b}, {clock(s)} {s:%Z}"}


def map_link(event: dict[str, Any], latitude: float | None, longitude: float | None) -> str | None:
    if latitude is not None and longitude is not None:
        return f"https://www.google.com/maps/search/?api=1&query={latitude:.6f},{longitude:.6f}"
    place = ", ".join(x for x in (_place_name(event), event.get("city")) if x)
    return f"https://www.google.com/maps/search/?api=1&query={quote(place)}" if place else None


def _place_name(event: dict[str, Any]) -> str | None:
    venue = event.get("venue") or {}
    return venue.get("name") or event.get("location_text")


def seats_text(event: dict[str, Any]) -> str:
    left = event["seats_left"]
    if left is None:
        return "Open to everyone: no seat limit"
    if left == 0:
        return "Sold out"
    return f"{left} seat{'s' if left != 1 else ''} left"


def going_text(count: int) -> str:
    if count == 0:
        return "Be the first to go"
    return f"{count} {'person is' if count == 1 else 'people are'} going"


def app_link(path: str) -> str:
    """The app's own scheme for a path ('loopin://e/ab12cd34'): opens the app from inside a browser."""
    return f"{get_settings().APP_URL_SCHEME}://{path.lstrip('/')}"


def call_to_action(page: EventPage) -> dict[str, str] | None:
    """The one button of an open event: what it says, where it goes, and what it means for the reader."""
    event = page.event
    if page.state != OPEN or event is None:
        return None
    href = app_link(f"/e/{page.canonical_id}")
    if event["join_mode"] == "invite_only":
        return {"label": "Invite only", "href": "", "note": "Ask the host for an invite link to join."}
    if event["seats_left"] == 0:
        return {"label": "Sold out", "href": "", "note": "Every seat is taken."}
    if event["join_mode"] == "approval":
        return {"label": "Request to join", "href": href, "note": "The host reviews each request in the app."}
    if event["is_paid"]:
        price = money(event["price"], event["currency"])
        return {
            "label": f"Get tickets · {price}",
            "href": href,
            "note": "Pay in the Loopin app; your QR ticket is there.",
        }
    return {"label": "Get a free ticket", "href": href, "note": "Take a seat in the Loopin app."}


def stores() -> dict[str, str]:
    s = get_settings()
    return {k: v for k, v in (("Google Play", s.PLAY_STORE_URL), ("App Store", s.APP_STORE_URL)) if v}


def json_ld(data: dict[str, Any]) -> str:
    """JSON for a <script> element: '<' escaped so no string can close the element."""
    return json.dumps(data, ensure_ascii=False, default=str).replace("<", "\\u003c")


def event_json_ld(page: EventPage, *, url: str, image: str, host_url: str) -> dict[str, Any]:
    """schema.org Event (Google's event rich results): name, dates with offsets, place, organizer, offers."""
    event = page.event
    assert event is not None  # callers pass pages with details
    venue = event.get("venue") or {}
    attendance = ATTENDANCE.get(event.get("venue_type") or "", "https://schema.org/OfflineEventAttendanceMode")
    place: dict[str, Any] = {
        "@type": "Place",
        "name": _place_name(event) or event.get("city") or "To be announced",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": venue.get("address") or event.get("location_text") or "",
            "addressLocality": event.get("city") or "",
            "addressCountry": event.get("country_code") or "IN",
        },
    }
    if event.get("latitude") is not None and event.get("longitude") is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": event["latitude"], "longitude": event["longitude"]}
    start, end = to_display(event["start_at"]), to_display(event["end_at"])
    availability = "https://schema.org/SoldOut" if event["seats_left"] == 0 else "https://schema.org/InStock"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event["title"],
        "description": (event.get("description") or event["title"])[:5000],
        "startDate": start.isoformat() if start else None,
        "endDate": end.isoformat() if end else None,
        "eventStatus": SCHEMA_STATUS[page.state],
        "eventAttendanceMode": attendance,
        "location": place,
        "image": [image, *(i["url"] for i in event.get("images", []) if i.get("url"))],
        "organizer": (
            {"@type": "Organization", "name": event["organisation"]["name"]}
            if event.get("organisation")
            else {"@type": "Person", "name": event["host"]["name"] or "A Loopin host", "url": host_url}
        ),
        "offers": {
            "@type": "Offer",
            "url": url,
            "price": event["price"] if event["is_paid"] else "0",
            "priceCurrency": event["currency"],
            "availability": availability,
        },
        "url": url,
    }
    if event.get("published_at"):
        data["offers"]["validFrom"] = to_display(event["published_at"]).isoformat()  # type: ignore[union-attr]
    return data


def event_context(page: EventPage) -> dict[str, Any]:
    """Everything event.html prints for a page in any state."""
    url = absolute_url(page.share_path)
    image = absolute_url(f"/e/{page.canonical_id}/preview.jpg")
    context: dict[str, Any] = {
        "page": page,
        "canonical_url": url,
        "preview_image": image,
        "preview_size": PREVIEW_SIZE,
        "stores": stores(),
        "indexable": page.state in (OPEN, POSTPONED),
    }
    event = page.event
    if event is None:
        context["og"] = {"title": page.title, "description": "On Loopin: events near you, with people like you."}
        return context
    times = when(event["start_at"], event["end_at"])
    place = ", ".join(x for x in (_place_name(event), event.get("city")) if x) or "Venue to be announced"
    price = money(event["price"], event["currency"]) if event["is_paid"] else "Free"
    host_url = absolute_url(f"/hosts/{event['host']['id']}")
    headline = {
        CANCELLED: "Cancelled",
        PAST: "This event has ended",
        POSTPONED: "Postponed: new date to be announced",
    }.get(page.state)
    context.update(
        {
            "event": event,
            "when": times,
            "place": place,
            "map_link": map_link(event, event.get("latitude"), event.get("longitude")),
            "price": price,
            "seats": seats_text(event),
            "going": going_text(event["going_count"]),
            "cta": call_to_action(page),
            "headline": headline,
            "host_url": host_url,
            "og": {
                "title": event["title"],
                "description": f"{times['short']} · {place} · {price}"
                + (f" · {headline}" if headline else f" · {seats_text(event)}"),
            },
            "json_ld": json_ld(event_json_ld(page, url=url, image=image, host_url=host_url))
            if page.state in SCHEMA_STATUS
            else None,
        }
    )
    return context
