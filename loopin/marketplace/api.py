"""The marketplace over HTTP: browse and search, a listing, selling (list, change, mark sold, remove), buying
(hold while paying, cancel, confirm the handover), ratings, sellers' earnings and their payouts, refunds
(staff). Reports go through `POST /api/v2/reports` (`target_type: listing`)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import Query

from loopin.accounts.models import User
from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.marketplace import payment, selectors
from loopin.marketplace.schemas import (
    CategoryName,
    ConditionName,
    EarningsOut,
    ListingIn,
    ListingOut,
    ListingUpdateIn,
    OrderOut,
    PayIn,
    RatingIn,
    RatingOut,
    RefundIn,
    SellerPayoutIn,
)
from loopin.marketplace.services import listings, orders, ratings, refunds
from loopin.payments.payouts import payout_request_create_for_source
from loopin.payments.schemas import PayoutOut

market = APIRouter(prefix="/api/v2/marketplace", tags=["marketplace"])
me = APIRouter(prefix="/api/v2/me/marketplace", tags=["marketplace"])
ANY_ERROR = (400, 401, 403, 404, 409, 422)
PriceQuery = Annotated[Decimal | None, Query(ge=0, le=Decimal("10000000"), max_digits=10, decimal_places=2)]


@market.get("/listings", response_model=ListEnvelope[ListingOut], responses=error_responses(401, 422))
async def browse(
    caller: CurrentUser,
    page: PageParams,
    q: Annotated[str | None, Query(max_length=100, description="Words in the title or description")] = None,
    category: CategoryName | None = None,
    city: Annotated[str | None, Query(max_length=100)] = None,
    condition: ConditionName | None = None,
    min_price: PriceQuery = None,
    max_price: PriceQuery = None,
) -> dict[str, Any]:
    """Listings for sale, newest first, by category, city, condition and price range, and searched."""
    return await run_page(
        selectors.marketplace_browse,
        page,
        "Listings",
        user=caller,
        q=q,
        category=category,
        city=city,
        condition=condition,
        min_price=min_price,
        max_price=max_price,
    )


@market.post("/listings", response_model=Envelope[ListingOut], status_code=201, responses=error_responses(*ANY_ERROR))
async def listing_create(body: ListingIn, caller: CurrentUser) -> dict[str, Any]:
    """Put something up for sale (photos: your image uploads from `POST /api/v2/media`)."""
    data = listings.ListingIn(**body.model_dump(exclude={"media_ids"}))
    listing = await run_sync(listings.listing_create, seller=caller, data=data, media_ids=body.media_ids)
    return ok(selectors.listing_view(listing), "Listed")


@market.get("/listings/{listing_id}", response_model=Envelope[ListingOut], responses=error_responses(401, 404, 422))
async def listing_detail(listing_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """One listing (404 when removed, or between people who blocked each other)."""
    return ok(await run_sync(selectors.marketplace_listing, user=caller, listing_id=listing_id), "Listing")


@market.patch("/listings/{listing_id}", response_model=Envelope[ListingOut], responses=error_responses(*ANY_ERROR))
async def listing_update(listing_id: uuid.UUID, body: ListingUpdateIn, caller: CurrentUser) -> dict[str, Any]:
    """Change your listing while it is for sale (409 LISTING_PRICE_LOCKED while a buyer pays or once sold)."""
    fields = body.model_dump(exclude={"media_ids"}, exclude_unset=True)
    listing = await run_sync(
        listings.listing_update, seller=caller, listing_id=listing_id, fields=fields, media_ids=body.media_ids
    )
    return ok(selectors.listing_view(listing), "Listing updated")


@market.post(
    "/listings/{listing_id}/mark-sold", response_model=Envelope[ListingOut], responses=error_responses(*ANY_ERROR)
)
async def listing_mark_sold(listing_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """You sold it elsewhere: it leaves the marketplace."""
    listing = await run_sync(listings.listing_mark_sold, seller=caller, listing_id=listing_id)
    return ok(selectors.listing_view(listing), "Marked as sold")


@market.delete("/listings/{listing_id}", response_model=Envelope[None], responses=error_responses(*ANY_ERROR))
async def listing_remove(listing_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Take your listing down (its photos are deleted)."""
    await run_sync(listings.listing_remove, seller=caller, listing_id=listing_id)
    return ok(None, "Listing removed")


