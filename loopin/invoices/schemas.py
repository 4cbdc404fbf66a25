"""Shapes of GST documents and tax profiles in the designed API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from loopin.invoices.gstin import STATE_CODES, gstin_problem


class TaxDocumentOut(BaseModel):
    id: uuid.UUID
    number: str = Field(examples=["LP/26-27/000123"])
    document_type: Literal["invoice", "credit_note"]
    title: Literal["Tax invoice", "Bill of supply", "Credit note"] = Field(
        description="Bill of supply: the host is not registered for GST, no GST charged"
    )
    kind: Literal["ticket", "platform_fee"] = Field(
        description="ticket: supplied by the host; platform_fee: by the platform"
    )
    financial_year: str = Field(examples=["2026-27"])
    issued_at: datetime
    original_number: str | None = Field(description="A credit note's invoice")
    supplier_name: str
    supplier_gstin: str | None
    place_of_supply: str = Field(description="GST state code")
    currency: str
    tax_split: Literal["cgst_sgst", "igst", "none"]
    gst_rate: str
    taxable_value: str
    cgst: str
    sgst: str
    igst: str
    tax_total: str
    total: str = Field(description="taxable_value + cgst + sgst + igst")
    pdf_url: str


class TaxProfileOut(BaseModel):
    gstin: str | None
    legal_name: str
    state_code: str | None = Field(description="GST state code; a GSTIN's first two digits")
    address: str
    invoice_prefix: str
    gst_rate: str = Field(description="GST on your tickets when you have a GSTIN (included in the price)")


class TaxProfileIn(BaseModel):
    """Only the fields sent change; an empty gstin unregisters (later tickets get bills of supply)."""

    model_config = ConfigDict(extra="forbid")

    gstin: str | None = Field(
        default=None,
        pattern=r"^$|^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$",
        examples=["27AAPFU0939F1ZV"],
        description="Upper case; the state code and the check character are checked too",
    )
    legal_name: str | None = Field(default=None, max_length=200)
    state_code: str | None = Field(default=None, pattern=r"^[0-9]{2}$", examples=["29"])
    address: str | None = Field(default=None, max_length=500)
    invoice_prefix: str | None = Field(default=None, pattern=r"^[A-Z0-9]{1,4}$")

    @field_validator("gstin")
    @classmethod
    def _gstin(cls, value: str | None) -> str | None:
        if value and (problem := gstin_problem(value)):
            raise ValueError(problem)
        return value

    @field_validator("state_code")
    @classmethod
    def _state(cls, value: str | None) -> str | None:
        if value and value not in STATE_CODES:
            raise ValueError(f"{value} is not a GST state code")
        return value
