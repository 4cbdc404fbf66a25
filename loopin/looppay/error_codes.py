"""Error codes of LoopPay: the credits ledger, spending, refunds of spends, top-ups and transfers."""

from loopin.core.error_codes import ErrorCode


class LoopPayErrorCode(ErrorCode):
    INSUFFICIENT_CREDITS = "INSUFFICIENT_CREDITS", 409, "Your LoopPay balance is lower than the amount (in `details`)."
    INVALID_CREDIT_AMOUNT = (
        "INVALID_CREDIT_AMOUNT",
        400,
        "A credit amount is positive, in rupees with at most 2 decimals.",
    )
    IDEMPOTENCY_KEY_REUSED = (
        "IDEMPOTENCY_KEY_REUSED",
        409,
        "This idempotency key was already used for a different posting.",
    )
    LEDGER_UNBALANCED = "LEDGER_UNBALANCED", 400, "A journal entry's lines must sum to zero, on two accounts or more."
    TOPUP_CREDITS_SPENT = (
        "TOPUP_CREDITS_SPENT",
        409,
        "The top-up's credits were spent: only the unspent balance can be refunded (in `details`).",
    )
    SPEND_NOT_FOUND = "SPEND_NOT_FOUND", 404, "No credit spend with this key."
    NOTHING_TO_REFUND = "NOTHING_TO_REFUND", 400, "This spend has been refunded in full already."
    BALANCE_CAP_EXCEEDED = (
        "BALANCE_CAP_EXCEEDED",
        409,
        "This would take your LoopPay balance over its cap (in `details`).",
    )
    MONTHLY_LOAD_CAP_EXCEEDED = (
        "MONTHLY_LOAD_CAP_EXCEEDED",
        409,
        "This would take what you loaded this month over the monthly cap (in `details`).",
    )
    TOPUP_TOO_SMALL = "TOPUP_TOO_SMALL", 400, "A top-up is at least the minimum (in `details`)."
    TRANSFERS_DISABLED = "TRANSFERS_DISABLED", 403, "Sending credits to other people is not available."
    TRANSFER_RECIPIENT_INVALID = (
        "TRANSFER_RECIPIENT_INVALID",
        400,
        "Credits go to another active person, never to yourself.",
    )
    CREDITS_ALREADY_APPLIED = (
        "CREDITS_ALREADY_APPLIED",
        409,
        "Credits were already applied to this order (amount in `details`): pay the rest by card, or cancel it.",
    )
    CREDITS_EXCEED_TOTAL = "CREDITS_EXCEED_TOTAL", 400, "More credits than the order's total (in `details`)."
