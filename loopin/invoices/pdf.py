"""A GST document as HTML (a Django template) and as PDF (xhtml2pdf, pure Python over reportlab)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.template.loader import render_to_string

from loopin.core.lazy import lazy_module
from loopin.invoices.gstin import state_name
from loopin.invoices.models import TaxDocument
from loopin.invoices.services import INDIA

if TYPE_CHECKING:
    from xhtml2pdf import pisa
else:
    pisa = lazy_module("xhtml2pdf.pisa")  # reportlab underneath: loaded by the first PDF (loopin.core.lazy)


def document_html(doc: TaxDocument) -> str:
    context = {
        "doc": doc,
        "issued_on": doc.issued_at.astimezone(INDIA).strftime("%d %b %Y"),
        "original_on": doc.original.issued_at.astimezone(INDIA).strftime("%d %b %Y") if doc.original else "",
        "place_name": state_name(doc.place_of_supply),
        "supplier_state_name": state_name(doc.supplier_state_code) if doc.supplier_state_code else "",
        "half_rate": (doc.gst_rate / 2).normalize(),
    }
    return render_to_string("invoices/document.html", context)


def document_pdf(doc: TaxDocument) -> bytes:
    buffer = io.BytesIO()
    result = pisa.CreatePDF(document_html(doc), dest=buffer, encoding="utf-8")
    if result.err:
        raise RuntimeError(f"PDF rendering failed for {doc.number}")
    return buffer.getvalue()
