"""Phone numbers, parsed and normalised to E.164 with Google's libphonenumber rules."""

from __future__ import annotations

import phonenumbers

from loopin.core.settings import get_settings


class InvalidPhoneNumber(ValueError):
    pass


def normalize_phone(raw: str) -> str:
    """'+91 62058-29376', '(620) 582 9376' or '6205829376' (read in the default region) -> '+916205829376'."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidPhoneNumber("Enter a phone number.")
    text = raw.strip()
    if len(text) > 32:
        raise InvalidPhoneNumber("That is not a valid phone number.")
    region = None if text.startswith("+") else get_settings().PHONE_DEFAULT_REGION
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber("That is not a valid phone number.") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber("That is not a valid phone number.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """'+916205829376' -> '+91******9376' for places that must not show the whole number."""
    if len(e164) <= 6:
        return "*" * len(e164)
    return e164[:3] + "*" * (len(e164) - 7) + e164[-4:]
