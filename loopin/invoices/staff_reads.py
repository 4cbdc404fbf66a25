"""Reads that write an audit row: staff reading an order's GST documents that are not theirs."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.invoices import selectors


def order_documents_and_audit(*, user: User, order_id: uuid.UUID) -> list[dict[str, Any]]:
    """An order's documents for whoever may see them (`selectors.order_documents`); a staff read is audited."""
    docs, staff_read = selectors.order_documents(user=user, order_id=order_id)
    if staff_read is not None:
        audit_record(
            action="staff.invoices_read", actor=user, obj=staff_read, data={"permission": "invoices.view_invoice"}
        )
    return docs


def document_pdf_and_audit(*, user: User, document_id: uuid.UUID) -> tuple[str, bytes]:
    """One document as a PDF for whoever may see it (`selectors.document_pdf_for`); a staff read is audited."""
    filename, content, staff_read = selectors.document_pdf_for(user=user, document_id=document_id)
    if staff_read is not None:
        permission = selectors.STAFF_PERMISSION[staff_read.doc_type]
        audit_record(action="staff.invoice_read", actor=user, obj=staff_read, data={"permission": permission})
    return filename, content
