"""Reading GST documents: who may see which (buyer: all of their order's; host: their own supplies; staff with
`invoices.view_invoice` / `invoices.view_creditnote`, audited), shaped for the API; the PDF."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.accounts.models import User
from loopin.core.errors import NotFound
from loopin.events.selectors.access import holds_host_power
from loopin.invoices.error_codes import InvoiceErrorCode
from loopin.invoices.models import DocType, SupplyKind, TaxDocument, TaxProfile
from loopin.invoices.pdf import document_pdf
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.models import Order

STAFF_PERMISSION: dict[str, str] = {
    DocType.INVOICE: "invoices.view_invoice",
    DocType.CREDIT_NOTE: "invoices.view_creditnote",
}


def pdf_url(doc: TaxDocument) -> str:
    return f"/api/v2/invoices/{doc.id}.pdf"


def document_data(doc: TaxDocument) -> dict[str, Any]:
    return {
        "id": doc.id,
        "number": doc.number,
        "document_type": doc.doc_type,
        "title": doc.title,
        "kind": doc.kind,
        "financial_year": doc.financial_year,
        "issued_at": doc.issued_at,
        "original_number": doc.original.number if doc.original_id and doc.original else None,
        "supplier_name": doc.supplier_name,
        "supplier_gstin": doc.supplier_gstin or None,
        "place_of_supply": doc.place_of_supply,
        "currency": doc.currency,
        "tax_split": doc.tax_split,
        "gst_rate": str(doc.gst_rate),
        "taxable_value": str(doc.taxable_value),
        "cgst": str(doc.cgst),
        "sgst": str(doc.sgst),
        "igst": str(doc.igst),
        "tax_total": str(doc.tax_total),
        "total": str(doc.total),
        "pdf_url": pdf_url(doc),
    }


def _staff_may(user: User, doc_type: str) -> bool:
    return bool(user.is_staff and user.has_perm(STAFF_PERMISSION[doc_type]))


def _visible(user: User, doc: TaxDocument, order: Order) -> bool:
    if user.id == order.user_id:
        return True
    return doc.kind == SupplyKind.TICKET and holds_host_power(user, order.event, "money")


def order_documents(*, user: User, order_id: uuid.UUID) -> tuple[list[dict[str, Any]], Order | None]:
    """An order's invoices and credit notes: all of them to the buyer and to staff, the ticket's to the host;
    with the order when `user` reads it as staff (a read the caller records in the audit log), else None."""
    order = Order.objects.select_related("event").filter(id=order_id).first()
    if order is None:
        raise NotFound("Order not found.", code=PaymentErrorCode.ORDER_NOT_FOUND)
    docs = list(TaxDocument.objects.filter(order=order).select_related("original").order_by("issued_at", "number"))
    if user.id == order.user_id or holds_host_power(user, order.event, "money"):
        return [document_data(d) for d in docs if _visible(user, d, order)], None
    if not (_staff_may(user, DocType.INVOICE) and _staff_may(user, DocType.CREDIT_NOTE)):
        raise NotFound("Order not found.", code=PaymentErrorCode.ORDER_NOT_FOUND)
    return [document_data(d) for d in docs], order


def document_pdf_for(*, user: User, document_id: uuid.UUID) -> tuple[str, bytes, TaxDocument | None]:
    """One document as a PDF (file name, bytes) for whoever may see it, with the document when `user` reads it
    as staff (a read the caller records in the audit log), else None; anyone else: 404."""
    doc = TaxDocument.objects.select_related("order__event", "original").filter(id=document_id).first()
    if doc is None:
        raise NotFound("Invoice not found.", code=InvoiceErrorCode.INVOICE_NOT_FOUND)
    if not _visible(user, doc, doc.order):
        if not _staff_may(user, doc.doc_type):
            raise NotFound("Invoice not found.", code=InvoiceErrorCode.INVOICE_NOT_FOUND)
        return f"{doc.number.replace('/', '-')}.pdf", document_pdf(doc), doc
    return f"{doc.number.replace('/', '-')}.pdf", document_pdf(doc), None


def tax_profile_data(profile: TaxProfile | None) -> dict[str, Any]:
    return {
        "gstin": profile.gstin or None if profile else None,
        "legal_name": profile.legal_name if profile else "",
        "state_code": profile.effective_state or None if profile else None,
        "address": profile.address if profile else "",
        "invoice_prefix": profile.invoice_prefix if profile else "INV",
        "gst_rate": str(profile.gst_rate) if profile else "18.00",
    }


def my_tax_profile(*, user: User) -> dict[str, Any]:
    return tax_profile_data(TaxProfile.objects.filter(user=user).first())
