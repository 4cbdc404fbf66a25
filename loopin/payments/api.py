"""Payments and payouts HTTP API: orders, client verification, provider webhooks, the sandbox checkout,
bank accounts and payout requests."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.events.questions import AnswerGiven
from loopin.events.schemas import answers_given
from loopin.payments import organisation_earnings as earnings
from loopin.payments import organisation_payouts as org_payouts
from loopin.payments import payouts as payout_services
from loopin.payments import selectors, services
from loopin.payments.charge_api import routers as charge_routes
from loopin.payments.models import OrderStatus
from loopin.payments.organisation_earnings import EventEarningsOut
from loopin.payments.pages import payu_return_page, sandbox_checkout_page
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
from loopin.payments.services.orders import order_hold_refuse_early
from loopin.payments.services.staff_reads import order_for_viewer_and_audit
from loopin.payments.settlement_api import router as settlement_routes

if TYPE_CHECKING:
    from loopin.accounts.models import User

payments = APIRouter(prefix="/api/v2/payments", tags=["payments"])
# Provider webhooks and the sandbox checkout page keep their unversioned paths (shared by both dialects).
provider_callbacks = APIRouter(prefix="/api/payments", tags=["payments"])
payouts = APIRouter(prefix="/api/v2/payouts", tags=["payouts"])


# ---------------------------------------------------------------- orders
# The one idiom (issue 20): an endpoint makes one `run_sync` call; a write answered with the order calls one
# of these (the service writes and returns the order, `selectors.order_view` reads it back for the response).


def order_create_and_read(
    *,
    user: User,
    event_id: uuid.UUID,
    seats: int,
    provider: str | None,
    tier_id: uuid.UUID | None,
    unlock_code: str | None,
    promo_code: str | None,
    amount: Decimal | None,
    answers: list[AnswerGiven],
    flags_read: bool = False,
) -> OrderOut:
    """Open an order (seats held), then read it back for the buyer (a new order: from what was written)."""
    order, written = services.order_hold(
        user=user,
        event_id=event_id,
        seats=seats,
        provider=provider,
        tier_id=tier_id,
        unlock_code=unlock_code,
        promo_code=promo_code,
        amount=amount,
        answers=answers,
        flags_read=flags_read,
    )
    if written:
        return selectors.order_view_new(order, viewer=user)
    return selectors.order_view(user=user, order_id=order.id)


def order_get_and_read(*, user: User, order_id: uuid.UUID) -> OrderOut:
    """One order for whoever may read it; a pending order whose hold is due expires first (seats go back)
    rather than waiting for the sweep, so the reader sees its real state."""
    order = order_for_viewer_and_audit(user=user, order_id=order_id)
    if order.status == OrderStatus.PENDING and services.order_release(
        order_id=order.id, reason="hold expired", due_only=True
    ):
        order.refresh_from_db()
    return selectors.order_data(order, viewer=user)


def order_verify_and_read(*, user: User, order_id: uuid.UUID, payload: dict[str, Any]) -> OrderOut:
    """Check the client's payment confirmation, then read the order back."""
    order = services.order_verify(user=user, order_id=order_id, payload=payload)
    return selectors.order_view(user=user, order_id=order.id)


def order_cancel_and_read(*, user: User, order_id: uuid.UUID) -> OrderOut:
    """Give up or cancel (with a refund) an order, then read it back."""
    order = services.order_cancel(user=user, order_id=order_id)
    return selectors.order_view(user=user, order_id=order.id)


@payments.post(
    "/orders", response_model=Envelope[OrderOut], responses=error_responses(400, 401, 403, 404, 409, 422, 503)
)
async def create_order(body: OrderIn, caller: CurrentUser) -> dict[str, Any]:
    """Hold seats for 10 minutes and open an order (a repeat call returns the open one); 409 SOLD_OUT when full."""
    user = caller.cached()
    if user is not None:  # a sold-out answer (and the refusals before it) without a thread hop or a query
        await order_hold_refuse_early(user=user, event_id=body.event_id, tier_id=body.tier_id, provider=body.provider)
    data = await run_sync(
        order_create_and_read,
        user=caller,
        event_id=body.event_id,
        seats=body.seats,
        provider=body.provider,
        tier_id=body.tier_id,
        unlock_code=body.unlock_code,
        promo_code=body.promo_code,
        amount=body.amount,
        answers=answers_given(body.answers),
        flags_read=user is not None,
    )
    return ok(data, "Seats held: complete the payment")


