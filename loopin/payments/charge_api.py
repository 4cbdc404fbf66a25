"""Charges over HTTP: a charge as its buyer sees it, client verification, giving it up, and the sandbox page.

Charges are opened by the package that sells something (LoopPay top-ups, concessions, parking, marketplace):
each answers with the charge's `checkout`, paid exactly as an order's."""

from __future__ import annotations

import uuid
from typing import Any

from django.template.loader import render_to_string
from fastapi.responses import HTMLResponse

from loopin.accounts.models import User
from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, error_responses, ok
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.payments.charge_selectors import charge_data, charge_detail, sandbox_charge_context
from loopin.payments.schemas import ChargeOut, VerifyIn
from loopin.payments.services.charges import charge_cancel, charge_verify

charges = APIRouter(prefix="/api/v2/payments/charges", tags=["payments"])
sandbox_pages = APIRouter(prefix="/api/payments", tags=["payments"])

_JSON_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}


def charge_verify_and_read(*, user: User, charge_id: uuid.UUID, payload: dict[str, Any]) -> dict[str, Any]:
    """Check the client's confirmation with the provider, then read the charge back."""
    return charge_data(charge_verify(user=user, charge_id=charge_id, payload=payload))


def charge_cancel_and_read(*, user: User, charge_id: uuid.UUID) -> dict[str, Any]:
    """Give up a pending charge, then read it back."""
    return charge_data(charge_cancel(user=user, charge_id=charge_id))


@charges.get("/{charge_id}", response_model=Envelope[ChargeOut], responses=error_responses(401, 404))
async def get_charge(charge_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """One of the caller's card payments (a top-up, a concession order, parking, a marketplace purchase)."""
    return ok(await run_sync(charge_detail, user=caller, charge_id=charge_id), "Payment")


@charges.post("/{charge_id}/verify", response_model=Envelope[ChargeOut], responses=error_responses(400, 401, 404, 503))
async def verify_charge(charge_id: uuid.UUID, body: VerifyIn, caller: CurrentUser) -> dict[str, Any]:
    """Client-side confirmation after checkout (signature checked; 400 INVALID_SIGNATURE when forged)."""
    data = await run_sync(charge_verify_and_read, user=caller, charge_id=charge_id, payload=body.model_dump())
    return ok(data, "Payment checked")


@charges.post("/{charge_id}/cancel", response_model=Envelope[ChargeOut], responses=error_responses(401, 404))
async def cancel_charge(charge_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Give up a pending payment (a paid one is refunded by what it paid for, not here)."""
    return ok(await run_sync(charge_cancel_and_read, user=caller, charge_id=charge_id), "Payment given up")


@sandbox_pages.get(
    "/sandbox/charges/{charge_id}",
    response_class=HTMLResponse,
    responses={
        404: {"description": "Not found (no such link, expired, or the sandbox is off)", "content": _JSON_ERROR}
    },
)
async def sandbox_charge_checkout(charge_id: uuid.UUID, token: str = "") -> HTMLResponse:
    """The sandbox provider's checkout page of a charge, through the buyer's signed link (`checkout_url`)."""
    context = await run_sync(sandbox_charge_context, charge_id=charge_id, token=token)
    return HTMLResponse(
        render_to_string("payments/sandbox_checkout.html", context),
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


routers = [charges, sandbox_pages]
