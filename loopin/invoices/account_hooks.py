"""Invoices' part in account deletion and data export (see loopin.core.hooks).

Issued documents are tax records the law keeps (they stay, with the names they were issued to); the tax
profile goes with the account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loopin.invoices.models import TaxDocument, TaxProfile
from loopin.invoices.selectors import document_data, tax_profile_data

if TYPE_CHECKING:
    from loopin.accounts.models import User


def erase_tax_profile(user: User) -> None:
    TaxProfile.objects.filter(user=user).delete()


def export_invoices(user: User) -> dict[str, Any]:
    """The person's tax profile and the documents issued to them or by them (as a host)."""
    received = TaxDocument.objects.filter(buyer=user).select_related("original")
    issued = TaxDocument.objects.filter(supplier_user=user).select_related("original")
    return {
        "tax_profile": tax_profile_data(TaxProfile.objects.filter(user=user).first()),
        "received": [{**document_data(d), "id": str(d.id), "issued_at": d.issued_at.isoformat()} for d in received],
        "issued": [{**document_data(d), "id": str(d.id), "issued_at": d.issued_at.isoformat()} for d in issued],
    }
