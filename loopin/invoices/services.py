"""Issuing GST documents: invoices for paid orders, credit notes for processed refunds, gapless numbers.

Money (see docs/TICKETING.md, "GST invoices"): the buyer's total never changes. The host earns the ticket
price and the platform the fee that payments.money puts on top of it; both amounts are GST-inclusive, so the
tax is carved out of them: tax = amount × rate / (100 + rate), rounded half up to the paisa (CGST and SGST
each take half the rate, rounded the same way, so the two are always equal); the taxable value is what is
left, so taxable value + tax = the amount exactly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import ValidationFailed
from loopin.core.settings import get_settings
from loopin.invoices.gstin import city_state
from loopin.invoices.models import DocType, DocumentSeries, SupplyKind, TaxDocument, TaxProfile, TaxSplit
from loopin.payments.models import SETTLED, Order, Refund, RefundStatus
from loopin.payments.money import quantize

INDIA = ZoneInfo("Asia/Kolkata")
PLATFORM_KEY = "platform"
PLATFORM_PREFIX = {DocType.INVOICE: "LP", DocType.CREDIT_NOTE: "LPC"}
HOST_CREDIT_PREFIX = "CN"


def financial_year(at: datetime) -> str:
    """The Indian financial year (1 April to 31 March, Asia/Kolkata) of an aware time: '2026-27'."""
    local = at.astimezone(INDIA)
    start = local.year if local.month >= 4 else local.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def document_number(prefix: str, year: str, sequence: int) -> str:
    """LP/26-27/000123: at most 16 characters up to 999999 a year, as GST rules ask of a number."""
    return f"{prefix}/{year[2:]}/{sequence:06d}"


@dataclass(frozen=True)
class TaxParts:
    taxable_value: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal

    @property
    def total(self) -> Decimal:
        return self.taxable_value + self.cgst + self.sgst + self.igst


def tax_carve(*, amount: Decimal, rate: Decimal, split: str, currency: str) -> TaxParts:
    """Split a GST-inclusive amount into taxable value and tax; the parts add up to `amount` exactly."""
    amount = quantize(amount, currency)
    zero = Decimal("0")
    if split == TaxSplit.NONE or rate <= 0:
        return TaxParts(amount, zero, zero, zero)
    if split == TaxSplit.CGST_SGST:
        half = quantize(amount * (rate / 2) / (100 + rate), currency)
        return TaxParts(amount - 2 * half, half, half, zero)
    igst = quantize(amount * rate / (100 + rate), currency)
    return TaxParts(amount - igst, zero, zero, igst)


TICKET_GST_RATE: Decimal = TaxProfile._meta.get_field("gst_rate").get_default()


def _profile(user_id: uuid.UUID) -> TaxProfile | None:
    return TaxProfile.objects.filter(user_id=user_id).first()


def place_of_supply(order: Order, buyer_profile: TaxProfile | None) -> str:
    """The buyer's state when known; else the state of the event's city (its venue's); else
    GST_DEFAULT_PLACE_OF_SUPPLY."""
    if buyer_profile is not None and buyer_profile.effective_state:
        return buyer_profile.effective_state
    venue = order.event.venue
    city = venue.city if venue is not None else order.event.city
    return city_state(city or "") or get_settings().GST_DEFAULT_PLACE_OF_SUPPLY


def _split(supplier_state: str, place: str) -> str:
    return TaxSplit.CGST_SGST if supplier_state == place else TaxSplit.IGST


def _take_number(*, supplier_key: str, doc_type: str, year: str, prefix: str) -> tuple[int, str]:
    """The next number of a series, with its counter row locked until the caller's transaction ends."""
    DocumentSeries.objects.get_or_create(
        supplier_key=supplier_key, doc_type=doc_type, financial_year=year, defaults={"prefix": prefix}
    )
    series = DocumentSeries.objects.select_for_update().get(
        supplier_key=supplier_key, doc_type=doc_type, financial_year=year
    )
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return series.last_number, document_number(series.prefix, year, series.last_number)


def _supplier(order: Order, kind: str) -> dict[str, object]:
    """Who supplies what: the platform its fee; the host the ticket (registered or not)."""
    settings = get_settings()
    if kind == SupplyKind.PLATFORM_FEE:
        return {
            "supplier_key": PLATFORM_KEY,
            "supplier_user": None,
            "supplier_name": settings.GST_PLATFORM_LEGAL_NAME,
            "supplier_gstin": settings.GST_PLATFORM_GSTIN,
            "supplier_state_code": settings.GST_PLATFORM_STATE_CODE,
            "supplier_address": settings.GST_PLATFORM_ADDRESS,
        }
    organisation = order.event.organisation if order.event.organisation_id is not None else None
    if organisation is not None:  # an organisation's event: the organisation supplies the ticket
        gstin = organisation.gstin
        return {
            "supplier_key": f"gstin:{gstin}" if gstin else f"organisation:{organisation.id}",
            "supplier_user": None,
            "supplier_name": organisation.legal_name or organisation.name,
            "supplier_gstin": gstin,
            "supplier_state_code": gstin[:2] if gstin else organisation.state_code,
            "supplier_address": organisation.address,
        }
    host = order.event.host
    profile = _profile(host.id)
    gstin = profile.gstin if profile else ""
    return {
        "supplier_key": f"gstin:{gstin}" if gstin else f"user:{host.id}",
        "supplier_user": host,
        "supplier_name": (profile.legal_name if profile else "") or host.name or f"Host {host.number}",
        "supplier_gstin": gstin,
        "supplier_state_code": profile.effective_state if profile else "",
        "supplier_address": profile.address if profile else "",
    }


def _invoice_new(order: Order, kind: str, amount: Decimal, buyer_profile: TaxProfile | None) -> TaxDocument:
    settings = get_settings()
    supplier = _supplier(order, kind)
    place = place_of_supply(order, buyer_profile)
    if kind == SupplyKind.PLATFORM_FEE:
        rate, sac = Decimal(settings.GST_RATE_PERCENT), settings.GST_PLATFORM_SAC
        prefix = PLATFORM_PREFIX[DocType.INVOICE]
        split = _split(str(supplier["supplier_state_code"]), place)
        description = f"Booking fee: {order.event.title}"
    else:
        # An organisation's event: the organisation's own invoice details stand in for a host's tax profile.
        organisation = order.event.organisation
        details = organisation if organisation is not None else _profile(order.event.host_id)
        registered = bool(supplier["supplier_gstin"])
        rate = (details.gst_rate if details is not None else TICKET_GST_RATE) if registered else Decimal("0")
        sac = settings.GST_TICKET_SAC
        prefix = details.invoice_prefix if details is not None else "INV"
        split = _split(str(supplier["supplier_state_code"]), place) if registered else TaxSplit.NONE
        description = f"Admission: {order.event.title}" + (f" ({order.tier.name})" if order.tier is not None else "")
    parts = tax_carve(amount=amount, rate=rate, split=split, currency=order.currency)
    assert order.paid_at is not None  # only settled orders get here
    year = financial_year(order.paid_at)
    sequence, number = _take_number(
        supplier_key=str(supplier["supplier_key"]), doc_type=DocType.INVOICE, year=year, prefix=prefix
    )
    return TaxDocument.objects.create(
        doc_type=DocType.INVOICE,
        kind=kind,
        number=number,
        sequence=sequence,
        financial_year=year,
        issued_at=order.paid_at,
        order=order,
        buyer=order.user,
        buyer_name=(buyer_profile.legal_name if buyer_profile else "") or order.user.name,
        buyer_gstin=buyer_profile.gstin if buyer_profile else "",
        place_of_supply=place,
        description=description[:300],
        sac=sac,
        quantity=order.seats,
        currency=order.currency,
        tax_split=split,
        gst_rate=rate if split != TaxSplit.NONE else Decimal("0"),
        taxable_value=parts.taxable_value,
        cgst=parts.cgst,
        sgst=parts.sgst,
        igst=parts.igst,
        total=parts.total,
        **supplier,
    )


def _invoices_for_locked(order: Order) -> list[TaxDocument]:
    existing = {d.kind: d for d in TaxDocument.objects.filter(order=order, doc_type=DocType.INVOICE)}
    buyer_profile = _profile(order.user_id)
    created = []
    for kind, amount in ((SupplyKind.TICKET, order.host_earning), (SupplyKind.PLATFORM_FEE, order.fee_amount)):
        if kind in existing or amount <= 0:
            continue
        document = _invoice_new(order, kind, amount, buyer_profile)
        audit_record(action="invoice.issued", obj=document, subject=order.user, data={"order_id": str(order.id)})
        created.append(document)
    return created


def invoices_issue(*, order_id: uuid.UUID | str) -> list[TaxDocument]:
    """A paid order's invoices (the host's for the ticket, the platform's for its fee), issued once each.

    The order row is locked, so a retried or doubled task waits and then finds them issued; the unique
    constraint (order, kind) backs this up. An unpaid order gets none. Returns the ones created now.
    """
    try:
        with transaction.atomic():
            order = (
                Order.objects.select_for_update(of=("self",))
                .select_related("event__venue", "event__host", "user", "tier")
                .get(id=order_id)
            )
            if order.status not in SETTLED or order.paid_at is None or order.ticket_id is None:
                return []
            return _invoices_for_locked(order)
    except IntegrityError:
        return []


@dataclass(frozen=True)
class _Credited:
    taxable_value: Decimal
    cgst: Decimal
    sgst: Decimal
    igst: Decimal
    total: Decimal


def _credited(invoice: TaxDocument) -> _Credited:
    sums = TaxDocument.objects.filter(original=invoice, doc_type=DocType.CREDIT_NOTE).aggregate(
        taxable_value=Sum("taxable_value"), cgst=Sum("cgst"), sgst=Sum("sgst"), igst=Sum("igst"), total=Sum("total")
    )
    return _Credited(**{k: v or Decimal("0") for k, v in sums.items()})


def credit_parts(invoice: TaxDocument, *, already: _Credited, amount: Decimal) -> TaxParts:
    """What a credit of `amount` reverses, in proportion to the invoice, counted on the running total so
    that credit notes summing to the invoice reverse every part of it exactly."""
    cum = already.total + amount
    if cum >= invoice.total:
        target = TaxParts(invoice.taxable_value, invoice.cgst, invoice.sgst, invoice.igst)
    else:
        share = cum / invoice.total
        cur = invoice.currency
        cgst = quantize(invoice.cgst * share, cur)
        sgst = quantize(invoice.sgst * share, cur)
        igst = quantize(invoice.igst * share, cur)
        target = TaxParts(cum - cgst - sgst - igst, cgst, sgst, igst)
    return TaxParts(
        target.taxable_value - already.taxable_value,
        target.cgst - already.cgst,
        target.sgst - already.sgst,
        target.igst - already.igst,
    )


def _credit_note_new(invoice: TaxDocument, refund: Refund, amount: Decimal) -> TaxDocument | None:
    already = _credited(invoice)
    amount = min(quantize(amount, invoice.currency), invoice.total - already.total)  # never past the invoice
    if amount <= 0:
        return None
    parts = credit_parts(invoice, already=already, amount=amount)
    assert refund.processed_at is not None  # only processed refunds get here
    year = financial_year(refund.processed_at)
    prefix = PLATFORM_PREFIX[DocType.CREDIT_NOTE] if invoice.supplier_key == PLATFORM_KEY else HOST_CREDIT_PREFIX
    sequence, number = _take_number(
        supplier_key=invoice.supplier_key, doc_type=DocType.CREDIT_NOTE, year=year, prefix=prefix
    )
    copied = {
        f: getattr(invoice, f)
        for f in (
            "kind",
            "order_id",
            "supplier_key",
            "supplier_user_id",
            "supplier_name",
            "supplier_gstin",
            "supplier_state_code",
            "supplier_address",
            "buyer_id",
            "buyer_name",
            "buyer_gstin",
            "place_of_supply",
            "sac",
            "quantity",
            "currency",
            "tax_split",
            "gst_rate",
        )
    }
    return TaxDocument.objects.create(
        doc_type=DocType.CREDIT_NOTE,
        number=number,
        sequence=sequence,
        financial_year=year,
        issued_at=refund.processed_at,
        refund=refund,
        original=invoice,
        description=f"Refund against {invoice.number}: {invoice.description}"[:300],
        taxable_value=parts.taxable_value,
        cgst=parts.cgst,
        sgst=parts.sgst,
        igst=parts.igst,
        total=parts.total,
        **copied,
    )


def credit_notes_issue(*, refund_id: uuid.UUID | str) -> list[TaxDocument]:
    """A processed refund's credit notes, once: the part taken from the host's earning against the ticket
    invoice, the rest against the fee invoice; each never more than is left uncredited on its invoice."""
    try:
        with transaction.atomic():
            refund = Refund.objects.get(id=refund_id)
            order = (
                Order.objects.select_for_update(of=("self",))
                .select_related("event__venue", "event__host", "user", "tier")
                .get(id=refund.order_id)
            )
            refund = Refund.objects.get(id=refund_id)
            if refund.status != RefundStatus.PROCESSED:
                return []
            if order.paid_at is not None and order.ticket_id is not None:
                _invoices_for_locked(order)  # the invoice task may not have run yet
            invoices = {d.kind: d for d in TaxDocument.objects.filter(order=order, doc_type=DocType.INVOICE)}
            done = set(TaxDocument.objects.filter(refund=refund).values_list("kind", flat=True))
            shares = (
                (SupplyKind.TICKET, refund.host_amount),
                (SupplyKind.PLATFORM_FEE, refund.amount - refund.host_amount),
            )
            created = []
            for kind, amount in shares:
                invoice = invoices.get(kind)
                if invoice is None or kind in done or amount <= 0:
                    continue
                note = _credit_note_new(invoice, refund, amount)
                if note is not None:
                    audit_record(
                        action="credit_note.issued",
                        obj=note,
                        subject=order.user,
                        data={"refund_id": str(refund.id), "invoice": invoice.number},
                    )
                    created.append(note)
            return created
    except IntegrityError:
        return []


def tax_profile_update(*, user: User, changes: dict[str, Any]) -> TaxProfile:
    """Set the caller's GST details (fields already validated by the schema); later documents use them."""
    with transaction.atomic():
        profile, _ = TaxProfile.objects.select_for_update().get_or_create(user=user)
        for field, value in changes.items():
            setattr(profile, field, value if value is not None else "")
        if profile.gstin:
            profile.state_code = profile.gstin[:2]
        try:
            profile.full_clean()
        except ValidationError as exc:
            fields = [{"field": f, "code": "invalid", "message": m[0]} for f, m in exc.message_dict.items()]
            raise ValidationFailed(fields) from None
        profile.save()
        audit_record(action="tax_profile.update", actor=user, obj=profile, data={"fields": sorted(changes)})
    return profile
