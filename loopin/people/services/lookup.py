"""Finding the person someone asks to do something with them (a co-host, venue staff) by phone number or handle."""

from __future__ import annotations

from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.models import User
from loopin.core import ratelimit
from loopin.core.errors import NotFound, ValidationFailed
from loopin.core.phone import InvalidPhoneNumber, normalize_phone
from loopin.core.settings import get_settings
from loopin.people.selectors import is_blocked_between


def person_to_ask(*, asker: User, phone_number: str | None, handle: str | None) -> User:
    """The person named by a phone number or a handle; 404 alike for no account and a block either way.

    A lookup by number spends the asker's people-search budget: asking must not be a way to test which numbers
    have accounts."""
    users = User.objects.alive().filter(is_active=True)
    if phone_number:
        ratelimit.hit("people.phone_search", str(asker.pk), ratelimit.rate(get_settings().PHONE_SEARCH_RATE))
        try:
            number = normalize_phone(phone_number)
        except InvalidPhoneNumber as exc:
            raise ValidationFailed.one("phone_number", "invalid_phone", str(exc)) from None
        person = users.filter(phone_number=number).first()
    else:
        person = users.filter(person__handle__iexact=(handle or "").strip().lstrip("@")).first()
    if person is None or (person.id != asker.id and is_blocked_between(asker, person)):
        raise NotFound(
            "No Loopin user has this number or handle; they need to sign up first.",
            code=AccountErrorCode.USER_NOT_FOUND,
        )
    return person
