"""Payments and payouts HTTP API: orders, client verification, provider webhooks, the sandbox checkout,
bank accounts and payout requests."""

from __future__ import annotations

import html
import uuid
from typing import Any

from django.template.loader import render_to_string
from fastapi import Request
from fastapi.responses import HTMLResponse

from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.events.schemas import answers_given
from loopin.payments import payouts as payout_services
from loopin.payments import selectors, services
from loopin.payments.charge_api import routers as charge_routes
from loopin.payments.promo_api import router as promo_codes
from loopin.payments.schemas import (
    BankAccountIn,
    BankAccountOut,
    OrderIn,
    OrderOut,
    PayoutIn,
    PayoutOut,
    VerifyIn,
)
from loopin.payments.settlement_api import router as settlement_routes

payments = APIRouter(prefix="/api/v2/payments", tags=["payments"])
# Provider webhooks and the sandbox checkout page keep their unversioned paths (shared by both dialects).
provider_callbacks = APIRouter(prefix="/api/payments", tags=["payments"])
payouts = APIRouter(prefix="/api/v2/payouts", tags=["payouts"])


# ---------------------------------------------------------------- orders


@payments.post(
    "/orders", response_model=Envelope[OrderOut], responses=error_responses(400, 401, 403, 404, 409, 422, 503)
)
async def create_order(body: OrderIn, caller: CurrentUser) -> dict[str, Any]:
    """Hold seats for 10 minutes and open an order (a repeat call returns the open one); 409 SOLD_OUT when full."""
    data = await run_sync(
        selectors.order_after,
        service=services.order_create,
        user=caller,
        event_id=body.event_id,
        seats=body.seats,
        provider=body.provider,
        tier_id=body.tier_id,
        unlock_code=body.unlock_code,
        promo_code=body.promo_code,
        amount=body.amount,
        answers=answers_given(body.answers),
    )
    return ok(data, "Seats held: complete the payment")


@payments.get("/orders", response_model=ListEnvelope[OrderOut], responses=error_responses(401, 422))
async def list_orders(page: PageParams, caller: CurrentUser) -> dict[str, Any]:
    """The caller's orders, newest first."""
    return await run_page(selectors.my_orders, page, "Your orders", user=caller)


