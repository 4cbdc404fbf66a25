"""Error codes of accounts: phone codes, sessions and tokens, profiles, deletion."""

from loopin.core.error_codes import ErrorCode


class AccountErrorCode(ErrorCode):
    ACCOUNT_DELETION_BLOCKED = (
        "ACCOUNT_DELETION_BLOCKED",
        409,
        "The account cannot be deleted yet (e.g. it hosts upcoming events with guests or holds money).",
    )
    ACCOUNT_DISABLED = "ACCOUNT_DISABLED", 403, "This account has been deactivated.", 401
    ACCOUNT_SUSPENDED = "ACCOUNT_SUSPENDED", 403, "This account is suspended by staff. Contact support."
    INVALID_TOKEN = "INVALID_TOKEN", 401, "The access token is malformed, forged or of the wrong kind."
    TOKEN_EXPIRED = "TOKEN_EXPIRED", 401, "The access token has expired; refresh it."
    INVALID_REFRESH_TOKEN = "INVALID_REFRESH_TOKEN", 401, "The refresh token is unknown or no longer valid."
    REFRESH_TOKEN_REUSED = (
        "REFRESH_TOKEN_REUSED",
        401,
        "An already used refresh token was presented again; the session has been revoked. Sign in again.",
    )
    SESSION_EXPIRED = "SESSION_EXPIRED", 401, "The session was logged out, revoked or has expired. Sign in again."
    OTP_NOT_FOUND = "OTP_NOT_FOUND", 400, "No code is waiting for this phone number; request one first."
    OTP_EXPIRED = "OTP_EXPIRED", 400, "The code has expired; request a new one."
    OTP_INVALID = "OTP_INVALID", 400, "The code is wrong; `details` says how many attempts are left."
    OTP_LOCKED = "OTP_LOCKED", 400, "Too many wrong tries: this code no longer works. Request a new one."
    OTP_GUESSES_FROM_HERE = (
        "OTP_GUESSES_FROM_HERE",
        429,
        "Too many wrong codes for this number from this network: `details.retry_after` seconds until the next"
        " try from here (other networks and signed-in devices are not affected).",
    )
    OTP_GUESSES_SLOWED = (
        "OTP_GUESSES_SLOWED",
        429,
        "Too many wrong codes for this number lately: codes are checked again in `details.retry_after` seconds"
        " (a slow-down, never a lock; signed-in devices are not affected).",
    )
    SMS_UNAVAILABLE = "SMS_UNAVAILABLE", 503, "The SMS provider is not answering; the code could not be sent."
    PHONE_MISMATCH = "PHONE_MISMATCH", 403, "The code was sent to a different phone number than this account's."
    USER_NOT_FOUND = "USER_NOT_FOUND", 404, "No (active) user has this id or phone number."
    WAITLISTED = (
        "WAITLISTED",
        403,
        "You are on the waitlist: Loopin opens for you shortly (every gated endpoint answers this).",
    )
    PROFILE_INCOMPLETE = "PROFILE_INCOMPLETE", 403, "Complete your profile first."
