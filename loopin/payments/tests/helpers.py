"""Small helpers shared by the payments tests."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from loopin.payments.models import Order
from loopin.payments.providers.sandbox import sandbox_event


def buy(api: TestClient, headers: dict[str, str], event: Any, *, seats: int = 1, provider: str | None = None) -> Any:
    body: dict[str, Any] = {"event_id": str(event.id), "seats": seats}
    if provider:
        body["provider"] = provider
    return api.post("/api/payments/orders", json=body, headers=headers)


def sandbox_webhook(api: TestClient, order: Order, kind: str = "payment.succeeded", **kwargs: Any) -> Any:
    body, headers = sandbox_event(order, kind, **kwargs)
    return api.post("/api/payments/webhooks/sandbox", content=body, headers=headers)
