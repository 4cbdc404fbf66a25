"""Request and response shapes of the LoopPay API. Money is a decimal string in rupees."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ProviderName = Literal["sandbox", "razorpay", "stripe", "payu"]
CreditAmount = Field(gt=0, le=Decimal("100000"), max_digits=8, decimal_places=2, description="Rupees, 2 decimals")


class BalanceOut(BaseModel):
    balance: str = Field(description="What can be spent now: paid + unexpired promotional credit")
    paid: str
    promotional: str = Field(description="Spent before paid credit; expires")
    currency: str
    next_promo_expiry: datetime | None


class PayOrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credits: Decimal | None = Field(
        default=None,
        gt=0,
        le=Decimal("100000"),
        max_digits=8,
        decimal_places=2,
        description="Credits to pay with (rupees): omitted or the total pays in full and issues the ticket; less "
        "pays that part, and the order's `checkout` is renewed for the rest (`amount_due`), paid by card as usual",
        examples=["200.00"],
    )


class TopupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: Decimal = CreditAmount
    provider: ProviderName | None = Field(default=None, description="Default: the server's PAYMENT_PROVIDER")


class TransferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient_id: uuid.UUID
    amount: Decimal = CreditAmount
    idempotency_key: str = Field(min_length=8, max_length=64, description="The client's key: a retry sends once")
    note: str = Field(default="", max_length=140)


class HistoryItemOut(BaseModel):
    id: uuid.UUID
    reason: Literal["topup", "spend", "spend_refund", "promo_grant", "promo_expiry", "transfer", "adjustment"]
    purpose: str | None = Field(description="What credits paid for (tickets, concessions, parking, marketplace, …)")
    reference: str | None
    amount: str = Field(description="What the entry did to the caller's credit: positive in, negative out")
    currency: str
    memo: str | None
    created_at: datetime


class TransferOut(HistoryItemOut):
    recipient_id: str
    balance: str = Field(description="The sender's balance after the transfer")
