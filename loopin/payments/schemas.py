"""Request and response shapes of the payments and payouts API. Money is a decimal string."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from loopin.core.choices import choices_literal
from loopin.events.schemas import ANSWERS_DOC, AnswerIn
from loopin.payments.models import (
    BankAccount,
    Order,
    OrderStatus,
    PayoutRequest,
    PayoutStatus,
    PromoCode,
    PromoKind,
    Provider,
    Refund,
    Settlement,
    SettlementAccount,
    SettlementAccountStatus,
    SettlementFunding,
    SettlementMethod,
    SettlementMode,
    SettlementStatus,
)


def money_text(value: Any) -> str:
    """Money as the API writes it: the Decimal's own text ("1180.00")."""
    return f"{value}"


ProviderName = choices_literal(Provider)
OrderStatusName = choices_literal(OrderStatus)
PayoutStatusName = choices_literal(PayoutStatus)
SettlementAccountStatusName = choices_literal(SettlementAccountStatus)
SettlementModeName = choices_literal(SettlementMode)
SettlementMethodName = choices_literal(SettlementMethod)
SettlementFundingName = choices_literal(SettlementFunding)
SettlementStatusName = choices_literal(SettlementStatus)


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: uuid.UUID
    seats: int = Field(default=1, ge=1, le=10)
    provider: ProviderName | None = Field(default=None, description="Default: the server's PAYMENT_PROVIDER")
    tier_id: uuid.UUID | None = Field(default=None, description="Default: the default tier, else one on sale")
    unlock_code: str | None = Field(default=None, max_length=64, description="Reveals a hidden tier")
    promo_code: str | None = Field(default=None, min_length=1, max_length=64, description="Any letter case")
    amount: Decimal | None = Field(
        default=None,
        ge=0,
        le=Decimal("10000000"),
        max_digits=10,
        decimal_places=2,
        description="Pay what you want: the price per seat chosen (at least the tier's; default its suggested)",
    )
    answers: list[AnswerIn] = Field(default_factory=list, max_length=30, description=ANSWERS_DOC)


class VerifyIn(BaseModel):
    """What the provider's client SDK handed back: Razorpay `razorpay_payment_id` + `razorpay_signature`;
    the sandbox `payment_id` + `signature`; PayU its returned form fields; Stripe nothing (we ask Stripe)."""

    model_config = ConfigDict(extra="allow")


class RefundOut(BaseModel):
    id: uuid.UUID
    amount: str
    reason: str
    to_credits: bool = Field(description="Returned as LoopPay credits (the credit part of the order), not to the card")
    status: str
    created_at: datetime
    processed_at: datetime | None

    @classmethod
    def from_model(cls, refund: Refund) -> RefundOut:
        return cls(
            id=refund.id,
            amount=money_text(refund.amount),
            reason=refund.reason,
            to_credits=refund.to_credits,
            status=refund.status,
            created_at=refund.created_at,
            processed_at=refund.processed_at,
        )


class OrderInvoiceOut(BaseModel):
    """A GST document of the order (details and credit-note links: GET /api/v2/payments/orders/{id}/invoices)."""

    id: uuid.UUID
    number: str = Field(examples=["LP/26-27/000123"])
    document_type: Literal["invoice", "credit_note"]
    kind: Literal["ticket", "platform_fee"] = Field(description="ticket: by the host; platform_fee: by the platform")
    tax_split: Literal["cgst_sgst", "igst", "none"] = Field(description="none: a bill of supply (no GST)")
    taxable_value: str
    cgst: str
    sgst: str
    igst: str
    total: str
    pdf_url: str

    @classmethod
    def from_model(cls, document: Any) -> OrderInvoiceOut:
        """A `loopin.invoices` TaxDocument (read through the order's relation: payments imports nothing of it)."""
        return cls(
            id=document.id,
            number=document.number,
            document_type=document.doc_type,
            kind=document.kind,
            tax_split=document.tax_split,
            taxable_value=money_text(document.taxable_value),
            cgst=money_text(document.cgst),
            sgst=money_text(document.sgst),
            igst=money_text(document.igst),
            total=money_text(document.total),
            pdf_url=f"/api/v2/invoices/{document.id}.pdf",
        )


