"""Payments, payouts and push devices in the app's dialect (CLIENT.md C27-C30)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, Field

from loopin.accounts.models import User
from loopin.app_v1 import numbers, reads
from loopin.app_v1.schemas import AppObject, AppOrderEnvelope
from loopin.core.auth import CurrentUser, UngatedUser
from loopin.core.envelope import error_responses
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.notifications import services as notification_services
from loopin.payments import payouts as payout_services
from loopin.payments import services as payment_services
from loopin.payments.models import Order, OrderStatus
from loopin.payments.services.staff_reads import order_for_viewer_and_audit

payments = APIRouter(prefix="/api/payments", tags=["app: payments"])
payouts = APIRouter(prefix="/api/payouts", tags=["app: payouts"])
devices = APIRouter(prefix="/api/notifications", tags=["app: notifications"])


class OrderIn(BaseModel):
    event_id: numbers.AppNumber
    amount: float | str | None = Field(
        default=None, description="What the app shows (the ticket price); the server prices the order itself"
    )
    seats_count: int = Field(default=1, ge=1, le=10)


class BankAccountIn(BaseModel):
    bank_name: str = Field(min_length=1, max_length=120)
    account_number: str = Field(min_length=1, max_length=40)
    ifsc_code: str = Field(min_length=1, max_length=20)
    account_holder_name: str = Field(min_length=1, max_length=120)
    is_primary: bool = False


class DeviceIn(BaseModel):
    onesignal_player_id: str = Field(min_length=1, max_length=512)
    platform: Literal["android", "ios"]


def _redirect(order: Order) -> dict[str, Any]:
    """The form the app's WebView posts to PayU: exactly the ten fields our checkout signed."""
    checkout = order.checkout or {}
    fields = checkout.get("fields") or {}
    keys = ("key", "txnid", "amount", "productinfo", "firstname", "email", "phone", "surl", "furl", "hash")
    return {"payu_url": checkout.get("action", ""), "payload": {k: fields.get(k, "") for k in keys}}


def _order_body(order: Order) -> dict[str, Any]:
    order = Order.objects.select_related("event").get(id=order.id)
    data: dict[str, Any] = {"order": reads.order_out(order)}
    if order.status == OrderStatus.PENDING and order.provider == "payu":
        data["payu_redirect"] = _redirect(order)
    return {"success": True, "message": "Order", "data": data}


def _create(*, user: User, body: OrderIn) -> dict[str, Any]:
    order = payment_services.order_create(
        user=user, event_id=numbers.event_uuid(body.event_id), seats=body.seats_count, provider="payu"
    )
    return _order_body(order)


@payments.post(
    "/orders",
    response_model=AppOrderEnvelope,
    status_code=201,
    responses=error_responses(400, 401, 403, 404, 409, 422, 503),
)
async def order_create(body: OrderIn, caller: CurrentUser) -> dict[str, Any]:
    """C27: hold the seats and open a PayU order; `data.payu_redirect` is the form the app posts (201)."""
    return await run_sync(_create, user=caller, body=body)


def _get(*, user: User, order_id: str) -> dict[str, Any]:
    order = order_for_viewer_and_audit(user=user, order_id=numbers.order_uuid(order_id))  # who may read it
    if order.status == OrderStatus.PENDING:  # a due hold expires now, as in the designed API
        payment_services.order_release(order_id=order.id, reason="hold expired", due_only=True)
    return _order_body(order)


@payments.get("/orders/{order_id}", response_model=AppOrderEnvelope, responses=error_responses(401, 404, 422))
async def order_get(order_id: Annotated[str, Path(max_length=64)], caller: CurrentUser) -> dict[str, Any]:
    """C28: the order and its `status` (`paid` once PayU's return page settled it)."""
    return await run_sync(_get, user=caller, order_id=order_id)


def _bank_account(*, user: User, body: BankAccountIn) -> dict[str, Any]:
    account = payout_services.bank_account_create(
        user=user,
        holder_name=body.account_holder_name,
        bank_name=body.bank_name,
        ifsc=body.ifsc_code,
        account_number=body.account_number,
        make_primary=body.is_primary,
    )
    return {
        "success": True,
        "message": "Bank account added",
        "data": {
            "id": account.number,
            "bank_name": account.bank_name,
            "account_holder_name": account.holder_name,
            "ifsc_code": account.ifsc,
            "account_number": account.masked,
            "is_primary": account.is_primary,
        },
    }


@payouts.post("/bank-accounts", response_model=AppObject, status_code=201, responses=error_responses(401, 403, 422))
async def bank_account_create(body: BankAccountIn, caller: CurrentUser) -> dict[str, Any]:
    """C29: add a payout bank account (the number is stored encrypted, shown masked)."""
    return await run_sync(_bank_account, user=caller, body=body)


def _device(*, user: User, body: DeviceIn) -> dict[str, Any]:
    device = notification_services.device_register(
        user=user, provider="onesignal", token=body.onesignal_player_id, platform=body.platform
    )
    return {"success": True, "message": "Device registered", "data": {"platform": device.platform}}


@devices.post("/devices/register", response_model=AppObject, responses=error_responses(401, 422))
async def device_register(body: DeviceIn, caller: UngatedUser) -> dict[str, Any]:
    """C30: register this install's OneSignal player id for push."""
    return await run_sync(_device, user=caller, body=body)


routers = [payments, payouts, devices]
