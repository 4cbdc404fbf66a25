"""An organisation's money, read: each of its events' figures (what `payout_figures` computes for the owner's
share), its bank accounts and its payout requests, for members whose role allows `money` (owner, admin)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from loopin.accounts.models import User
from loopin.events.models import Event
from loopin.organisations.selectors import organisation_for
from loopin.payments.models import BankAccount, PayoutRequest
from loopin.payments.payouts import payout_figures
from loopin.payments.schemas import BankAccountOut, PayoutOut, money_text


class EventEarningsOut(BaseModel):
    event_id: uuid.UUID
    title: str
    start_at: datetime
    status: str
    currency: str
    gross_earnings: str = Field(description="Decimal string: host earnings of paid orders")
    refunds_total: str
    previously_paid: str = Field(description="Payouts completed")
    balance: str = Field(description="What is left to pay out")
    tickets_sold: int
    attendees: int


def organisation_earnings(
    *, user: User, organisation_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[EventEarningsOut], int]:
    """The organisation's events, newest first, each with its earnings (404 to non-members, 403 to a role
    without `money`)."""
    organisation = organisation_for(user, organisation_id, "money")
    events = Event.objects.alive().filter(organisation=organisation).order_by("-start_at", "id")
    rows = []
    for event in events[offset : offset + limit]:
        figures = payout_figures(event)
        rows.append(
            EventEarningsOut(
                event_id=event.id,
                title=event.title,
                start_at=event.start_at,
                status=event.status,
                currency=event.currency,
                gross_earnings=money_text(figures["gross_earnings"]),
                refunds_total=money_text(figures["refunds_total"]),
                previously_paid=money_text(figures["previously_paid"]),
                balance=money_text(figures["amount"]),
                tickets_sold=figures["tickets_sold"],
                attendees=figures["attendees"],
            )
        )
    return rows, events.count()


def organisation_bank_accounts(*, user: User, organisation_id: uuid.UUID) -> list[BankAccountOut]:
    """The organisation's payout accounts, primary first (numbers masked)."""
    organisation = organisation_for(user, organisation_id, "money")
    accounts = BankAccount.objects.filter(organisation=organisation, removed_at__isnull=True)
    return [BankAccountOut.from_model(a) for a in accounts]


def organisation_payouts(
    *, user: User, organisation_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[PayoutOut], int]:
    """The organisation's payout requests, newest first, whichever member asked."""
    organisation = organisation_for(user, organisation_id, "money")
    rows = PayoutRequest.objects.filter(organisation=organisation).order_by("-created_at", "id")
    return [PayoutOut.from_model(p) for p in rows[offset : offset + limit]], rows.count()
