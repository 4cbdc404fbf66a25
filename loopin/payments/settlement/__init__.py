"""Automatic settlement, one module per subject: hosts' provider `accounts`, each event's `splits`, `transfers`
of paid orders, their `reversals` on refund, and the `sweep` that retries. The rules that keep the money right
are in `transfers`' docstring; import from the sub-module.

The names the HTTP layer and tests use are re-exported so `from loopin.payments.settlement import X` keeps working.
"""

from loopin.payments.settlement.accounts import (
    settlement_account_disable,
    settlement_account_disable_own,
    settlement_account_register,
    settlement_account_verify,
    settlement_account_verify_own,
)
from loopin.payments.settlement.reversals import reversal_submit, reversals_plan
from loopin.payments.settlement.splits import SplitIn, event_settlement_data, event_settlement_set, split_minor
from loopin.payments.settlement.sweep import settlements_retry
from loopin.payments.settlement.transfers import (
    order_settle,
    settlement_plan,
    settlement_to_payout,
    settlement_transfer,
)

__all__ = [
    "SplitIn",
    "event_settlement_data",
    "event_settlement_set",
    "order_settle",
    "reversal_submit",
    "reversals_plan",
    "settlement_account_disable",
    "settlement_account_disable_own",
    "settlement_account_register",
    "settlement_account_verify",
    "settlement_account_verify_own",
    "settlement_plan",
    "settlement_to_payout",
    "settlement_transfer",
    "settlements_retry",
    "split_minor",
]
