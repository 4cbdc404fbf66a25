"""The app's integer ids: each names a row by its `number` (see `loopin.core.ids`); unknown ones are 404s."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import Field

from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.models import User
from loopin.core.errors import NotFound
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import Event, Invitation, JoinRequest
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.models import Order

# The largest integer a JavaScript client reads exactly (Number.MAX_SAFE_INTEGER): no number is ever larger,
# and a larger one is refused by the schema (422) instead of reaching the database.
JS_SAFE_MAX = 2**53 - 1
AppNumber = Annotated[int, Field(ge=1, le=JS_SAFE_MAX)]


def _pk(model: Any, number: int | str, message: str, code: str) -> Any:
    try:
        value = int(number)
    except (TypeError, ValueError):
        raise NotFound(message, code=code) from None
    pk = model._base_manager.filter(number=value).values_list("pk", flat=True).first() if value > 0 else None
    if pk is None:
        raise NotFound(message, code=code)
    return pk


def event_uuid(number: int | str) -> uuid.UUID:

    return _pk(Event, number, "Event not found.", EventErrorCode.EVENT_NOT_FOUND)


def user_uuid(number: int | str) -> uuid.UUID:

    return _pk(User, number, "User not found.", AccountErrorCode.USER_NOT_FOUND)


def request_uuid(number: int | str) -> uuid.UUID:

    return _pk(JoinRequest, number, "Request not found.", EventErrorCode.REQUEST_NOT_FOUND)


def invitation_uuid(number: int | str) -> uuid.UUID:

    return _pk(Invitation, number, "Invitation not found.", EventErrorCode.INVITATION_NOT_FOUND)


def order_uuid(order_id: str) -> uuid.UUID:
    """C28's path holds the order's UUID (the `order_id` C27 gave); its integer number is read too."""

    try:
        return uuid.UUID(order_id)
    except ValueError:
        return _pk(Order, order_id, "Order not found.", PaymentErrorCode.ORDER_NOT_FOUND)


def numbers_of(model: Any, pks: list[Any]) -> dict[Any, int]:
    """{uuid: number} for the given rows, in one query."""
    return dict(model._base_manager.filter(pk__in=set(pks)).values_list("pk", "number"))


def numbers_of_users(user_numbers: list[int]) -> dict[int, uuid.UUID]:
    """{number: uuid} of the active users among these numbers (unknown ones are left out)."""

    return dict(User.objects.filter(number__in=set(user_numbers), is_active=True).values_list("number", "id"))
