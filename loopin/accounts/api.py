"""Phone sign-in and profile endpoints of the designed API (`/api/v2/auth`, UUID ids).

The same calls at `/api/auth` answer in the mobile app's dialect (integer ids, its token claims):
`loopin.app_v1.auth`, over the same services."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from loopin.accounts import selectors, services
from loopin.accounts.models import OtpPurpose, User
from loopin.accounts.schemas import (
    InterestOut,
    LoginOut,
    PhoneIn,
    ProfileCompleteIn,
    ProfileOut,
    ProfileUpdateIn,
    RefreshEnvelope,
    RefreshIn,
    SignupOut,
    VerifyIn,
    VerifyLoginEnvelope,
    VerifyLoginOut,
    VerifyOtpEnvelope,
    VerifyOtpOut,
)
from loopin.accounts.services import ProfileChanges, UploadedImage
from loopin.core.auth import UngatedUser, request_ip
from loopin.core.envelope import Envelope, error_responses, ok
from loopin.core.images import MAX_IMAGE_BYTES
from loopin.core.routing import APIRouter, parse_json
from loopin.core.sync import run_sync

router = APIRouter(prefix="/api/v2/auth", tags=["auth"])


def token_fields(sign_in: services.SignIn) -> dict[str, Any]:
    return {
        "token": sign_in.access_token,
        "refresh_token": sign_in.refresh_token,
        "token_type": "bearer",
        "expires_in": sign_in.expires_in,
    }


@router.post("/signup", response_model=Envelope[SignupOut], responses=error_responses(422, 429, 503))
async def signup(body: PhoneIn, request: Request) -> dict[str, Any]:
    """Send a sign-up code to a phone number (new or existing account)."""
    result = await run_sync(
        services.otp_request, phone_number=body.phone_number, purpose=OtpPurpose.SIGNUP, ip=request_ip(request)
    )
    return ok(
        {
            "phone_number": body.phone_number,
            "user_status": "existing" if result.user_exists else "new",
            "otp_sent": True,
        },
        "OTP sent successfully",
    )


@router.post("/verify-otp", response_model=VerifyOtpEnvelope, responses=error_responses(400, 403, 422, 429))
async def verify_otp(body: VerifyIn, request: Request) -> dict[str, Any]:
    """Check a sign-up code; creates the account on first success and returns tokens."""
    sign_in = await run_sync(
        services.otp_verify,
        phone_number=body.phone_number,
        code=body.otp_code,
        purpose=OtpPurpose.SIGNUP,
        ip=request_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    user = sign_in.user
    data = VerifyOtpOut(
        user_id=user.id,
        phone_number=user.phone_number,
        needs_profile_completion=not user.profile_complete,
        is_verified=user.is_verified,
    )
    return {"success": True, "message": "Phone number verified", "data": data, **token_fields(sign_in)}


@router.post("/login", response_model=Envelope[LoginOut], responses=error_responses(404, 422, 429, 503))
async def login(body: PhoneIn, request: Request) -> dict[str, Any]:
    """Send a login code to the phone number of an existing account."""
    await run_sync(
        services.otp_request, phone_number=body.phone_number, purpose=OtpPurpose.LOGIN, ip=request_ip(request)
    )
    return ok({"phone_number": body.phone_number, "otp_sent": True}, "OTP sent successfully")


@router.post("/verify-login", response_model=VerifyLoginEnvelope, responses=error_responses(400, 403, 404, 422, 429))
async def verify_login(body: VerifyIn, request: Request) -> dict[str, Any]:
    """Check a login code and return tokens."""
    sign_in = await run_sync(
        services.otp_verify,
        phone_number=body.phone_number,
        code=body.otp_code,
        purpose=OtpPurpose.LOGIN,
        ip=request_ip(request),
        user_agent=request.headers.get("user-agent", ""),
    )
    user = sign_in.user
    data = VerifyLoginOut(
        user_id=user.id,
        phone_number=user.phone_number,
        name=user.name or None,
        is_verified=user.is_verified,
        needs_profile_completion=not user.profile_complete,
    )
    return {"success": True, "message": "Login successful", "data": data, **token_fields(sign_in)}


@router.post("/refresh", response_model=RefreshEnvelope, responses=error_responses(401, 422))
async def refresh(body: RefreshIn, request: Request) -> dict[str, Any]:
    """Trade a refresh token for a new access and refresh token (the old refresh token stops working)."""
    sign_in = await run_sync(services.session_refresh, refresh_token=body.refresh_token, ip=request_ip(request))
    return {
        "success": True,
        "message": "Token refreshed",
        "data": {"user_id": sign_in.user.id},
        **token_fields(sign_in),
    }


@router.post("/logout", response_model=Envelope[None], responses=error_responses(401))
async def logout(caller: UngatedUser, request: Request) -> dict[str, Any]:
    """End this session: its access and refresh tokens stop working."""
    await run_sync(session_logout_current, user=caller, ip=request_ip(request))
    return ok(None, "Logged out")


def session_logout_current(*, user: User, ip: str | None) -> None:
    """End the session the caller's access token belongs to (both dialects' logout)."""
    services.session_logout(user=user, session_id=user._auth_session_id, ip=ip)


@router.get("/event-interests", response_model=Envelope[list[InterestOut]])
async def event_interests() -> dict[str, Any]:
    """The active interests a profile can choose from."""
    return ok(await run_sync(selectors.interests_active), "Event interests")


# ------------------------------------------------------------------ profile

PROFILE_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ProfileCompleteIn"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "phone_number": {"type": "string"},
                        "name": {"type": "string"},
                        "birth_date": {"type": "string", "format": "date"},
                        "gender": {"type": "string", "enum": ["male", "female", "other", "prefer_not_to_say"]},
                        "event_interests": {"type": "array", "items": {"type": "integer"}},
                        "profile_pictures": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "JPEG/PNG/WebP files (<= 5 MB) or http(s) URLs",
                        },
                        "bio": {"type": "string"},
                    },
                }
            },
        },
    }
}
PROFILE_UPDATE_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ProfileUpdateIn"}},
            "multipart/form-data": PROFILE_BODY_DOC["requestBody"]["content"]["multipart/form-data"],
        },
    }
}


def _validate(model: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


def _as_int_list(values: list[str]) -> list[Any]:
    if len(values) == 1:
        text = values[0].strip()
        if text.startswith("["):
            try:
                parsed = parse_json(text.encode())  # the one JSON parser: deep nesting is refused, not a 500
            except RequestValidationError:
                return [text]
            return parsed if isinstance(parsed, list) else [parsed]
        if "," in text:
            return [v.strip() for v in text.split(",") if v.strip()]
    return values


async def read_profile_body(request: Request, model: type[BaseModel]) -> tuple[BaseModel, list[UploadedImage]]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=6, max_fields=40, max_part_size=64 * 1024)
        data: dict[str, Any] = {}
        uploads: list[UploadedImage] = []
        urls: list[str] = []
        for key in ("phone_number", "name", "birth_date", "gender", "bio"):
            value = form.get(key)
            if isinstance(value, str):
                data[key] = value
        interests = [v for v in form.getlist("event_interests") if isinstance(v, str)]
        if interests:
            data["event_interests"] = _as_int_list(interests)
        for index, item in enumerate(form.getlist("profile_pictures")):
            if isinstance(item, UploadFile):
                content = await item.read(MAX_IMAGE_BYTES + 1)
                uploads.append(UploadedImage(filename=item.filename or f"picture-{index}", content=content))
            elif isinstance(item, str) and item.strip():
                urls.append(item.strip())
        if urls or (model is ProfileCompleteIn and not uploads):
            data["profile_pictures"] = urls
        await form.close()
        return _validate(model, data), uploads
    raw = await request.json()  # the API's one JSON parser (core.routing): 422 for anything it can't take
    if not isinstance(raw, dict):
        raise RequestValidationError(
            [{"type": "model_type", "loc": ("body",), "msg": "The body must be a JSON object."}]
        )
    return _validate(model, raw), []


def profile_changes(body: BaseModel, uploads: list[UploadedImage]) -> ProfileChanges:
    fields = body.model_dump(exclude_unset=True)
    return ProfileChanges(
        phone_number=fields.get("phone_number"),
        name=fields.get("name"),
        birth_date=fields.get("birth_date"),
        gender=fields.get("gender"),
        bio=fields.get("bio"),
        event_interests=fields.get("event_interests"),
        picture_urls=fields.get("profile_pictures"),
        uploads=uploads,
    )


def _profile_out(user: User) -> ProfileOut:
    return ProfileOut.from_user(selectors.user_with_profile(user_id=user.id))


def _complete(*, user: User, changes: ProfileChanges) -> ProfileOut:
    return _profile_out(services.profile_complete(user=user, changes=changes))


def _update(*, user: User, changes: ProfileChanges) -> ProfileOut:
    return _profile_out(services.profile_update(user=user, changes=changes))


@router.post(
    "/complete-profile",
    response_model=Envelope[ProfileOut],
    openapi_extra=PROFILE_BODY_DOC,
    responses=error_responses(401, 403, 413, 422),
)
async def complete_profile(request: Request, caller: UngatedUser) -> dict[str, Any]:
    """Complete the profile (JSON with picture URLs, or multipart with image files)."""
    body, uploads = await read_profile_body(request, ProfileCompleteIn)
    profile = await run_sync(_complete, user=caller, changes=profile_changes(body, uploads))
    return ok(profile, "Profile completed successfully")


@router.get("/profile", response_model=Envelope[ProfileOut], responses=error_responses(401))
async def get_profile(caller: UngatedUser) -> dict[str, Any]:
    """The signed-in user's profile."""
    return ok(await run_sync(_profile_out, user=caller), "Profile")


@router.put(
    "/profile",
    response_model=Envelope[ProfileOut],
    openapi_extra=PROFILE_UPDATE_BODY_DOC,
    responses=error_responses(401, 413, 422),
)
async def update_profile(request: Request, caller: UngatedUser) -> dict[str, Any]:
    """Change some profile fields (partial update; same rules as completion)."""
    body, uploads = await read_profile_body(request, ProfileUpdateIn)
    profile = await run_sync(_update, user=caller, changes=profile_changes(body, uploads))
    return ok(profile, "Profile updated successfully")
