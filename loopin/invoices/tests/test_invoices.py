"""Invoices for paid orders: who supplies what, the GST split by place of supply, numbering per financial year,
credit notes for refunds, and numbers under concurrency (real threads)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from loopin.invoices.gstin import gstin_check_char, gstin_problem
from loopin.invoices.models import DocType, TaxDocument, TaxProfile
from loopin.invoices.services import INDIA, credit_notes_issue, financial_year, invoices_issue, tax_carve
from loopin.invoices.tests.helpers import confirm, paid_order
from loopin.organisations.models import Organisation
from loopin.organisations.services import organisation_create, organisation_update
from loopin.payments.models import Order, Refund
from loopin.payments.services import order_create, refund_create
from loopin.testing.concurrency import outcomes as race
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory

HOST_GSTIN = "29AAPFU0939F1Z" + gstin_check_char("29AAPFU0939F1Z")


def _docs(order: Order, doc_type: str = DocType.INVOICE) -> dict[str, TaxDocument]:
    return {d.kind: d for d in TaxDocument.objects.filter(order=order, doc_type=doc_type)}


def _parts(doc: TaxDocument) -> tuple[str, str, str, str, str, str]:
    return (doc.tax_split, str(doc.taxable_value), str(doc.cgst), str(doc.sgst), str(doc.igst), str(doc.total))


def _year() -> str:
    return financial_year(timezone.now())[2:]


@pytest.fixture
def event(interests: list[Any]) -> Any:
    """499.00 a seat (fee 10 %: the buyer pays 548.90) in Bengaluru (Karnataka, 29), the platform's state."""
    return PublishedEventFactory(is_paid=True, ticket_price=Decimal("499.00"), capacity=50, allow_plus_one=True)


def test_gstin_format_state_and_check_character():
    assert gstin_problem("27AAPFU0939F1ZV") is None
    assert gstin_problem("27AAPFU0939F1ZW") == "The GSTIN's check character does not match: a typing mistake?"
    assert gstin_problem("25AAPFU0939F1ZV") == "25 is not a GST state code."
    assert gstin_problem("27AAPFU0939F1Z") is not None
    with pytest.raises(ValidationError):
        TaxProfile(user=UserWithProfileFactory.build(), gstin="27AAPFU0939F1ZW").full_clean(exclude=["user"])


def test_fee_tax_is_carved_out_of_the_fee_and_the_parts_add_up():
    intra = tax_carve(amount=Decimal("49.90"), rate=Decimal("18"), split="cgst_sgst", currency="INR")
    assert (intra.taxable_value, intra.cgst, intra.sgst, intra.igst) == (
        Decimal("42.28"),
        Decimal("3.81"),
        Decimal("3.81"),
        Decimal("0"),
    )
    inter = tax_carve(amount=Decimal("49.90"), rate=Decimal("18"), split="igst", currency="INR")
    assert (inter.taxable_value, inter.igst, inter.total) == (Decimal("42.29"), Decimal("7.61"), Decimal("49.90"))


def test_a_paid_order_gets_a_bill_of_supply_from_an_unregistered_host_and_the_platform_fee_invoice(event):
    buyer = UserWithProfileFactory()
    order = paid_order(event, buyer)
    docs = _docs(order)
    ticket, fee = docs["ticket"], docs["platform_fee"]
    assert (ticket.number, ticket.title, ticket.supplier_gstin, ticket.supplier_user_id) == (
        f"INV/{_year()}/000001",
        "Bill of supply",
        "",
        event.host_id,
    )
    assert _parts(ticket) == ("none", "499.00", "0.00", "0.00", "0.00", "499.00")
    # Same state (Karnataka) as the platform: CGST 9 % + SGST 9 %, carved out of the 49.90 fee.
    assert (fee.number, fee.title, fee.supplier_gstin, fee.place_of_supply) == (
        f"LP/{_year()}/000001",
        "Tax invoice",
        "29AAAAA0000A1ZY",
        "29",
    )
    assert _parts(fee) == ("cgst_sgst", "42.28", "3.81", "3.81", "0.00", "49.90")
    assert ticket.total + fee.total == order.total == Decimal("548.90")
    # The task again (a retry) issues nothing more.
    assert invoices_issue(order_id=order.id) == []
    assert TaxDocument.objects.count() == 2


