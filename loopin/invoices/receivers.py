"""What invoices does when payments' events happen (the signals are sent after commit, with ids)."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.invoices.tasks import issue_credit_notes, issue_invoices


def on_payment_succeeded(sender: Any, *, order_id: uuid.UUID, **kwargs: Any) -> None:
    issue_invoices.delay(str(order_id))


def on_refund_processed(sender: Any, *, refund_id: uuid.UUID, **kwargs: Any) -> None:
    issue_credit_notes.delay(str(refund_id))
