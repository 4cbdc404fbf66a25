"""Automatic settlement over HTTP: a host's provider accounts (`/api/v2/payouts/settlement-accounts`), an
event's settlement mode and co-host split (`/api/v2/payouts/events/{event_id}/settlement`, owner only), and
the caller's shares of paid orders (`/api/v2/payouts/settlements`)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.payments import selectors, settlement
from loopin.payments.schemas import (
    EventSettlementIn,
    EventSettlementOut,
    SettlementAccountIn,
    SettlementAccountOut,
    SettlementOut,
)

if TYPE_CHECKING:
    from loopin.accounts.models import User

router = APIRouter(prefix="/api/v2/payouts", tags=["settlement"])


# The one idiom (issue 20): an endpoint makes one `run_sync` call; a write answered with what it wrote calls
# one of these (one service, then one read of its result).


def settlement_account_register_and_read(*, user: User, provider: str, account_id: str) -> SettlementAccountOut:
    """Link a provider account, then read it back."""
    account = settlement.settlement_account_register(user=user, provider=provider, account_id=account_id)
    return SettlementAccountOut.from_model(account)


def settlement_account_verify_and_read(*, user: User, account_id: uuid.UUID) -> SettlementAccountOut:
    """Check an own account with the provider again, then read it back."""
    return SettlementAccountOut.from_model(settlement.settlement_account_verify_own(user=user, account_id=account_id))


def settlement_account_disable_and_read(*, user: User, account_id: uuid.UUID) -> SettlementAccountOut:
    """Stop settling to an own account, then read it back."""
    return SettlementAccountOut.from_model(settlement.settlement_account_disable_own(user=user, account_id=account_id))


@router.get("/settlement-accounts", response_model=Envelope[list[SettlementAccountOut]], responses=error_responses(401))
async def list_settlement_accounts(caller: CurrentUser) -> dict[str, Any]:
    """The caller's Razorpay Route / Stripe Connect accounts."""
    return ok(await run_sync(selectors.my_settlement_accounts, user=caller), "Settlement accounts")


@router.post(
    "/settlement-accounts",
    response_model=Envelope[SettlementAccountOut],
    status_code=201,
    responses=error_responses(400, 401, 409, 422),
)
async def add_settlement_account(body: SettlementAccountIn, caller: CurrentUser) -> dict[str, Any]:
    """Link a provider account; it is verified with the provider at once and active only when it can take
    transfers (otherwise pending: verify again later)."""
    data = await run_sync(
        settlement_account_register_and_read,
        user=caller,
        provider=body.provider,
        account_id=body.account_id,
    )
    return ok(data, "Settlement account linked")


@router.post(
    "/settlement-accounts/{account_id}/verify",
    response_model=Envelope[SettlementAccountOut],
    responses=error_responses(400, 401, 404, 503),
)
async def verify_settlement_account(account_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Ask the provider again (a pending account becomes active once the provider allows transfers)."""
    data = await run_sync(settlement_account_verify_and_read, user=caller, account_id=account_id)
    return ok(data, "Settlement account checked")


@router.delete(
    "/settlement-accounts/{account_id}",
    response_model=Envelope[SettlementAccountOut],
    responses=error_responses(401, 404),
)
async def disable_settlement_account(account_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Stop settling to this account: later orders count in the payout balance instead."""
    data = await run_sync(settlement_account_disable_and_read, user=caller, account_id=account_id)
    return ok(data, "Settlement account disabled")


@router.get(
    "/events/{event_id}/settlement",
    response_model=Envelope[EventSettlementOut],
    responses=error_responses(401, 403, 404),
)
async def get_event_settlement(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """How the event's host earning is settled and split (the owner)."""
    return ok(await run_sync(settlement.event_settlement_data, user=caller, event_id=event_id), "Settlement")


def event_settlement_set_and_read(
    *, user: User, event_id: uuid.UUID, mode: str, splits: list[settlement.SplitIn]
) -> dict[str, Any]:
    """Choose the event's settlement mode and split, then read it back."""
    settlement.event_settlement_set(user=user, event_id=event_id, mode=mode, splits=splits)
    return settlement.event_settlement_data(user=user, event_id=event_id)


@router.put(
    "/events/{event_id}/settlement",
    response_model=Envelope[EventSettlementOut],
    responses=error_responses(400, 401, 403, 404, 422),
)
async def set_event_settlement(event_id: uuid.UUID, body: EventSettlementIn, caller: CurrentUser) -> dict[str, Any]:
    """The owner chooses `manual` (payout requests) or `auto` (provider transfers; needs an active account) and
    the split with co-hosts in basis points adding up to 10000. Orders already paid keep their split."""
    data = await run_sync(
        event_settlement_set_and_read,
        user=caller,
        event_id=event_id,
        mode=body.mode,
        splits=[settlement.SplitIn(user_id=s.user_id, share_bps=s.share_bps) for s in body.splits],
    )
    return ok(data, "Settlement saved")


@router.get("/settlements", response_model=ListEnvelope[SettlementOut], responses=error_responses(401, 422))
async def list_settlements(page: PageParams, caller: CurrentUser) -> dict[str, Any]:
    """The caller's shares of paid orders: transferred by the provider, or counted in their payout balance."""
    return await run_page(selectors.my_settlements, page, "Your settlements", user=caller)