class OrderOut(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID
    status: OrderStatusName = Field(
        description="cancelled: the buyer gave the order up before paying; expired: the seat hold ran out"
    )
    seats: int
    tier_id: uuid.UUID | None = Field(description="The ticket tier the seats are in")
    tier_name: str | None
    provider: str
    currency: str
    list_price: str = Field(description="The tier's price per seat before any code (or the price chosen)")
    promo_code: str | None = Field(description="The promo code applied, upper case")
    discount_amount: str = Field(description="What the code took off, all seats")
    base_price: str = Field(description="Ticket price per seat after the discount (what the host earns)")
    fee_percent: str
    unit_total: str = Field(description="What the buyer pays per seat: base × (1 + fee), rounded")
    fee_amount: str
    total: str
    credits_applied: str = Field(description="LoopPay credits paying part (or all) of the total")
    amount_due: str = Field(description="What the card pays: the total less the credits applied")
    amount_refunded: str
    refund_state: Literal["none", "refunded_in_full", "refunded_except_fee", "partially_refunded"] = Field(
        description="What came back: refunded_except_fee is an attendee cancellation where the platform "
        "fee is kept by policy (REFUND_PLATFORM_FEE off); `fee_kept` says how much"
    )
    fee_kept: str | None = Field(description="The platform fee not refunded, when refund_state is refunded_except_fee")
    hold_expires_at: datetime
    checkout: dict[str, Any] | None = Field(
        description="What the client needs to pay (buyer only): Razorpay order id and key id; Stripe "
        "client secret; PayU form fields with hash; or the sandbox checkout URL"
    )
    ticket_id: uuid.UUID | None
    refund_cutoff: datetime
    refunds: list[RefundOut]
    invoices: list[OrderInvoiceOut] = Field(
        description="GST documents, issued just after payment and refunds: the host's ticket invoice (or bill of "
        "supply), the platform's fee invoice, credit notes; the host sees only the ticket's"
    )
    created_at: datetime
    paid_at: datetime | None

    @classmethod
    def from_model(
        cls,
        order: Order,
        *,
        refund_state: str,
        fee_kept: str | None,
        checkout_shown: bool,
        refund_cutoff: datetime,
        documents: list[Any],
    ) -> OrderOut:
        """The order (event and tier loaded); what the viewer may see of it is decided by the selector."""
        return cls(
            id=order.id,
            event_id=order.event_id,
            status=order.status,
            seats=order.seats,
            tier_id=order.tier_id,
            tier_name=order.tier.name if order.tier_id else None,
            provider=order.provider,
            currency=order.currency,
            list_price=money_text(order.list_price if order.list_price is not None else order.base_price),
            promo_code=order.promo_code or None,
            discount_amount=money_text(order.discount_amount),
            base_price=money_text(order.base_price),
            fee_percent=money_text(order.fee_percent),
            unit_total=money_text(order.unit_total),
            fee_amount=money_text(order.fee_amount),
            total=money_text(order.total),
            credits_applied=money_text(order.credits_applied),
            amount_due=money_text(order.amount_due),
            amount_refunded=money_text(order.amount_refunded),
            refund_state=refund_state,
            fee_kept=fee_kept,
            hold_expires_at=order.hold_expires_at,
            checkout=order.checkout if checkout_shown else None,
            ticket_id=order.ticket_id,
            refund_cutoff=refund_cutoff,
            refunds=[RefundOut.from_model(r) for r in order.refunds.all()],
            invoices=[OrderInvoiceOut.from_model(d) for d in documents],
            created_at=order.created_at,
            paid_at=order.paid_at,
        )


class BankAccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    holder_name: str = Field(min_length=2, max_length=120)
    bank_name: str = Field(min_length=2, max_length=120)
    ifsc: str = Field(min_length=11, max_length=11, examples=["HDFC0001234"])
    account_number: str = Field(min_length=8, max_length=40, examples=["50100012345678"])
    is_primary: bool = False


class BankAccountOut(BaseModel):
    id: uuid.UUID
    holder_name: str
    bank_name: str
    ifsc: str
    account_number: str = Field(description="Masked: only the last 4 digits", examples=["XXXX5678"])
    is_primary: bool
    created_at: datetime

    @classmethod
    def from_model(cls, account: BankAccount) -> BankAccountOut:
        return cls(
            id=account.id,
            holder_name=account.holder_name,
            bank_name=account.bank_name,
            ifsc=account.ifsc,
            account_number=account.masked,
            is_primary=account.is_primary,
            created_at=account.created_at,
        )


class PayoutIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: uuid.UUID
    bank_account_id: uuid.UUID


class PayoutOut(BaseModel):
    id: uuid.UUID
    source: str = Field(description="What is paid out: `event` (one event's earnings) or `marketplace` (sales)")
    event_id: uuid.UUID | None
    organisation_id: uuid.UUID | None = Field(description="Set when the payout is an organisation's")
    status: PayoutStatusName
    currency: str
    amount: str
    gross_earnings: str
    refunds_total: str
    previously_paid: str
    tickets_sold: int
    attendees: int
    bank_account: str = Field(description="Masked account number")
    transaction_ref: str
    rejection_reason: str
    created_at: datetime
    completed_at: datetime | None

    @classmethod
    def from_model(cls, payout: PayoutRequest) -> PayoutOut:
        return cls(
            id=payout.id,
            source=payout.source,
            event_id=payout.event_id,
            organisation_id=payout.organisation_id,
            status=payout.status,
            currency=payout.currency,
            amount=money_text(payout.amount),
            gross_earnings=money_text(payout.gross_earnings),
            refunds_total=money_text(payout.refunds_total),
            previously_paid=money_text(payout.previously_paid),
            tickets_sold=payout.tickets_sold,
            attendees=payout.attendees,
            bank_account=payout.account_masked,
            transaction_ref=payout.transaction_ref,
            rejection_reason=payout.rejection_reason,
            created_at=payout.created_at,
            completed_at=payout.completed_at,
        )


PromoKindName = choices_literal(PromoKind)


class PromoCodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    kind: PromoKindName
    amount: Decimal = Field(gt=0, le=Decimal("10000000"), max_digits=10, decimal_places=2)
    tier_ids: list[uuid.UUID] | None = Field(default=None, description="null or []: every tier")
    max_uses: int | None = Field(default=None, ge=1)
    max_uses_per_person: int | None = Field(default=None, ge=1)
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    is_active: bool = True


class PromoCodeUpdateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(default=None, min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    kind: PromoKindName | None = None
    amount: Decimal | None = Field(default=None, gt=0, le=Decimal("10000000"), max_digits=10, decimal_places=2)
    tier_ids: list[uuid.UUID] | None = None
    max_uses: int | None = Field(default=None, ge=1)
    max_uses_per_person: int | None = Field(default=None, ge=1)
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    is_active: bool | None = None


class PromoCodeOut(BaseModel):
    id: uuid.UUID
    code: str
    kind: PromoKindName
    amount: str
    tier_ids: list[uuid.UUID] = Field(description="Empty: every tier")
    max_uses: int | None
    max_uses_per_person: int | None
    uses: int = Field(description="Orders holding a use (pending or paid)")
    valid_from: datetime | None
    valid_until: datetime | None
    is_active: bool

    @classmethod
    def from_model(cls, promo: PromoCode) -> PromoCodeOut:
        """The code as its host sees it (its tiers prefetched)."""
        return cls(
            id=promo.id,
            code=promo.code,
            kind=promo.kind,
            amount=money_text(promo.amount),
            tier_ids=[t.id for t in promo.tiers.all()],
            max_uses=promo.max_uses,
            max_uses_per_person=promo.max_uses_per_person,
            uses=promo.uses,
            valid_from=promo.valid_from,
            valid_until=promo.valid_until,
            is_active=promo.is_active,
        )


class SettlementAccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: Literal["razorpay", "stripe"]
    account_id: str = Field(
        min_length=5,
        max_length=64,
        description="Razorpay Route linked account (acc_…) or Stripe Connect account (acct_…)",
        examples=["acc_HOST0000000001"],
    )


class SettlementAccountOut(BaseModel):
    id: uuid.UUID
    provider: Literal["razorpay", "stripe"]
    account_id: str
    status: SettlementAccountStatusName
    provider_status: str = Field(description="What the provider last said about the account")
    verified_at: datetime | None
    created_at: datetime

    @classmethod
    def from_model(cls, account: SettlementAccount) -> SettlementAccountOut:
        return cls(
            id=account.id,
            provider=account.provider,
            account_id=account.account_id,
            status=account.status,
            provider_status=account.provider_status,
            verified_at=account.verified_at,
            created_at=account.created_at,
        )


class SplitShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: uuid.UUID
    share_bps: int = Field(ge=1, le=10000, description="Basis points: 10000 is the whole host earning")


class EventSettlementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: SettlementModeName
    splits: list[SplitShareIn] = Field(
        default_factory=list,
        max_length=20,
        description="The owner and co-hosts, adding up to 10000 basis points; empty: all to the owner",
    )


class SplitShareOut(BaseModel):
    user_id: uuid.UUID
    share_bps: int


class EventSettlementOut(BaseModel):
    event_id: uuid.UUID
    mode: SettlementModeName
    splits: list[SplitShareOut]


class SettlementOut(BaseModel):
    id: uuid.UUID
    order_id: uuid.UUID
    event_id: uuid.UUID
    method: SettlementMethodName
    funding: SettlementFundingName
    status: SettlementStatusName
    provider: ProviderName
    currency: str
    share_bps: int
    amount: str
    amount_reversed: str
    created_at: datetime
    transferred_at: datetime | None

    @classmethod
    def from_model(cls, settlement: Settlement) -> SettlementOut:
        """A share of a paid order (its order loaded)."""
        return cls(
            id=settlement.id,
            order_id=settlement.order_id,
            event_id=settlement.order.event_id,
            method=settlement.method,
            funding=settlement.funding,
            status=settlement.status,
            provider=settlement.provider,
            currency=settlement.currency,
            share_bps=settlement.share_bps,
            amount=money_text(settlement.amount),
            amount_reversed=money_text(settlement.amount_reversed),
            created_at=settlement.created_at,
            transferred_at=settlement.transferred_at,
        )


class ChargeOut(BaseModel):
    """A card payment for something that is not a ticket order."""

    id: uuid.UUID
    purpose: str = Field(description="What it pays for: looppay_topup, concessions, parking, marketplace, …")
    reference: str = Field(description="The id of the thing paid for, in that package")
    description: str
    status: Literal["pending", "failed", "cancelled", "paid", "partially_refunded", "refunded"]
    provider: str
    currency: str
    amount: str
    amount_refunded: str
    checkout: dict[str, Any] | None = Field(description="What the client needs to pay, while pending (as an order's)")
    failure_reason: str | None
    created_at: datetime
    paid_at: datetime | None
