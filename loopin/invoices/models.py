"""GST documents: hosts' tax profiles, numbered tax invoices and credit notes, and their number series."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from loopin.invoices.gstin import STATE_CODES, gstin_problem


def validate_gstin(value: str) -> None:
    if value and (problem := gstin_problem(value)):
        raise ValidationError(problem)


def validate_state_code(value: str) -> None:
    if value and value not in STATE_CODES:
        raise ValidationError(f"{value} is not a GST state code.")


validate_invoice_prefix = RegexValidator(r"^[A-Z0-9]{1,4}$", "1 to 4 capital letters or digits.")
GST_RATE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("28"))]


class TaxProfile(models.Model):
    """A person's GST details: a host with a GSTIN issues tax invoices for their tickets (else bills of supply);
    a buyer's state is the place of supply of what they buy."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tax_profile")
    gstin = models.CharField(max_length=15, blank=True, validators=[validate_gstin], help_text="Empty: unregistered.")
    legal_name = models.CharField(max_length=200, blank=True, help_text="As registered; empty: the profile name.")
    state_code = models.CharField(
        max_length=2, blank=True, validators=[validate_state_code], help_text="GST state code, e.g. 29 (Karnataka)."
    )
    address = models.CharField(max_length=500, blank=True)
    invoice_prefix = models.CharField(
        max_length=4,
        default="INV",
        validators=[validate_invoice_prefix],
        help_text="Starts this host's invoice numbers (INV/26-27/000001).",
    )
    gst_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("18.00"),
        validators=GST_RATE_VALIDATORS,
        help_text="GST on the host's tickets (included in the ticket price), when the host has a GSTIN.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"tax profile of {self.user_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.gstin = self.gstin.strip().upper()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def effective_state(self) -> str:
        """A registered person's state is their GSTIN's first two digits."""
        return self.gstin[:2] if self.gstin else self.state_code


class DocType(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class SupplyKind(models.TextChoices):
    TICKET = "ticket", "Ticket (supplied by the host)"
    PLATFORM_FEE = "platform_fee", "Platform fee (supplied by the platform)"


class TaxSplit(models.TextChoices):
    CGST_SGST = "cgst_sgst", "CGST + SGST (intra-state)"
    IGST = "igst", "IGST (inter-state)"
    NONE = "none", "No GST (bill of supply: the supplier is not registered)"


class DocumentSeries(models.Model):
    """The last number used in one supplier's series of one document type in one financial year.

    Numbers are taken with this row locked (select_for_update) in the transaction that creates the document,
    so they are consecutive and gapless: a rolled-back document gives its number back.
    """

    supplier_key = models.CharField(max_length=64, help_text="platform, gstin:<GSTIN> or user:<id>.")
    doc_type = models.CharField(max_length=16, choices=DocType.choices)
    financial_year = models.CharField(max_length=7, help_text="April to March in India, e.g. 2026-27.")
    prefix = models.CharField(max_length=4)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "document series"
        constraints = [
            models.UniqueConstraint(
                fields=["supplier_key", "doc_type", "financial_year"], name="one_series_per_supplier_type_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier_key} {self.doc_type} {self.financial_year}: {self.last_number}"


class TaxDocument(models.Model):
    """A GST tax invoice, bill of supply or credit note for one order: everything printed on it, frozen.

    Amounts are in the order's currency; `total` = `taxable_value` + `cgst` + `sgst` + `igst` exactly.
    A credit note points at the invoice it reverses and at the refund it is for.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    doc_type = models.CharField(max_length=16, choices=DocType.choices, db_index=True)
    kind = models.CharField(max_length=16, choices=SupplyKind.choices)
    number = models.CharField(max_length=32, db_index=True)
    sequence = models.PositiveIntegerField()
    financial_year = models.CharField(max_length=7, db_index=True)
    issued_at = models.DateTimeField(db_index=True, help_text="The time of supply: payment or refund.")
    order = models.ForeignKey("payments.Order", on_delete=models.PROTECT, related_name="tax_documents")
    refund = models.ForeignKey(
        "payments.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )
    original = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes", help_text="Reversed."
    )

    supplier_key = models.CharField(max_length=64, db_index=True)
    supplier_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supplier_name = models.CharField(max_length=200)
    supplier_gstin = models.CharField(max_length=15, blank=True)
    supplier_state_code = models.CharField(max_length=2, blank=True)
    supplier_address = models.CharField(max_length=500, blank=True)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    buyer_name = models.CharField(max_length=200, blank=True)
    buyer_gstin = models.CharField(max_length=15, blank=True)
    place_of_supply = models.CharField(max_length=2, help_text="GST state code.")

    description = models.CharField(max_length=300)
    sac = models.CharField(max_length=8, blank=True, help_text="Services accounting code.")
    quantity = models.PositiveSmallIntegerField(default=1)
    currency = models.CharField(max_length=3, default="INR")
    tax_split = models.CharField(max_length=16, choices=TaxSplit.choices)
    gst_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    taxable_value = models.DecimalField(max_digits=12, decimal_places=2)
    cgst = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    sgst = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    igst = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    total = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issued_at", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["supplier_key", "doc_type", "number"], name="document_number_unique"),
            models.UniqueConstraint(
                fields=["order", "kind"], condition=Q(doc_type="invoice"), name="one_invoice_per_order_and_kind"
            ),
            models.UniqueConstraint(
                fields=["refund", "kind"], condition=Q(doc_type="credit_note"), name="one_credit_note_per_refund_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def tax_total(self) -> Decimal:
        return self.cgst + self.sgst + self.igst

    @property
    def title(self) -> str:
        if self.doc_type == DocType.CREDIT_NOTE:
            return "Credit note"
        return "Tax invoice" if self.tax_split != TaxSplit.NONE else "Bill of supply"


class InvoiceManager(models.Manager["Invoice"]):
    def get_queryset(self) -> models.QuerySet[Invoice]:
        return super().get_queryset().filter(doc_type=DocType.INVOICE)


class CreditNoteManager(models.Manager["CreditNote"]):
    def get_queryset(self) -> models.QuerySet[CreditNote]:
        return super().get_queryset().filter(doc_type=DocType.CREDIT_NOTE)


class Invoice(TaxDocument):
    """Tax invoices and bills of supply (a proxy: its own admin list and `view_invoice` permission)."""

    objects = InvoiceManager()  # type: ignore[misc]

    class Meta:
        proxy = True


class CreditNote(TaxDocument):
    """Credit notes for refunds (a proxy: its own admin list and `view_creditnote` permission)."""

    objects = CreditNoteManager()  # type: ignore[misc]

    class Meta:
        proxy = True
