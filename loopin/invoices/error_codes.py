"""Error codes of GST invoices and credit notes."""

from loopin.core.error_codes import ErrorCode


class InvoiceErrorCode(ErrorCode):
    INVOICE_NOT_FOUND = "INVOICE_NOT_FOUND", 404, "You have no invoice or credit note with this id."
