"""The caller's own account under /api/v2/me: deletion (with a fresh code) and data export.

These endpoints stay reachable while the caller is on the onboarding waitlist (`UngatedUser`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from loopin.accounts import erasure
from loopin.accounts.schemas import AccountDeleteIn, DeleteCodeOut
from loopin.core.auth import UngatedUser, request_ip
from loopin.core.envelope import Envelope, error_responses, ok
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync

router = APIRouter(prefix="/api/v2/me", tags=["me"])


@router.post("/delete-otp", response_model=Envelope[DeleteCodeOut], responses=error_responses(401, 403, 409, 429, 503))
async def delete_otp(caller: UngatedUser, request: Request) -> dict[str, Any]:
    """Send a code to the caller's phone to confirm deleting the account."""
    ttl = await run_sync(erasure.account_delete_code_send, user=caller, ip=request_ip(request))
    return ok({"otp_sent": True, "expires_in": ttl}, "OTP sent successfully")


@router.delete("", response_model=Envelope[None], responses=error_responses(400, 401, 403, 409, 422, 429))
async def delete_account(body: AccountDeleteIn, caller: UngatedUser, request: Request) -> dict[str, Any]:
    """Delete the caller's account for good (personal data erased, every session ended) with the code sent."""
    await run_sync(erasure.account_delete, user=caller, code=body.otp_code, ip=request_ip(request))
    return ok(None, "Account deleted")


@router.get("/export", response_model=Envelope[dict[str, Any]], responses=error_responses(401, 403))
async def export(caller: UngatedUser) -> dict[str, Any]:
    """Everything Loopin holds about the caller, as JSON."""
    return ok(await run_sync(erasure.account_export, user=caller), "Your data")
