"""Helpers for the app-dialect tests: people signed in exactly as the app signs in (C1, C2, C4)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from loopin.testing.fixtures import auth, interest_ids, last_code


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 40), (10, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()


def app_user(api: Any, phone: str, name: str, gender: str = "male") -> dict[str, Any]:
    """C1 + C2 + C4 as the app sends them; returns the app's headers and integer user id."""
    assert api.post("/api/auth/signup", json={"phone_number": phone}).json()["success"] is True
    body = api.post("/api/auth/verify-otp", json={"phone_number": phone, "otp_code": last_code(phone)}).json()
    headers = auth(body)
    form = {
        "phone_number": phone,
        "name": name,
        "birth_date": "1995-01-01",
        "gender": gender,
        "event_interests": "[" + ",".join(map(str, interest_ids(2))) + "]",
    }
    r = api.post(
        "/api/auth/complete-profile",
        data=form,
        files=[("profile_pictures", ("IMG_2041.jpg", png(), "image/jpeg"))],
        headers=headers,
    )
    assert r.status_code == 200, r.text
    return {"headers": headers, "id": r.json()["data"]["id"], "token": body["token"], "phone": phone}


def event_form(**overrides: str) -> dict[str, str]:
    """C8's multipart fields, as review_page.dart sends them (start: a future day's local midnight in UTC)."""
    day = (timezone.now() + timedelta(days=3)).date()
    form = {
        "title": "Rooftop evening",
        "description": "Music on the roof",
        "start_time": f"{day.isoformat()}T18:30:00.000Z",
        "duration_hours": "3.0",
        "venue_name": "Bastian Garden City",
        "location_city": "Bastian Garden City",
        "location_address": "Bandra West, Mumbai",
        "location_latitude": "19.0596",
        "location_longitude": "72.8295",
        "location_place_id": "ChIJwe1E",
        "location_country_code": "IN",
        "max_capacity": "50",
        "is_paid": "false",
        "ticket_price": "",
        "platform_fee": "0",
        "allow_plus_one": "true",
        "is_public": "true",
        "gst_number": "",
        "allowed_genders": "all",
        "status": "draft",
        "event_interest_ids": "[]",
    }
    form.update(overrides)
    return form


@pytest.fixture
def payu(app_settings: Any) -> Any:
    app_settings.PAYU_MERCHANT_KEY = "payukey"
    app_settings.PAYU_MERCHANT_SALT = "payusalt"
    return app_settings
