"""LoopPay HTTP API: the caller's balance, top-ups by card, transfers (when enabled) and history."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.looppay.schemas import BalanceOut, HistoryItemOut, PayOrderIn, TopupIn, TransferIn, TransferOut
from loopin.looppay.selectors import balance_data, history
from loopin.looppay.services import order_pay_with_credits_and_read, topup_start_and_read, transfer_send_and_read
from loopin.payments.schemas import ChargeOut, OrderOut

looppay = APIRouter(prefix="/api/v2/looppay", tags=["looppay"])


@looppay.get("/balance", response_model=Envelope[BalanceOut], responses=error_responses(401))
async def get_balance(caller: CurrentUser) -> dict[str, Any]:
    """The caller's LoopPay credit: paid, promotional (spent first, expires) and their sum."""
    return ok(await run_sync(balance_data, user=caller), "Balance")


@looppay.post(
    "/topups", response_model=Envelope[ChargeOut], status_code=201, responses=error_responses(400, 401, 409, 422, 503)
)
async def create_topup(body: TopupIn, caller: CurrentUser) -> dict[str, Any]:
    """Buy credits by card: pay the returned `checkout`; the balance is credited once the provider confirms."""
    data = await run_sync(topup_start_and_read, user=caller, amount=body.amount, provider=body.provider)
    return ok(data, "Complete the payment")


@looppay.post(
    "/transfers",
    response_model=Envelope[TransferOut],
    status_code=201,
    responses=error_responses(400, 401, 403, 409, 422),
)
async def create_transfer(body: TransferIn, caller: CurrentUser) -> dict[str, Any]:
    """Send paid credit to another person (403 TRANSFERS_DISABLED unless the platform is licensed for it)."""
    data = await run_sync(
        transfer_send_and_read,
        user=caller,
        recipient_id=body.recipient_id,
        amount=body.amount,
        idempotency_key=body.idempotency_key,
        note=body.note,
    )
    return ok(data, "Credits sent")


@looppay.get("/history", response_model=ListEnvelope[HistoryItemOut], responses=error_responses(401, 422))
async def get_history(page: PageParams, caller: CurrentUser) -> dict[str, Any]:
    """The caller's credit movements, newest first."""
    return await run_page(history, page, "LoopPay history", user=caller)


@looppay.post(
    "/orders/{order_id}/pay", response_model=Envelope[OrderOut], responses=error_responses(400, 401, 404, 409, 422, 503)
)
async def pay_order(order_id: uuid.UUID, caller: CurrentUser, body: PayOrderIn | None = None) -> dict[str, Any]:
    """Pay one of the caller's pending ticket orders with credits (promotional first): in full, and the ticket is
    issued; or `credits` of it, and the rest (`amount_due`) by card through the order's renewed `checkout`."""
    credits = body.credits if body is not None else None
    data = await run_sync(order_pay_with_credits_and_read, user=caller, order_id=order_id, credits=credits)
    return ok(data, "Paid with credits" if data.status == "paid" else "Credits applied: pay the rest by card")


routers = [looppay]