def test_a_buyer_in_another_state_pays_igst_on_the_fee(event):
    buyer = UserWithProfileFactory()
    TaxProfile.objects.create(user=buyer, state_code="27")
    fee = _docs(paid_order(event, buyer))["platform_fee"]
    assert (fee.place_of_supply, *_parts(fee)) == ("27", "igst", "42.29", "0.00", "0.00", "7.61", "49.90")


def test_a_venue_in_another_state_is_the_place_of_supply_without_a_buyer_state(interests):
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("499.00"), capacity=5, city="Mumbai")
    fee = _docs(paid_order(event, UserWithProfileFactory()))["platform_fee"]
    assert (fee.place_of_supply, fee.tax_split, str(fee.igst)) == ("27", "igst", "7.61")


def test_a_registered_host_issues_a_tax_invoice_in_its_own_series(event):
    TaxProfile.objects.create(user=event.host, gstin=HOST_GSTIN, legal_name="Night Owls LLP", invoice_prefix="NO")
    order = paid_order(event, UserWithProfileFactory(), seats=2)
    ticket = _docs(order)["ticket"]
    assert (ticket.number, ticket.title, ticket.supplier_name, ticket.supplier_gstin, ticket.quantity) == (
        f"NO/{_year()}/000001",
        "Tax invoice",
        "Night Owls LLP",
        HOST_GSTIN,
        2,
    )
    assert _parts(ticket) == ("cgst_sgst", "845.76", "76.12", "76.12", "0.00", "998.00")


def test_numbers_follow_the_indian_financial_year_at_midnight_ist(event):
    last_minute = datetime(2027, 3, 31, 23, 59, tzinfo=INDIA)
    first_minute = datetime(2027, 4, 1, 0, 0, tzinfo=INDIA)
    assert (financial_year(last_minute), financial_year(first_minute)) == ("2026-27", "2027-28")
    march = paid_order(event, UserWithProfileFactory(), paid_at=last_minute)
    april = paid_order(event, UserWithProfileFactory(), paid_at=first_minute)
    april_again = paid_order(event, UserWithProfileFactory(), paid_at=first_minute)
    assert [_docs(o)["platform_fee"].number for o in (march, april, april_again)] == [
        "LP/26-27/000001",
        "LP/27-28/000001",
        "LP/27-28/000002",
    ]
    assert _docs(march)["platform_fee"].financial_year == "2026-27"


def test_partial_then_full_refunds_credit_proportionally_and_never_more_than_invoiced(event):
    TaxProfile.objects.create(user=event.host, gstin=HOST_GSTIN)
    order = paid_order(event, UserWithProfileFactory())
    first = refund_create(order_id=order.id, amount=Decimal("100.00"), reason="staff_refund")
    assert Refund.objects.get(id=first.id).status == "processed"
    notes = _docs(order, DocType.CREDIT_NOTE)
    assert list(notes) == ["ticket"]  # the host's earning is refunded first
    note = notes["ticket"]
    assert (note.number, note.original.number, note.title) == (
        f"CN/{_year()}/000001",
        f"INV/{_year()}/000001",
        "Credit note",
    )
    assert _parts(note) == ("cgst_sgst", "84.74", "7.63", "7.63", "0.00", "100.00")

    rest = refund_create(order_id=order.id, reason="staff_refund")
    assert rest.amount == Decimal("448.90")
    later = {d.kind: d for d in TaxDocument.objects.filter(refund=rest)}
    assert _parts(later["ticket"]) == ("cgst_sgst", "338.14", "30.43", "30.43", "0.00", "399.00")
    assert later["ticket"].number == f"CN/{_year()}/000002"
    assert _parts(later["platform_fee"]) == ("cgst_sgst", "42.28", "3.81", "3.81", "0.00", "49.90")
    assert later["platform_fee"].number == f"LPC/{_year()}/000001"
    # Everything invoiced is reversed exactly; a repeat issues nothing.
    for kind, invoice in _docs(order).items():
        credited = TaxDocument.objects.filter(original=invoice)
        assert sum(c.total for c in credited) == invoice.total, kind
        assert sum(c.cgst + c.sgst + c.igst for c in credited) == invoice.tax_total, kind
    assert credit_notes_issue(refund_id=rest.id) == []
    assert TaxDocument.objects.filter(doc_type=DocType.CREDIT_NOTE).count() == 3


