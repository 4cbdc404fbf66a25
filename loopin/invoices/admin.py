"""GST admin: invoices and credit notes (read-only, by number, year and supplier), tax profiles, series."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from loopin.core.admin import ReadOnlyAdmin
from loopin.invoices.models import CreditNote, DocumentSeries, Invoice, TaxDocument, TaxProfile

_DOCUMENT_FIELDS = [f.name for f in TaxDocument._meta.fields]


class _DocumentAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "kind",
        "supplier_name",
        "supplier_gstin",
        "financial_year",
        "issued_at",
        "tax_split",
        "taxable_value",
        "cgst",
        "sgst",
        "igst",
        "total",
        "pdf",
    ]
    list_filter = ("financial_year", "kind", "supplier_key", "tax_split")
    search_fields = ["=number", "=order__id", "supplier_name", "=supplier_gstin"]
    list_select_related = ("order",)
    readonly_fields = (*_DOCUMENT_FIELDS, "pdf")
    date_hierarchy = "issued_at"

    @admin.display(description="PDF")
    def pdf(self, obj: TaxDocument) -> str:
        return format_html('<a href="/api/v2/invoices/{}.pdf">PDF</a>', obj.id)


@admin.register(Invoice)
class InvoiceAdmin(_DocumentAdmin):
    pass


@admin.register(CreditNote)
class CreditNoteAdmin(_DocumentAdmin):
    list_display = ["number", "original", *_DocumentAdmin.list_display[1:]]
    search_fields = [*_DocumentAdmin.search_fields, "=original__number"]


@admin.register(TaxProfile)
class TaxProfileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "legal_name", "gstin", "state_code", "invoice_prefix", "gst_rate", "updated_at")
    search_fields = ("=gstin", "legal_name", "=user__id")
    raw_id_fields = ("user",)


@admin.register(DocumentSeries)
class DocumentSeriesAdmin(ReadOnlyAdmin):
    list_display = ("supplier_key", "doc_type", "financial_year", "prefix", "last_number")
    list_filter = ("doc_type", "financial_year")
    search_fields = ("supplier_key",)
    readonly_fields = ("supplier_key", "doc_type", "financial_year", "prefix", "last_number")
