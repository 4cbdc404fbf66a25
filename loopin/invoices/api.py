"""GST documents HTTP API: an order's invoices and credit notes, a document's PDF, the caller's tax profile."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.responses import Response

from loopin.core.auth import CurrentUser
from loopin.core.envelope import Envelope, error_responses, ok
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.invoices import selectors, services, staff_reads
from loopin.invoices.schemas import TaxDocumentOut, TaxProfileIn, TaxProfileOut

order_invoices = APIRouter(prefix="/api/v2/payments", tags=["invoices"])
invoices = APIRouter(prefix="/api/v2/invoices", tags=["invoices"])

PDF_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The document as PDF", "content": {"application/pdf": {}}},
    **error_responses(401, 404, 422),
}


@order_invoices.get(
    "/orders/{order_id}/invoices", response_model=Envelope[list[TaxDocumentOut]], responses=error_responses(401, 404)
)
async def order_documents(order_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """An order's GST invoices and credit notes (buyer: all; host: the ticket's; staff with permission)."""
    return ok(await run_sync(staff_reads.order_documents_and_audit, user=caller, order_id=order_id), "Invoices")


@invoices.get("/tax-profile", response_model=Envelope[TaxProfileOut], responses=error_responses(401))
async def get_tax_profile(caller: CurrentUser) -> dict[str, Any]:
    """The caller's GST details, used on the invoices for their tickets."""
    return ok(await run_sync(selectors.my_tax_profile, user=caller), "Tax profile")


@invoices.put("/tax-profile", response_model=Envelope[TaxProfileOut], responses=error_responses(401, 422))
async def put_tax_profile(body: TaxProfileIn, caller: CurrentUser) -> dict[str, Any]:
    """Set GSTIN (format and check character validated), legal name, state, address, invoice prefix."""
    profile = await run_sync(services.tax_profile_update, user=caller, changes=body.model_dump(exclude_unset=True))
    return ok(selectors.tax_profile_data(profile), "Tax profile saved")


@invoices.get("/{document_id}.pdf", response_model=None, responses=PDF_RESPONSES)
async def document_pdf(document_id: uuid.UUID, caller: CurrentUser) -> Response:
    """An invoice or credit note as PDF (who may see it: as for the order's invoices)."""
    filename, content = await run_sync(staff_reads.document_pdf_and_audit, user=caller, document_id=document_id)
    headers = {"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, no-store"}
    return Response(content, media_type="application/pdf", headers=headers)


routers = [order_invoices, invoices]