@market.post(
    "/listings/{listing_id}/orders",
    response_model=Envelope[OrderOut],
    status_code=201,
    responses=error_responses(*ANY_ERROR),
)
async def buy(listing_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Buy: the listing is held for you while you pay (one buyer at a time); the price plus the platform fee."""
    order = await run_sync(orders.marketplace_buy, buyer=caller, listing_id=listing_id)
    return ok(selectors.order_data(order), "Order opened")


@me.get("/listings", response_model=ListEnvelope[ListingOut], responses=error_responses(401, 422))
async def my_listings(caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """Your listings, newest first."""
    return await run_page(selectors.my_listings, page, "Your listings", user=caller)


@me.get("/orders", response_model=ListEnvelope[OrderOut], responses=error_responses(401, 422))
async def my_orders(
    caller: CurrentUser, page: PageParams, role: Literal["buyer", "seller"] = "buyer"
) -> dict[str, Any]:
    """Your purchases (`role=buyer`) or your sales (`role=seller`), newest first."""
    return await run_page(selectors.my_orders, page, "Your orders", user=caller, role=role)


@me.get("/orders/{order_id}", response_model=Envelope[OrderOut], responses=error_responses(401, 404, 422))
async def my_order(order_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """One of your orders, as buyer or seller."""
    return ok(await run_sync(selectors.my_order, user=caller, order_id=order_id), "Order")


@me.post("/orders/{order_id}/cancel", response_model=Envelope[OrderOut], responses=error_responses(*ANY_ERROR))
async def order_cancel(order_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Give up before paying: the listing is for sale again."""
    order = await run_sync(orders.marketplace_order_cancel, buyer=caller, order_id=order_id)
    return ok(selectors.order_data(order), "Order cancelled")


@me.post("/orders/{order_id}/pay", responses=error_responses(*ANY_ERROR))
async def order_pay(order_id: uuid.UUID, body: PayIn, caller: CurrentUser) -> dict[str, Any]:
    """Pay a held order (price and fee) by card (answers the checkout to complete) or with LoopPay credits."""
    data = await run_sync(payment.marketplace_order_pay, buyer=caller, order_id=order_id, method=body.method)
    return ok(data, "Payment started" if data["payment"] else "Paid")


@me.post("/orders/{order_id}/complete", response_model=Envelope[OrderOut], responses=error_responses(*ANY_ERROR))
async def order_complete(order_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """You got the item (buyer): the sale is completed and you can rate each other."""
    order = await run_sync(orders.marketplace_order_complete, buyer=caller, order_id=order_id)
    return ok(selectors.order_data(order), "Sale completed")


@me.post(
    "/orders/{order_id}/rating",
    response_model=Envelope[RatingOut],
    status_code=201,
    responses=error_responses(*ANY_ERROR),
)
async def rate(order_id: uuid.UUID, body: RatingIn, caller: CurrentUser) -> dict[str, Any]:
    """Rate the other side of a completed sale, once."""
    rating = await run_sync(
        ratings.marketplace_rate, rater=caller, order_id=order_id, stars=body.stars, comment=body.comment
    )
    return ok(selectors.rating_data(rating), "Rated")


@market.get(
    "/sellers/{person_id}/ratings", response_model=ListEnvelope[RatingOut], responses=error_responses(401, 404, 422)
)
async def person_ratings(person_id: uuid.UUID, caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """The marketplace ratings a person received, newest first."""
    return await run_page(selectors.seller_ratings, page, "Ratings", user=caller, person_id=person_id)


@me.get("/earnings", response_model=Envelope[EarningsOut], responses=error_responses(401))
async def earnings(caller: CurrentUser) -> dict[str, Any]:
    """Your earnings from completed sales: what is payable now and any payout in progress."""
    return ok(await run_sync(selectors.seller_earnings, user=caller), "Your earnings")


def seller_payout_request_and_read(*, user: User, bank_account_id: uuid.UUID) -> PayoutOut:
    """Ask for a payout of the sales earnings, then read it back."""
    payout = payout_request_create_for_source(user=user, source="marketplace", bank_account_id=bank_account_id)
    return PayoutOut.from_model(payout)


@me.post("/payouts", response_model=Envelope[PayoutOut], status_code=201, responses=error_responses(*ANY_ERROR))
async def seller_payout(body: SellerPayoutIn, caller: CurrentUser) -> dict[str, Any]:
    """Ask for your sales earnings to your bank account (one request at a time; finance staff pay it)."""
    payout = await run_sync(seller_payout_request_and_read, user=caller, bank_account_id=body.bank_account_id)
    return ok(payout, "Payout requested")


@market.post("/orders/{order_id}/refund", response_model=Envelope[OrderOut], responses=error_responses(*ANY_ERROR))
async def order_refund(order_id: uuid.UUID, body: RefundIn, caller: CurrentUser) -> dict[str, Any]:
    """Finance staff: refund a paid or completed sale in full (a completed sale's earning is taken back)."""
    order = await run_sync(refunds.marketplace_order_refund, staff=caller, order_id=order_id, reason=body.reason)
    return ok(selectors.order_data(order), "Sale refunded")


routers = [market, me]
