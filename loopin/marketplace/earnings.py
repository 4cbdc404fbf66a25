"""Sellers' earnings: a completed sale's share on the ledger, paid out through payout requests.

The rules that keep the money right:
- A sale earns its seller `total - fee_amount` (the listing's price; the fee stays the platform's) when the
  buyer confirms the handover, once: one ledger entry under `marketplace-earning:<order id>`, posted in the
  transaction that completes the order (the order row locked), `+share host:<seller>` and `-share` from where
  the buyer's money is (`sales:marketplace` for credits, `provider:<name>` for a card payment).
- A sale refunded before the handover never earned anything. A completed sale refunded takes its earning back
  (`marketplace-earning:<order id>:reversal`, once), whether or not it was paid out already: if it was, the
  seller's earnings account goes negative, a debt that later sales pay off before anything pays out again
  (nothing is clawed back from the seller's bank account automatically).
- The earnings account's balance is what is payable. A payout request (payments' `marketplace` payout source)
  snapshots it; when finance staff complete the payout, `payout:<payout id>` moves the paid amount from
  `host:<seller>` to `payouts:bank` in the same transaction, once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Sum

from loopin.looppay.ledger import CURRENCY, host_pending, payouts_clearing, post, provider_account, sales_account
from loopin.looppay.models import Account, EntryReason, JournalEntry, Line
from loopin.marketplace.models import MarketplaceOrder
from loopin.payments.charge_models import Charge
from loopin.payments.models import PayoutRequest
from loopin.payments.payout_sources import PayoutSource

if TYPE_CHECKING:
    from loopin.accounts.models import User

MARKETPLACE = "marketplace"
ZERO = Decimal("0")


def _earning_key(order: MarketplaceOrder) -> str:
    return f"marketplace-earning:{order.id}"


def _money_account(order: MarketplaceOrder) -> Account:
    """Where the buyer's money is: the marketplace's credit sales, or the card provider's clearing account."""
    method, _, ref = order.payment_reference.partition(":")
    if method == "charge":
        return provider_account(Charge.objects.values_list("provider", flat=True).get(id=ref))
    return sales_account(MARKETPLACE)


def seller_share(order: MarketplaceOrder) -> Decimal:
    """What the seller earns of a sale: what the buyer paid minus the platform fee snapshot."""
    return order.total - order.fee_amount


def sale_earning_post(order: MarketplaceOrder) -> JournalEntry:
    """Credit a completed sale's share to its seller (call in the completing transaction; once per order)."""
    share = seller_share(order)
    return post(
        _earning_key(order),
        [(_money_account(order), -share), (host_pending(order.seller), share)],
        reason=EntryReason.SALE_EARNING,
        purpose=MARKETPLACE,
        reference=str(order.id),
        memo=order.listing.title[:100],
    )


def sale_earning_reverse(order: MarketplaceOrder, *, actor: User = None) -> JournalEntry | None:
    """Take a refunded sale's earning back from its seller (once); None when it never earned anything."""
    earned = JournalEntry.objects.filter(idempotency_key=_earning_key(order)).first()
    if earned is None:
        return None
    share = seller_share(order)
    return post(
        f"{_earning_key(order)}:reversal",
        [(host_pending(order.seller), -share), (_money_account(order), share)],
        reason=EntryReason.EARNING_REVERSAL,
        purpose=MARKETPLACE,
        reference=str(order.id),
        memo="refunded sale",
        created_by=actor,
        reverses=earned,
    )


def seller_payout_figures(user: User) -> dict[str, Any]:
    """A seller's earnings (a read: no account is created): sales earned, refunds taken back, paid out before,
    and what is payable now (negative: a debt later sales pay off first)."""
    sums = dict(
        Line.objects.filter(account__key=f"host:{user.pk}", entry__purpose=MARKETPLACE)
        .values_list("entry__reason")
        .annotate(s=Sum("amount"))
    )
    gross = sums.get(EntryReason.SALE_EARNING, ZERO)
    refunds = -sums.get(EntryReason.EARNING_REVERSAL, ZERO)
    paid = -sums.get(EntryReason.PAYOUT, ZERO)
    return {
        "currency": CURRENCY,
        "gross_earnings": gross,
        "refunds_total": refunds,
        "previously_paid": paid,
        "amount": gross - refunds - paid,
    }


def seller_payout_paid(payout: PayoutRequest) -> None:
    """Finance completed a seller's payout: its amount leaves their earnings (in the completing transaction)."""
    post(
        f"payout:{payout.id}",
        [(host_pending(payout.host), -payout.amount), (payouts_clearing(), payout.amount)],
        reason=EntryReason.PAYOUT,
        purpose=MARKETPLACE,
        reference=str(payout.id),
        memo=payout.transaction_ref[:100],
        created_by=payout.decided_by,
    )


PAYOUT_SOURCE = PayoutSource(name=MARKETPLACE, figures=seller_payout_figures, on_completed=seller_payout_paid)