@payments.get("/orders/{order_id}", response_model=Envelope[OrderOut], responses=error_responses(401, 404))
async def get_order(order_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """One order (its buyer, the event's host, staff)."""
    return ok(await run_sync(selectors.order_detail, user=caller, order_id=order_id), "Order")


@payments.post(
    "/orders/{order_id}/verify", response_model=Envelope[OrderOut], responses=error_responses(400, 401, 404, 503)
)
async def verify_order(order_id: uuid.UUID, body: VerifyIn, caller: CurrentUser) -> dict[str, Any]:
    """Client-side confirmation after checkout (signature checked; 400 INVALID_SIGNATURE when forged)."""
    data = await run_sync(
        selectors.order_after, service=services.order_verify, user=caller, order_id=order_id, payload=body.model_dump()
    )
    return ok(data, "Payment checked")


@payments.post("/orders/{order_id}/cancel", response_model=Envelope[OrderOut], responses=error_responses(400, 401, 404))
async def cancel_order(order_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Give up a pending order, or cancel a paid ticket with a refund until the cut-off (REFUND_WINDOW_CLOSED)."""
    data = await run_sync(selectors.order_after, service=services.order_cancel, user=caller, order_id=order_id)
    return ok(data, "Order cancelled")


# ---------------------------------------------------------------- webhooks


@provider_callbacks.post("/webhooks/{provider}", responses=error_responses(400))
async def webhook(provider: str, request: Request) -> dict[str, Any]:
    """Provider webhooks: the signature is checked over the raw body; stored once; processed in a task."""
    body = await request.body()
    event, created = await run_sync(
        services.webhook_receive, provider=provider, body=body, headers=dict(request.headers)
    )
    return ok({"id": str(event.id), "duplicate": not created}, "Received")


_RETURN_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Loopin payment</title></head>
<body style="font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem">
<h1>{title}</h1><p>{text}</p><p>Order status: <strong>{status}</strong></p></body></html>"""


async def _payu_return(request: Request) -> HTMLResponse:
    body = await request.body()
    order = await run_sync(services.provider_return, provider="payu", body=body, headers=dict(request.headers))
    status = order.status if order else "unknown"
    paid = status == "paid"
    page = _RETURN_PAGE.format(
        title="Payment received" if paid else "Payment not completed",
        text="Your ticket is in the app." if paid else "No money was taken for a ticket. You can try again in the app.",
        status=html.escape(status),
    )
    return HTMLResponse(page)


_RETURN_RESPONSES = {
    200: {"content": {"text/html": {}}, "description": "A page for the buyer"},
    400: {
        "description": "Invalid signature or body",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
    },
}


@provider_callbacks.post("/payu/success", response_class=HTMLResponse, responses=_RETURN_RESPONSES)
async def payu_success(request: Request) -> HTMLResponse:
    """PayU's surl: verifies the reverse hash and marks the order paid (ticket issued) before answering."""
    return await _payu_return(request)


@provider_callbacks.post("/payu/failure", response_class=HTMLResponse, responses=_RETURN_RESPONSES)
async def payu_failure(request: Request) -> HTMLResponse:
    """PayU's furl: verifies the reverse hash and marks the order failed (its seats go back) before answering."""
    return await _payu_return(request)


# ---------------------------------------------------------------- sandbox checkout

_JSON_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}


@provider_callbacks.get(
    "/sandbox/{order_id}",
    response_class=HTMLResponse,
    responses={
        404: {"description": "Not found (no such link, expired, or the sandbox is off)", "content": _JSON_ERROR}
    },
)
async def sandbox_checkout(order_id: uuid.UUID, token: str = "") -> HTMLResponse:
    """The sandbox provider's checkout page, through the buyer's signed link from the order's `checkout_url`."""
    context = await run_sync(selectors.sandbox_checkout_context, order_id=order_id, token=token)
    return HTMLResponse(
        render_to_string("payments/sandbox_checkout.html", context),
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


# ---------------------------------------------------------------- payouts


@payouts.get("/bank-accounts", response_model=Envelope[list[BankAccountOut]], responses=error_responses(401))
async def list_bank_accounts(caller: CurrentUser) -> dict[str, Any]:
    """The caller's payout accounts (numbers masked)."""
    return ok(await run_sync(selectors.bank_accounts, user=caller), "Your bank accounts")


def _account_out(*, user: Any, **kwargs: Any) -> dict[str, Any]:
    return selectors.bank_account_data(payout_services.bank_account_create(user=user, **kwargs))


@payouts.post(
    "/bank-accounts", response_model=Envelope[BankAccountOut], status_code=201, responses=error_responses(401, 422)
)
async def add_bank_account(body: BankAccountIn, caller: CurrentUser) -> dict[str, Any]:
    """Add a bank account (IFSC and 8-30 digit number checked; stored encrypted)."""
    data = await run_sync(
        _account_out,
        user=caller,
        holder_name=body.holder_name,
        bank_name=body.bank_name,
        ifsc=body.ifsc,
        account_number=body.account_number,
        make_primary=body.is_primary,
    )
    return ok(data, "Bank account added")


def _primary_out(*, user: Any, account_id: uuid.UUID) -> dict[str, Any]:
    return selectors.bank_account_data(payout_services.bank_account_make_primary(user=user, account_id=account_id))


@payouts.post(
    "/bank-accounts/{account_id}/primary", response_model=Envelope[BankAccountOut], responses=error_responses(401, 404)
)
async def make_primary(account_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Make this account the primary one."""
    return ok(await run_sync(_primary_out, user=caller, account_id=account_id), "Primary account set")


@payouts.delete("/bank-accounts/{account_id}", response_model=Envelope[None], responses=error_responses(401, 404, 409))
async def remove_bank_account(account_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Remove an account (refused while a payout in progress uses it)."""
    await run_sync(payout_services.bank_account_remove, user=caller, account_id=account_id)
    return ok(None, "Bank account removed")


def _payout_out(*, host: Any, **kwargs: Any) -> dict[str, Any]:
    return selectors.payout_data(payout_services.payout_request_create(host=host, **kwargs))


@payouts.post(
    "/requests", response_model=Envelope[PayoutOut], status_code=201, responses=error_responses(400, 401, 404, 409)
)
async def request_payout(body: PayoutIn, caller: CurrentUser) -> dict[str, Any]:
    """After the event ends: ask for host earnings minus refunds (one active request per event)."""
    data = await run_sync(_payout_out, host=caller, event_id=body.event_id, bank_account_id=body.bank_account_id)
    return ok(data, "Payout requested")


@payouts.get("/requests", response_model=ListEnvelope[PayoutOut], responses=error_responses(401, 422))
async def list_payouts(page: PageParams, caller: CurrentUser) -> dict[str, Any]:
    """The caller's payout requests and their status."""
    return await run_page(selectors.my_payouts, page, "Your payouts", user=caller)


routers = [payments, provider_callbacks, payouts, promo_codes, settlement_routes, *charge_routes]
