"""The invoices API and admin: who sees which document, the PDF, the order answer, the tax profile."""

from __future__ import annotations

import importlib
import io
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from loopin.invoices.models import TaxDocument, TaxProfile
from loopin.invoices.pdf import document_html
from loopin.invoices.services import financial_year
from loopin.invoices.tests.helpers import paid_order
from loopin.payments.models import Order
from loopin.staff.groups import groups_sync
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for


def _year() -> str:
    return financial_year(timezone.now())[2:]


def _finance_staff() -> Any:
    groups_sync(apps)  # a transactional test starts from an emptied database
    importlib.import_module("loopin.invoices.migrations.0002_finance_permissions").forwards(apps, None)
    staff = UserWithProfileFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name="Finance"))
    return staff


@pytest.fixture
def order(api: Any, interests: list[Any]) -> Order:
    event = PublishedEventFactory(is_paid=True, ticket_price=Decimal("499.00"), capacity=10)
    return paid_order(event, UserWithProfileFactory())


def _numbers(api: Any, order: Order, user: Any) -> Any:
    r = api.get(f"/api/v2/payments/orders/{order.id}/invoices", headers=token_for(user))
    if r.status_code != 200:
        return r.status_code, r.json()["error_code"]
    return [(d["number"], d["kind"], d["title"], d["total"]) for d in r.json()["data"]]


def test_the_buyer_sees_both_invoices_the_host_only_their_own(api, order):
    y = _year()
    assert _numbers(api, order, order.user) == [
        (f"INV/{y}/000001", "ticket", "Bill of supply", "499.00"),
        (f"LP/{y}/000001", "platform_fee", "Tax invoice", "49.90"),
    ]
    assert _numbers(api, order, order.event.host) == [(f"INV/{y}/000001", "ticket", "Bill of supply", "499.00")]


def test_strangers_and_staff_without_the_permission_get_404_finance_staff_see_all(api, order):
    assert _numbers(api, order, UserWithProfileFactory()) == (404, "ORDER_NOT_FOUND")
    assert _numbers(api, order, UserWithProfileFactory(is_staff=True)) == (404, "ORDER_NOT_FOUND")
    assert len(_numbers(api, order, _finance_staff())) == 2


def test_the_order_answer_lists_its_invoices_with_the_tax_split(api, order):
    data = api.get(f"/api/v2/payments/orders/{order.id}", headers=token_for(order.user)).json()["data"]
    fee = next(d for d in data["invoices"] if d["kind"] == "platform_fee")
    doc = TaxDocument.objects.get(order=order, kind="platform_fee")
    assert fee == {
        "id": str(doc.id),
        "number": doc.number,
        "document_type": "invoice",
        "kind": "platform_fee",
        "tax_split": "cgst_sgst",
        "taxable_value": "42.28",
        "cgst": "3.81",
        "sgst": "3.81",
        "igst": "0.00",
        "total": "49.90",
        "pdf_url": f"/api/v2/invoices/{doc.id}.pdf",
    }
    host_view = api.get(f"/api/v2/payments/orders/{order.id}", headers=token_for(order.event.host)).json()["data"]
    assert [d["kind"] for d in host_view["invoices"]] == ["ticket"]


def test_the_pdf_is_a_pdf_with_the_number_and_the_tax_lines(api, order):
    doc = TaxDocument.objects.get(order=order, kind="platform_fee")
    r = api.get(f"/api/v2/invoices/{doc.id}.pdf", headers=token_for(order.user))
    assert (r.status_code, r.headers["content-type"]) == (200, "application/pdf")
    assert r.content.startswith(b"%PDF")
    assert r.headers["content-disposition"] == f'inline; filename="{doc.number.replace("/", "-")}.pdf"'
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    assert doc.number in text
    assert "CGST 9 %" in text and "SGST 9 %" in text and "29AAAAA0000A1ZY" in text
    html = document_html(TaxDocument.objects.get(order=order, kind="ticket"))
    assert "Bill of supply: the supplier is not registered for GST" in html


def test_the_host_cannot_read_the_platform_fee_pdf_nor_a_stranger_any(api, order):
    fee = TaxDocument.objects.get(order=order, kind="platform_fee")
    ticket = TaxDocument.objects.get(order=order, kind="ticket")
    host = token_for(order.event.host)
    assert api.get(f"/api/v2/invoices/{fee.id}.pdf", headers=host).json()["error_code"] == "INVOICE_NOT_FOUND"
    assert api.get(f"/api/v2/invoices/{ticket.id}.pdf", headers=host).status_code == 200
    stranger = token_for(UserWithProfileFactory())
    assert api.get(f"/api/v2/invoices/{ticket.id}.pdf", headers=stranger).status_code == 404
    assert api.get(f"/api/v2/invoices/{ticket.id}.pdf", headers=token_for(_finance_staff())).status_code == 200


def test_a_host_sets_a_valid_gstin_and_an_invalid_one_is_refused(api, interests):
    host = UserWithProfileFactory()
    headers = token_for(host)
    bad = api.put("/api/v2/invoices/tax-profile", json={"gstin": "27AAPFU0939F1ZW"}, headers=headers)
    assert (bad.status_code, bad.json()["error_code"]) == (422, "VALIDATION_ERROR")
    r = api.put(
        "/api/v2/invoices/tax-profile",
        json={"gstin": "27AAPFU0939F1ZV", "legal_name": "Night Owls LLP", "invoice_prefix": "NO"},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {
        "gstin": "27AAPFU0939F1ZV",
        "legal_name": "Night Owls LLP",
        "state_code": "27",
        "address": "",
        "invoice_prefix": "NO",
        "gst_rate": "18.00",
    }
    assert TaxProfile.objects.get(user=host).gstin == "27AAPFU0939F1ZV"
    assert api.get("/api/v2/invoices/tax-profile", headers=headers).json()["data"]["legal_name"] == "Night Owls LLP"


def test_admin_lists_need_the_permission_and_search_by_number(api, order):
    doc = TaxDocument.objects.get(order=order, kind="platform_fee")
    staff = _finance_staff()
    client = Client()
    client.force_login(staff)
    r = client.get("/admin/invoices/invoice/", {"q": doc.number})
    assert r.status_code == 200
    assert doc.number in r.content.decode()
    assert client.get("/admin/invoices/creditnote/").status_code == 200
    assert client.get(f"/admin/invoices/invoice/{doc.id}/delete/").status_code == 403
    plain = Client()
    plain.force_login(UserWithProfileFactory(is_staff=True))
    assert plain.get("/admin/invoices/invoice/").status_code == 403


def test_the_data_export_lists_the_invoices_received(api, order):
    data = api.get("/api/v2/me/export", headers=token_for(order.user)).json()["data"]["invoices"]
    assert sorted(d["kind"] for d in data["received"]) == ["platform_fee", "ticket"]
    assert data["issued"] == []
