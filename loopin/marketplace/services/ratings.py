"""Ratings: after a completed sale the buyer rates the seller and the seller the buyer, once each."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction

from loopin.accounts.models import User
from loopin.core.errors import Conflict
from loopin.marketplace.error_codes import MarketplaceErrorCode
from loopin.marketplace.models import OrderStatus, Rating
from loopin.marketplace.services.orders import my_order_locked


def marketplace_rate(*, rater: User, order_id: uuid.UUID, stars: int, comment: str = "") -> Rating:
    """Rate the other side of a completed sale (1-5 stars), once."""
    with transaction.atomic():
        order = my_order_locked(rater, order_id)
        if order.status != OrderStatus.COMPLETED:
            raise Conflict(code=MarketplaceErrorCode.RATING_NOT_ALLOWED)
        ratee = order.seller_id if rater.id == order.buyer_id else order.buyer_id
        try:
            with transaction.atomic():
                return Rating.objects.create(
                    order=order, rater=rater, ratee_id=ratee, stars=stars, comment=comment.strip()
                )
        except IntegrityError:
            raise Conflict("You already rated this sale.", code=MarketplaceErrorCode.RATING_NOT_ALLOWED) from None
