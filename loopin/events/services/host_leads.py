"""People who want to host: one lead per phone number."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict
from loopin.core.phone import normalize_phone
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import (
    HostLead,
)


def host_lead_create(
    *, first_name: str, last_name: str, phone_number: str, message: str, user: User | None = None
) -> HostLead:
    """Record someone who wants to host; one lead per phone number."""
    phone = normalize_phone(phone_number)
    try:
        with transaction.atomic():
            lead = HostLead.objects.create(
                first_name=first_name, last_name=last_name, phone_number=phone, message=message, user=user
            )
            audit_record(action="host_lead.created", actor=user, obj=lead)
    except IntegrityError:
        raise Conflict(
            "We already have your request and will be in touch.", code=EventErrorCode.HOST_LEAD_EXISTS
        ) from None
    return lead
