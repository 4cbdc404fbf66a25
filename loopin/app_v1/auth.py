"""`/api/auth/*` in the app's dialect: CONTRACT.md's fields, with integer ids and the app's token.

The token (from verify-otp / verify-login) carries the `user_id` (integer) and `phone_number` claims the
app decodes, and lives APP_ACCESS_TOKEN_DAYS (the app never refreshes); its session is checked on every
request, so logging out or a suspension ends it at once. `/api/v2/auth/*` is the designed twin (UUIDs).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from loopin.accounts import selectors, services
from loopin.accounts.api import (
    PROFILE_BODY_DOC,
    PROFILE_UPDATE_BODY_DOC,
    profile_changes,
    read_profile_body,
    session_logout_current,
    token_fields,
)
from loopin.accounts.models import OtpPurpose, User
from loopin.accounts.schemas import PhoneIn, ProfileCompleteIn, ProfileUpdateIn, RefreshIn, VerifyIn
from loopin.accounts.services import ProfileChanges
from loopin.app_v1.reads import iso
from loopin.app_v1.schemas import AppInterestList, AppObject, AppProfileEnvelope, AppVerifyEnvelope
from loopin.core.auth import UngatedUser, request_ip
from loopin.core.envelope import error_responses, ok
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync

router = APIRouter(prefix="/api/auth", tags=["app: auth"])


def _allowed_in(user: User) -> bool:
    """The app's `is_verified` / `is_active`: false sends the user to its waitlist screen (WaitHome)."""
    return user.is_verified and user.is_active and not user.is_waitlisted


def _sign_in_body(sign_in: services.SignIn, message: str) -> dict[str, Any]:
    user = sign_in.user
    flags = {"needs_profile_completion": not user.profile_complete, "is_verified": _allowed_in(user)}
    data = {"user_id": user.number, "phone_number": user.phone_number, "name": user.name or None, **flags}
    return {"success": True, "message": message, "data": data, **flags, **token_fields(sign_in)}


@router.post("/signup", response_model=AppObject, responses=error_responses(422, 429, 503))
async def signup(body: PhoneIn, request: Request) -> dict[str, Any]:
    """C1: send a sign-up code to a phone number (new or existing account)."""
    result = await run_sync(
        services.otp_request, phone_number=body.phone_number, purpose=OtpPurpose.SIGNUP, ip=request_ip(request)
    )
    status = "existing" if result.user_exists else "new"
    return ok({"phone_number": body.phone_number, "user_status": status, "otp_sent": True}, "OTP sent successfully")


async def _verify(body: VerifyIn, request: Request, purpose: str) -> services.SignIn:
    return await run_sync(
        services.otp_verify,
        phone_number=body.phone_number,
        code=body.otp_code,
        purpose=purpose,
        ip=request_ip(request),
        user_agent=request.headers.get("user-agent", ""),
        app_token=True,
    )


@router.post("/verify-otp", response_model=AppVerifyEnvelope, responses=error_responses(400, 403, 422, 429))
async def verify_otp(body: VerifyIn, request: Request) -> dict[str, Any]:
    """C2: check a sign-up code (new and returning users); the app's token and routing flags at the top level."""
    return _sign_in_body(await _verify(body, request, OtpPurpose.SIGNUP), "Phone number verified")


@router.post("/login", response_model=AppObject, responses=error_responses(404, 422, 429, 503))
async def login(body: PhoneIn, request: Request) -> dict[str, Any]:
    """Send a login code to the phone number of an existing account."""
    await run_sync(
        services.otp_request, phone_number=body.phone_number, purpose=OtpPurpose.LOGIN, ip=request_ip(request)
    )
    return ok({"phone_number": body.phone_number, "otp_sent": True}, "OTP sent successfully")


@router.post("/verify-login", response_model=AppVerifyEnvelope, responses=error_responses(400, 403, 404, 422, 429))
async def verify_login(body: VerifyIn, request: Request) -> dict[str, Any]:
    """Check a login code; the app's token."""
    return _sign_in_body(await _verify(body, request, OtpPurpose.LOGIN), "Login successful")