def test_paying_thirty_orders_at_once_numbers_them_one_to_thirty(event):
    buyers = [UserWithProfileFactory() for _ in range(30)]
    orders = [order_create(user=b, event_id=event.id, provider="sandbox") for b in buyers]
    assert race([lambda o=o: confirm(o) for o in orders]) == Counter({"ok": 30})
    for kind in ("ticket", "platform_fee"):
        sequences = sorted(TaxDocument.objects.filter(kind=kind).values_list("sequence", flat=True))
        assert sequences == list(range(1, 31)), kind
    assert TaxDocument.objects.filter(doc_type="invoice").count() == 60


def test_the_same_order_issued_by_many_workers_at_once_gets_one_invoice_set(event):
    order = paid_order(event, UserWithProfileFactory())
    TaxDocument.objects.all().delete()
    results = race([lambda: invoices_issue(order_id=order.id) for _ in range(8)])
    assert results == Counter({"ok": 8})
    assert sorted(TaxDocument.objects.values_list("number", flat=True)) == [
        f"INV/{_year()}/000002",
        f"LP/{_year()}/000002",
    ]


def test_an_organisations_event_is_invoiced_by_the_organisation_with_its_gstin_and_legal_name(event):
    owner = UserWithProfileFactory()
    organisation = organisation_create(user=owner, name="The Brewhouse", handle="brewhouse", city="Bengaluru")
    Organisation.objects.filter(id=organisation.id).update(gstin=HOST_GSTIN, legal_name="Brewhouse Hospitality LLP")
    TaxProfile.objects.create(user=event.host, gstin="27AAPFU0939F1ZV", legal_name="Not the seller")
    event.organisation = organisation
    event.save(update_fields=["organisation"])
    ticket = _docs(paid_order(event, UserWithProfileFactory(), seats=2))["ticket"]
    assert (ticket.number, ticket.supplier_name, ticket.supplier_gstin, ticket.supplier_key) == (
        f"INV/{_year()}/000001",
        "Brewhouse Hospitality LLP",
        HOST_GSTIN,
        f"gstin:{HOST_GSTIN}",
    )
    assert _parts(ticket) == ("cgst_sgst", "845.76", "76.12", "76.12", "0.00", "998.00")


def test_an_organisations_invoice_carries_its_address_and_is_numbered_with_its_own_prefix(event):
    owner = UserWithProfileFactory()
    organisation = organisation_create(user=owner, name="The Brewhouse", handle="brewhouse", city="Bengaluru")
    organisation_update(user=owner, organisation_id=organisation.id, gstin=HOST_GSTIN,
                        legal_name="Brewhouse Hospitality LLP", address="12th Main, Indiranagar, Bengaluru 560038",
                        invoice_prefix="club")  # fmt: skip
    event.organisation = organisation
    event.save(update_fields=["organisation"])
    ticket = _docs(paid_order(event, UserWithProfileFactory()))["ticket"]
    assert (ticket.number, ticket.supplier_name, ticket.supplier_gstin, ticket.supplier_address) == (
        f"CLUB/{_year()}/000001",
        "Brewhouse Hospitality LLP",
        HOST_GSTIN,
        "12th Main, Indiranagar, Bengaluru 560038",
    )
    second = _docs(paid_order(event, UserWithProfileFactory()))["ticket"]
    assert second.number == f"CLUB/{_year()}/000002"


def test_an_unregistered_organisation_names_its_state_on_its_bills(event):
    owner = UserWithProfileFactory()
    organisation = organisation_create(user=owner, name="Night Owls", handle="nightowls", city="Pune",
                                       state_code="27", address="FC Road, Pune", invoice_prefix="NOWL")  # fmt: skip
    event.organisation = organisation
    event.save(update_fields=["organisation"])
    ticket = _docs(paid_order(event, UserWithProfileFactory()))["ticket"]
    assert (ticket.number, ticket.supplier_state_code, ticket.supplier_address, ticket.tax_split) == (
        f"NOWL/{_year()}/000001", "27", "FC Road, Pune", "none",
    )  # fmt: skip


def test_an_unregistered_organisation_issues_a_bill_of_supply_under_its_own_name(event):
    organisation = organisation_create(user=UserWithProfileFactory(), name="Night Owls", handle="nightowls", city="")
    event.organisation = organisation
    event.save(update_fields=["organisation"])
    ticket = _docs(paid_order(event, UserWithProfileFactory()))["ticket"]
    assert (ticket.title, ticket.supplier_name, ticket.supplier_gstin, ticket.supplier_key, ticket.tax_split) == (
        "Bill of supply",
        "Night Owls",
        "",
        f"organisation:{organisation.id}",
        "none",
    )