@payments.get("/orders", response_model=ListEnvelope[OrderOut], responses=error_responses(401, 422))
async def list_orders(page: PageParams, caller: CurrentUser) -> dict[str, Any]:
    """The caller's orders, newest first."""
    return await run_page(selectors.my_orders, page, "Your orders", user=caller)


@payments.get("/orders/{order_id}", response_model=Envelope[OrderOut], responses=error_responses(401, 404))
async def get_order(order_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """One order (its buyer, the event's host, staff)."""
    return ok(await run_sync(order_get_and_read, user=caller, order_id=order_id), "Order")


@payments.post(
    "/orders/{order_id}/verify", response_model=Envelope[OrderOut], responses=error_responses(400, 401, 404, 503)
)
async def verify_order(order_id: uuid.UUID, body: VerifyIn, caller: CurrentUser) -> dict[str, Any]:
    """Client-side confirmation after checkout (signature checked; 400 INVALID_SIGNATURE when forged)."""
    data = await run_sync(order_verify_and_read, user=caller, order_id=order_id, payload=body.model_dump())
    return ok(data, "Payment checked")


@payments.post("/orders/{order_id}/cancel", response_model=Envelope[OrderOut], responses=error_responses(400, 401, 404))
async def cancel_order(order_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Give up a pending order, or cancel a paid ticket with a refund until the cut-off (REFUND_WINDOW_CLOSED)."""
    data = await run_sync(order_cancel_and_read, user=caller, order_id=order_id)
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


_RETURN_RESPONSES = {
    200: {"content": {"text/html": {}}, "description": "A page for the buyer"},
    400: {
        "description": "Invalid signature or body",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
    },
}


@provider_callbacks.post("/payu/success", response_class=HTMLResponse, responses=_RETURN_RESPONSES)
async def payu_success(request: Request) -> HTMLResponse:
    """PayU's surl: verifies the reverse hash and marks the order (ticket issued) or charge paid before answering."""
    body = await request.body()
    paid_for = await run_sync(services.provider_return, provider="payu", body=body, headers=dict(request.headers))
    return HTMLResponse(payu_return_page(paid_for))


@provider_callbacks.post("/payu/failure", response_class=HTMLResponse, responses=_RETURN_RESPONSES)
async def payu_failure(request: Request) -> HTMLResponse:
    """PayU's furl: verifies the reverse hash and marks the order (its seats go back) or charge failed before
    answering."""
    body = await request.body()
    paid_for = await run_sync(services.provider_return, provider="payu", body=body, headers=dict(request.headers))
    return HTMLResponse(payu_return_page(paid_for))


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
        sandbox_checkout_page(context),
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


# ---------------------------------------------------------------- payouts


@payouts.get("/bank-accounts", response_model=Envelope[list[BankAccountOut]], responses=error_responses(401))
async def list_bank_accounts(caller: CurrentUser) -> dict[str, Any]:
    """The caller's payout accounts (numbers masked)."""
    return ok(await run_sync(selectors.bank_accounts, user=caller), "Your bank accounts")


def bank_account_create_and_read(
    *, user: User, holder_name: str, bank_name: str, ifsc: str, account_number: str, make_primary: bool
) -> BankAccountOut:
    """Add a bank account, then read it back (number masked)."""
    account = payout_services.bank_account_create(
        user=user,
        holder_name=holder_name,
        bank_name=bank_name,
        ifsc=ifsc,
        account_number=account_number,
        make_primary=make_primary,
    )
    return BankAccountOut.from_model(account)


@payouts.post(
    "/bank-accounts", response_model=Envelope[BankAccountOut], status_code=201, responses=error_responses(401, 422)
)
async def add_bank_account(body: BankAccountIn, caller: CurrentUser) -> dict[str, Any]:
    """Add a bank account (IFSC and 8-30 digit number checked; stored encrypted)."""
    data = await run_sync(
        bank_account_create_and_read,
        user=caller,
        holder_name=body.holder_name,
        bank_name=body.bank_name,
        ifsc=body.ifsc,
        account_number=body.account_number,
        make_primary=body.is_primary,
    )
    return ok(data, "Bank account added")


def bank_account_make_primary_and_read(*, user: User, account_id: uuid.UUID) -> BankAccountOut:
    """Make an account the primary one, then read it back."""
    return BankAccountOut.from_model(payout_services.bank_account_make_primary(user=user, account_id=account_id))


@payouts.post(
    "/bank-accounts/{account_id}/primary", response_model=Envelope[BankAccountOut], responses=error_responses(401, 404)
)
async def make_primary(account_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Make this account the primary one."""
    return ok(
        await run_sync(bank_account_make_primary_and_read, user=caller, account_id=account_id), "Primary account set"
    )


@payouts.delete("/bank-accounts/{account_id}", response_model=Envelope[None], responses=error_responses(401, 404, 409))
async def remove_bank_account(account_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Remove an account (refused while a payout in progress uses it)."""
    await run_sync(payout_services.bank_account_remove, user=caller, account_id=account_id)
    return ok(None, "Bank account removed")


def payout_request_create_and_read(*, host: User, event_id: uuid.UUID, bank_account_id: uuid.UUID) -> PayoutOut:
    """Ask for a payout, then read the request back."""
    return PayoutOut.from_model(
        payout_services.payout_request_create(host=host, event_id=event_id, bank_account_id=bank_account_id)
    )


@payouts.post(
    "/requests", response_model=Envelope[PayoutOut], status_code=201, responses=error_responses(400, 401, 404, 409)
)
async def request_payout(body: PayoutIn, caller: CurrentUser) -> dict[str, Any]:
    """After the event ends: ask for host earnings minus refunds (one active request per event)."""
    data = await run_sync(
        payout_request_create_and_read, host=caller, event_id=body.event_id, bank_account_id=body.bank_account_id
    )
    return ok(data, "Payout requested")


@payouts.get("/requests", response_model=ListEnvelope[PayoutOut], responses=error_responses(401, 422))
async def list_payouts(page: PageParams, caller: CurrentUser) -> dict[str, Any]:
    """The caller's payout requests and their status."""
    return await run_page(selectors.my_payouts, page, "Your payouts", user=caller)


@payouts.get(
    "/organisations/{organisation_id}/earnings",
    response_model=ListEnvelope[EventEarningsOut],
    responses=error_responses(401, 403, 404, 422),
)
async def organisation_earnings(organisation_id: uuid.UUID, page: PageParams, caller: CurrentUser) -> dict[str, Any]:
    """An organisation's events with their earnings, refunds, payouts and balance (owner and admin)."""
    return await run_page(
        earnings.organisation_earnings,
        page,
        "The organisation's earnings",
        user=caller,
        organisation_id=organisation_id,
    )


# ---------------------------------------------------------------- an organisation's accounts and payouts
# The shapes of the personal endpoints above, under the organisation (`money` for accounts, `payouts` to ask).

ORG = "/organisations/{organisation_id}"


@payouts.get(
    f"{ORG}/bank-accounts",
    response_model=Envelope[list[BankAccountOut]],
    responses=error_responses(401, 403, 404),
)
async def list_organisation_bank_accounts(organisation_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """The organisation's payout accounts, numbers masked (owner and admin)."""
    data = await run_sync(earnings.organisation_bank_accounts, user=caller, organisation_id=organisation_id)
    return ok(data, "The organisation's bank accounts")


def organisation_bank_account_create_and_read(
    *, user: User, organisation_id: uuid.UUID, body: BankAccountIn
) -> BankAccountOut:
    """Add an account of the organisation, then read it back (number masked)."""
    account = org_payouts.organisation_bank_account_create(
        user=user,
        organisation_id=organisation_id,
        holder_name=body.holder_name,
        bank_name=body.bank_name,
        ifsc=body.ifsc,
        account_number=body.account_number,
        make_primary=body.is_primary,
    )
    return BankAccountOut.from_model(account)


@payouts.post(
    f"{ORG}/bank-accounts",
    response_model=Envelope[BankAccountOut],
    status_code=201,
    responses=error_responses(401, 403, 404, 422),
)
async def add_organisation_bank_account(
    organisation_id: uuid.UUID, body: BankAccountIn, caller: CurrentUser
) -> dict[str, Any]:
    """Add a bank account of the organisation (IFSC and 8-30 digit number checked; stored encrypted)."""
    data = await run_sync(
        organisation_bank_account_create_and_read, user=caller, organisation_id=organisation_id, body=body
    )
    return ok(data, "Bank account added")


def organisation_bank_account_make_primary_and_read(
    *, user: User, organisation_id: uuid.UUID, account_id: uuid.UUID
) -> BankAccountOut:
    """Make an account of the organisation its primary one, then read it back."""
    account = org_payouts.organisation_bank_account_make_primary(
        user=user, organisation_id=organisation_id, account_id=account_id
    )
    return BankAccountOut.from_model(account)


@payouts.post(
    f"{ORG}/bank-accounts/{{account_id}}/primary",
    response_model=Envelope[BankAccountOut],
    responses=error_responses(401, 403, 404),
)
async def make_organisation_primary(
    organisation_id: uuid.UUID, account_id: uuid.UUID, caller: CurrentUser
) -> dict[str, Any]:
    """Make this account the organisation's primary one."""
    data = await run_sync(
        organisation_bank_account_make_primary_and_read,
        user=caller,
        organisation_id=organisation_id,
        account_id=account_id,
    )
    return ok(data, "Primary account set")


@payouts.delete(
    f"{ORG}/bank-accounts/{{account_id}}",
    response_model=Envelope[None],
    responses=error_responses(401, 403, 404, 409),
)
async def remove_organisation_bank_account(
    organisation_id: uuid.UUID, account_id: uuid.UUID, caller: CurrentUser
) -> dict[str, Any]:
    """Remove an account of the organisation (refused while a payout in progress uses it)."""
    await run_sync(
        org_payouts.organisation_bank_account_remove,
        user=caller,
        organisation_id=organisation_id,
        account_id=account_id,
    )
    return ok(None, "Bank account removed")


def organisation_payout_create_and_read(
    *, user: User, organisation_id: uuid.UUID, event_id: uuid.UUID, bank_account_id: uuid.UUID
) -> PayoutOut:
    """Ask for an organisation's event's payout, then read the request back."""
    payout = org_payouts.organisation_payout_request_create(
        user=user, organisation_id=organisation_id, event_id=event_id, bank_account_id=bank_account_id
    )
    return PayoutOut.from_model(payout)


@payouts.post(
    f"{ORG}/requests",
    response_model=Envelope[PayoutOut],
    status_code=201,
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
async def request_organisation_payout(
    organisation_id: uuid.UUID, body: PayoutIn, caller: CurrentUser
) -> dict[str, Any]:
    """After one of its events ends: its earnings minus refunds and earlier payouts, to an account of the
    organisation (owner and admin; one active request per event)."""
    data = await run_sync(
        organisation_payout_create_and_read,
        user=caller,
        organisation_id=organisation_id,
        event_id=body.event_id,
        bank_account_id=body.bank_account_id,
    )
    return ok(data, "Payout requested")


@payouts.get(
    f"{ORG}/requests",
    response_model=ListEnvelope[PayoutOut],
    responses=error_responses(401, 403, 404, 422),
)
async def list_organisation_payouts(
    organisation_id: uuid.UUID, page: PageParams, caller: CurrentUser
) -> dict[str, Any]:
    """The organisation's payout requests and their status (owner and admin)."""
    return await run_page(
        earnings.organisation_payouts, page, "The organisation's payouts", user=caller, organisation_id=organisation_id
    )


routers = [payments, provider_callbacks, payouts, promo_codes, settlement_routes, *charge_routes]
