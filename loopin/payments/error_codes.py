"""Error codes of payments: orders, confirmation, webhooks, refunds, payouts and automatic settlement."""

from loopin.core.error_codes import ErrorCode


class PaymentErrorCode(ErrorCode):
    SOLD_OUT = "SOLD_OUT", 409, "The event is sold out."
    ORDER_NOT_FOUND = "ORDER_NOT_FOUND", 404, "You have no order with this id."
    ORDER_NOT_CANCELLABLE = "ORDER_NOT_CANCELLABLE", 400, "The order is not in a state that can be cancelled."
    ORDER_NOT_PAYABLE = "ORDER_NOT_PAYABLE", 400, "Only a pending order whose seats are still held can be paid."
    ORDER_NOT_PAID = "ORDER_NOT_PAID", 400, "Only a paid order can be refunded."
    REFUND_TOO_LARGE = "REFUND_TOO_LARGE", 400, "The refund is more than what is left to refund on the order."
    REFUND_WINDOW_CLOSED = "REFUND_WINDOW_CLOSED", 400, "Refunds closed before the event; your ticket stays valid."
    INVALID_SIGNATURE = "INVALID_SIGNATURE", 400, "The payment provider's signature does not match."
    INVALID_PAYLOAD = "INVALID_PAYLOAD", 400, "The webhook body could not be read."
    PROVIDER_UNAVAILABLE = "PROVIDER_UNAVAILABLE", 400, "This payment provider is not configured here."
    PAYMENT_PROVIDER_UNAVAILABLE = (
        "PAYMENT_PROVIDER_UNAVAILABLE",
        503,
        "The payment provider is not answering. Try again shortly.",
    )
    BANK_ACCOUNT_NOT_FOUND = "BANK_ACCOUNT_NOT_FOUND", 404, "No payout bank account with this id."
    BANK_ACCOUNT_IN_USE = "BANK_ACCOUNT_IN_USE", 409, "The bank account is used by a payout and cannot be removed."
    PAYOUT_NOT_FOUND = "PAYOUT_NOT_FOUND", 404, "No payout with this id."
    PAYOUT_SOURCE_UNKNOWN = "PAYOUT_SOURCE_UNKNOWN", 404, "Nothing pays out under this name."
    PAYOUT_EXISTS = "PAYOUT_EXISTS", 409, "A payout for this event already exists."
    EVENT_NOT_ENDED = "EVENT_NOT_ENDED", 400, "A payout can be made only after the event has ended."
    NOTHING_TO_PAY = "NOTHING_TO_PAY", 400, "The event earned nothing to pay out."
    PAID_TO_ORGANISATION = (
        "PAID_TO_ORGANISATION",
        400,
        "The event belongs to an organisation: its earnings are paid to the organisation's bank account.",
    )
    PROMO_CODE_INVALID = "PROMO_CODE_INVALID", 400, "The promo code is unknown for this event, or switched off."
    PROMO_CODE_EXPIRED = "PROMO_CODE_EXPIRED", 400, "The promo code is outside its validity window (in `details`)."
    PROMO_NOT_FOR_TIER = (
        "PROMO_NOT_FOR_TIER",
        400,
        "The promo code does not apply to this tier (nor to pay what you want).",
    )
    PROMO_USED_UP = "PROMO_USED_UP", 409, "The promo code has been used as often as it allows."
    PROMO_LIMIT_PER_PERSON = "PROMO_LIMIT_PER_PERSON", 409, "You have used this promo code as often as allowed."
    PROMO_CODE_EXISTS = "PROMO_CODE_EXISTS", 409, "The event already has this promo code (any letter case)."
    PROMO_CODE_NOT_FOUND = "PROMO_CODE_NOT_FOUND", 404, "The event has no promo code with this id."
    PROMO_CODE_USED = "PROMO_CODE_USED", 409, "Orders used this promo code: switch it off instead of removing it."
    SETTLEMENT_PROVIDER_UNSUPPORTED = (
        "SETTLEMENT_PROVIDER_UNSUPPORTED",
        400,
        "Automatic settlement runs through Razorpay Route or Stripe Connect, configured here.",
    )
    SETTLEMENT_ACCOUNT_EXISTS = "SETTLEMENT_ACCOUNT_EXISTS", 409, "This provider account is already registered."
    SETTLEMENT_ACCOUNT_NOT_FOUND = "SETTLEMENT_ACCOUNT_NOT_FOUND", 404, "No settlement account with this id."
    SETTLEMENT_ACCOUNT_NEEDED = (
        "SETTLEMENT_ACCOUNT_NEEDED",
        400,
        "Automatic settlement needs an active settlement account (verified with the provider).",
    )
    CHARGE_PURPOSE_UNKNOWN = "CHARGE_PURPOSE_UNKNOWN", 400, "Nothing is sold under this charge purpose."
    CHARGE_NOT_FOUND = "CHARGE_NOT_FOUND", 404, "You have no payment with this id."
    CHARGE_NOT_PAID = "CHARGE_NOT_PAID", 400, "Only a paid charge can be refunded."
    CHARGE_AMOUNT_INVALID = "CHARGE_AMOUNT_INVALID", 400, "A payment is for a positive amount."
