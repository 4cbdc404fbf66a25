"""Small helpers shared by the payments tests."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import time
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group
from starlette.testclient import TestClient

from loopin.payments.models import Order
from loopin.payments.providers.base import hmac_sha256_hex
from loopin.payments.providers.sandbox import sandbox_event
from loopin.staff.groups import groups_sync
from loopin.testing.factories import UserWithProfileFactory


def buy(api: TestClient, headers: dict[str, str], event: Any, *, seats: int = 1, provider: str | None = None) -> Any:
    body: dict[str, Any] = {"event_id": str(event.id), "seats": seats}
    if provider:
        body["provider"] = provider
    return api.post("/api/v2/payments/orders", json=body, headers=headers)


def sandbox_webhook(api: TestClient, order: Order, kind: str = "payment.succeeded", **kwargs: Any) -> Any:
    body, headers = sandbox_event(order, kind, **kwargs)
    return api.post("/api/payments/webhooks/sandbox", content=body, headers=headers)


def stripe_signature(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header the way Stripe computes it: t=<ts>,v1=HMAC-SHA256(secret, "<ts>.<body>")."""
    ts = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={ts},v1={digest}"


def razorpay_signature(body: bytes | str, secret: str) -> str:
    return hmac_sha256_hex(secret, body)


def finance_staff(**fields: Any) -> Any:
    """A staff member in the Finance group, its permissions applied as the migrations do."""
    groups_sync(apps)  # a transactional test starts from an emptied database
    for migration in ("0002_finance_permissions", "0009_settlement_permissions"):
        importlib.import_module(f"loopin.payments.migrations.{migration}").forwards(apps, None)
    staff = UserWithProfileFactory(is_staff=True, **fields)
    staff.groups.add(Group.objects.get(name="Finance"))
    return staff
