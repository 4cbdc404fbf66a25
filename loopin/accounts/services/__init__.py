"""Writes for accounts, one module per sub-domain: phone codes, sessions and tokens, profiles, leads,
interests. This package re-exports the public names for old imports."""

from loopin.accounts.services.interests import DEFAULT_INTERESTS, interests_ensure_defaults
from loopin.accounts.services.otp import (
    OtpRequestResult,
    R,
    lead_verify_manually,
    otp_consume,
    otp_request,
    otp_verify,
)
from loopin.accounts.services.otp_send import otp_dispatch
from loopin.accounts.services.profiles import (
    MAX_PICTURES,
    ProfileChanges,
    UploadedImage,
    _delete_files,
    profile_complete,
    profile_update,
)
from loopin.accounts.services.sessions import (
    SignIn,
    session_logout,
    session_refresh,
    session_start,
    sessions_ended,
    sessions_revoke_all,
)
from loopin.accounts.services.suspension import user_suspend, user_unsuspend

__all__ = [
    "DEFAULT_INTERESTS",
    "MAX_PICTURES",
    "OtpRequestResult",
    "ProfileChanges",
    "R",
    "SignIn",
    "UploadedImage",
    "_delete_files",
    "interests_ensure_defaults",
    "lead_verify_manually",
    "otp_consume",
    "otp_dispatch",
    "otp_request",
    "otp_verify",
    "profile_complete",
    "profile_update",
    "session_logout",
    "session_refresh",
    "session_start",
    "sessions_ended",
    "sessions_revoke_all",
    "user_suspend",
    "user_unsuspend",
]