@router.post("/refresh", response_model=AppObject, responses=error_responses(401, 422))
async def refresh(body: RefreshIn, request: Request) -> dict[str, Any]:
    """Trade a refresh token for a new pair (the app itself never refreshes)."""

    sign_in = await run_sync(services.session_refresh, refresh_token=body.refresh_token, ip=request_ip(request))
    return {"success": True, "message": "Token refreshed", "data": {"user_id": sign_in.user.number},
            **token_fields(sign_in)}  # fmt: skip


@router.post("/logout", response_model=AppObject, responses=error_responses(401))
async def logout(caller: UngatedUser, request: Request) -> dict[str, Any]:
    """End this session: its token stops working at once."""

    await run_sync(session_logout_current, user=caller, ip=request_ip(request))
    return ok(None, "Logged out")


def _interests() -> list[dict[str, Any]]:
    return [{**i, "description": None} for i in selectors.interests_active()]


@router.get("/event-interests", response_model=AppInterestList)
async def event_interests() -> dict[str, Any]:
    """C3: the interests a profile can choose from (`id`, `name`, `description`)."""
    return ok(await run_sync(_interests), "Event interests")


def profile_out(user: User) -> dict[str, Any]:
    """C5's profile (core/models/user_profile.dart)."""
    user = selectors.user_with_profile(user_id=user.id)
    allowed = _allowed_in(user)
    return {
        "id": user.number,
        "user_id": user.number,
        "uuid": str(user.id),
        "name": user.name or None,
        "phone_number": user.phone_number,
        "gender": user.gender or None,
        "bio": user.bio or None,
        "location": None,
        "birth_date": user.birth_date.isoformat() if user.birth_date else None,
        "age": user.age,
        "event_interests": [
            {"id": i.id, "name": i.name, "slug": i.slug, "description": None} for i in user.interests.all()
        ],  # fmt: skip
        "profile_pictures": [p.public_url for p in user.pictures.all()],
        "is_verified": allowed,
        "is_active": allowed,
        "is_host": user.is_host,
        "profile_complete": user.profile_complete,
        "needs_profile_completion": not user.profile_complete,
        "waitlisted": user.is_waitlisted,
        "promote_at": iso(user.promote_at) if user.is_waitlisted else None,
        "created_at": iso(user.date_joined),
        "updated_at": iso(user.updated_at),
    }


def _complete(*, user: User, changes: ProfileChanges) -> dict[str, Any]:
    return profile_out(services.profile_complete(user=user, changes=changes))


def _update(*, user: User, changes: ProfileChanges) -> dict[str, Any]:
    return profile_out(services.profile_update(user=user, changes=changes))


@router.post(
    "/complete-profile",
    response_model=AppProfileEnvelope,
    openapi_extra=PROFILE_BODY_DOC,
    responses=error_responses(401, 403, 413, 422),
)
async def complete_profile(request: Request, caller: UngatedUser) -> dict[str, Any]:
    """C4: complete the profile (multipart with image files, or JSON with URLs); repeating it is harmless."""
    body, uploads = await read_profile_body(request, ProfileCompleteIn)
    return ok(await run_sync(_complete, user=caller, changes=profile_changes(body, uploads)), "Profile completed")


@router.get("/profile", response_model=AppProfileEnvelope, responses=error_responses(401))
async def get_profile(caller: UngatedUser) -> dict[str, Any]:
    """C5: the signed-in user's profile (integer `id`)."""
    return ok(await run_sync(profile_out, user=caller), "Profile")


@router.put(
    "/profile",
    response_model=AppProfileEnvelope,
    openapi_extra=PROFILE_UPDATE_BODY_DOC,
    responses=error_responses(401, 413, 422),
)
async def update_profile(request: Request, caller: UngatedUser) -> dict[str, Any]:
    """Change some profile fields (partial update; same rules as completion)."""
    body, uploads = await read_profile_body(request, ProfileUpdateIn)
    return ok(await run_sync(_update, user=caller, changes=profile_changes(body, uploads)), "Profile updated")
