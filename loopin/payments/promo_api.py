"""Promo codes over HTTP, for the event's host: `/api/v2/events/{event_id}/promo-codes`. Buyers apply a code
with `promo_code` when they open an order (`POST /api/v2/payments/orders`)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, error_responses, ok
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.payments.schemas import PromoCodeIn, PromoCodeOut, PromoCodeUpdateIn
from loopin.payments.selectors import promo_view
from loopin.payments.services.promos import PromoInput, promo_create, promo_delete, promo_update
from loopin.payments.services.staff_reads import event_promo_codes_and_audit

if TYPE_CHECKING:
    from loopin.accounts.models import User

router = APIRouter(prefix="/api/v2/events", tags=["promo codes"])
ANY_ERROR = (400, 401, 403, 404, 409, 422)


def _input(body: PromoCodeIn | PromoCodeUpdateIn) -> PromoInput:
    given = body.model_dump(exclude_unset=True)
    return PromoInput(**given, given=set(given))


def promo_create_and_read(*, user: User, event_id: uuid.UUID, data: PromoInput) -> PromoCodeOut:
    """Add a promo code, then read it back."""
    promo = promo_create(actor=user, event_id=event_id, data=data)
    return promo_view(promo_id=promo.id)


def promo_update_and_read(*, user: User, event_id: uuid.UUID, promo_id: uuid.UUID, data: PromoInput) -> PromoCodeOut:
    """Change a promo code, then read it back."""
    promo = promo_update(actor=user, event_id=event_id, promo_id=promo_id, data=data)
    return promo_view(promo_id=promo.id)


@router.get(
    "/{event_id}/promo-codes", response_model=Envelope[list[PromoCodeOut]], responses=error_responses(401, 403, 404)
)
async def promo_list(event_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """The event's promo codes with their uses (host)."""
    return ok(await run_sync(event_promo_codes_and_audit, user=caller, event_id=event_id), "Promo codes")


@router.post(
    "/{event_id}/promo-codes",
    response_model=Envelope[PromoCodeOut],
    status_code=201,
    responses=error_responses(*ANY_ERROR),
)
async def promo_add(event_id: uuid.UUID, body: PromoCodeIn, caller: CurrentUser) -> dict[str, Any]:
    """Add a promo code (host of a paid event); 409 PROMO_CODE_EXISTS when the event has it in any case."""
    data = await run_sync(promo_create_and_read, user=caller, event_id=event_id, data=_input(body))
    return ok(data, "Promo code added")


@router.patch(
    "/{event_id}/promo-codes/{promo_id}", response_model=Envelope[PromoCodeOut], responses=error_responses(*ANY_ERROR)
)
async def promo_change(event_id: uuid.UUID, promo_id: uuid.UUID, body: PromoCodeUpdateIn, caller: CurrentUser) -> dict:
    """Change a promo code or switch it off (`is_active` false); orders made with it keep their discount."""
    data = await run_sync(promo_update_and_read, user=caller, event_id=event_id, promo_id=promo_id, data=_input(body))
    return ok(data, "Promo code updated")


@router.delete(
    "/{event_id}/promo-codes/{promo_id}", response_model=Envelope[None], responses=error_responses(*ANY_ERROR)
)
async def promo_remove(event_id: uuid.UUID, promo_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Remove a code no order used (409 PROMO_CODE_USED otherwise: switch it off)."""
    await run_sync(promo_delete, actor=caller, event_id=event_id, promo_id=promo_id)
    return ok(None, "Promo code removed")
