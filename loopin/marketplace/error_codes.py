"""Error codes of the marketplace."""

from loopin.core.error_codes import ErrorCode


class MarketplaceErrorCode(ErrorCode):
    LISTING_NOT_FOUND = "LISTING_NOT_FOUND", 404, "No listing you may see has this id."
    NOT_LISTING_SELLER = "NOT_LISTING_SELLER", 403, "Only the listing's seller can do this."
    LISTING_NOT_FOR_SALE = "LISTING_NOT_FOR_SALE", 409, "The listing is sold, removed, or another buyer is paying."
    OWN_LISTING = "OWN_LISTING", 400, "You cannot buy your own listing."
    MARKET_ORDER_NOT_FOUND = "MARKET_ORDER_NOT_FOUND", 404, "No marketplace order of yours has this id."
    MARKET_ORDER_NOT_PENDING = "MARKET_ORDER_NOT_PENDING", 409, "The order is not waiting for payment any more."
    MARKET_ORDER_NOT_PAID = "MARKET_ORDER_NOT_PAID", 409, "Only a paid order can be marked as handed over."
    MARKET_ORDER_NOT_REFUNDABLE = (
        "MARKET_ORDER_NOT_REFUNDABLE",
        409,
        "Only a paid or completed sale can be refunded.",
    )
    RATING_NOT_ALLOWED = "RATING_NOT_ALLOWED", 409, "Rate after the sale is completed, once per side."
    LISTING_PRICE_LOCKED = (
        "LISTING_PRICE_LOCKED",
        409,
        "A listing cannot change while a buyer is paying or after it sold.",
    )
