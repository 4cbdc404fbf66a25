"""Error codes of GST invoices and credit notes."""

from loopin.core.error_codes import ErrorCode


class InvoiceErrorCode(ErrorCode):
    INVOICE_NOT_FOUND = "INVOICE_NOT_FOUND", 404, "You have no invoice or credit note with this id."
    INVALID_GSTIN = "INVALID_GSTIN", 422, "The GSTIN's format, state code or check character is wrong."
