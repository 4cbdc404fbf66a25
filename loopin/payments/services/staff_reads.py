"""Reads that write an audit row: a staff member reading an order that is not theirs, or an event's promo codes."""

from __future__ import annotations

import uuid

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.events.services.access import staff_read_audit
from loopin.payments.models import Order
from loopin.payments.schemas import PromoCodeOut
from loopin.payments.selectors import event_promo_codes, order_for_viewer, reads_as_host


def order_for_viewer_and_audit(*, user: User, order_id: uuid.UUID) -> Order:
    """The order for whoever may read it (`selectors.order_for_viewer`); a staff read is recorded in the audit log."""
    order = order_for_viewer(user=user, order_id=order_id)
    if user.id != order.user_id and not reads_as_host(user, order):
        audit_record(action="staff.order_read", actor=user, obj=order, data={"permission": "payments.view_order"})
    return order


def event_promo_codes_and_audit(*, user: User, event_id: uuid.UUID) -> list[PromoCodeOut]:
    """The event's promo codes (`selectors.event_promo_codes`); a staff read is audited (`staff.event_access`)."""
    codes = event_promo_codes(user=user, event_id=event_id)
    staff_read_audit(user=user, event_id=event_id, action="change")
    return codes
