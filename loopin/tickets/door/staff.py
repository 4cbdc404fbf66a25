"""Door staff (who may scan for an event) and the event's check-in signing keys."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, NotFound, ValidationFailed
from loopin.core.phone import InvalidPhoneNumber, normalize_phone
from loopin.events.models import Event
from loopin.events.selectors.access import holds_host_power
from loopin.events.signals import send_after_commit
from loopin.tickets import signing
from loopin.tickets.door.settings import door_event_to_manage
from loopin.tickets.error_codes import TicketErrorCode
from loopin.tickets.models import (
    CheckinKey,
    DoorStaff,
)
from loopin.tickets.signals import door_staff_changed

# door staff


def door_staff_add(*, host: User, event_id: uuid.UUID, user_id: uuid.UUID | None, phone: str | None) -> DoorStaff:
    """Let a person scan this event's tickets, found by user id or phone number (host and co-hosts; idempotent)."""
    with transaction.atomic():
        event = door_event_to_manage(host, event_id, "door")
        person = _find_person(user_id=user_id, phone=phone)
        if holds_host_power(person, event, "door"):  # an organisation's: a member whose role works the door
            raise BusinessRuleError("The host can already scan tickets.", code=TicketErrorCode.ALREADY_HOST)
        staff, created = DoorStaff.objects.get_or_create(event=event, user=person, defaults={"added_by": host})
        if created:
            audit_record(action="checkin.staff_added", actor=host, obj=event, subject=person)
            send_after_commit(door_staff_changed, event_id=event.id, user_id=person.id, added=True)
    return staff


def _find_person(*, user_id: uuid.UUID | None, phone: str | None) -> User:
    users = User.objects.alive().filter(is_active=True)
    if user_id is not None:
        person = users.filter(id=user_id).first()
    else:
        try:
            number = normalize_phone(phone or "")
        except InvalidPhoneNumber as exc:
            raise ValidationFailed.one("phone_number", "invalid_phone", str(exc)) from exc
        person = users.filter(phone_number=number).first()
    if person is None:
        raise NotFound(
            "No Loopin user has this number or id; they need to sign up first.", code=AccountErrorCode.USER_NOT_FOUND
        )
    return person


def door_staff_remove(
    *, host: User, event_id: uuid.UUID, user_id: uuid.UUID | None = None, phone: str | None = None
) -> None:
    """Take a person (by user id or phone number) off this event's door staff (host and co-hosts)."""
    with transaction.atomic():
        event = door_event_to_manage(host, event_id, "door")
        if user_id is None:
            user_id = _find_person(user_id=None, phone=phone).id
        deleted, _ = DoorStaff.objects.filter(event=event, user_id=user_id).delete()
        if not deleted:
            raise NotFound("This person is not door staff of this event.", code=TicketErrorCode.STAFF_NOT_FOUND)
        audit_record(action="checkin.staff_removed", actor=host, obj=event, data={"user_id": str(user_id)})
        send_after_commit(door_staff_changed, event_id=event.id, user_id=user_id, added=False)


# signing keys


def checkin_key_rotate(*, host: User, event_id: uuid.UUID, retire_previous: bool = False) -> CheckinKey:
    """A new signing key; the previous one keeps verifying until retired (`retire_previous` retires now)."""
    with transaction.atomic():
        event = door_event_to_manage(host, event_id, "change")
        Event.objects.select_for_update().filter(id=event.id).first()  # one rotation at a time per event
        now = timezone.now()
        CheckinKey.objects.filter(event=event, is_active=True).update(is_active=False)
        if retire_previous:
            CheckinKey.objects.filter(event=event, retired_at__isnull=True).update(retired_at=now)
        new = signing.key_generate()
        key = CheckinKey.objects.create(
            event=event, kid=new.kid, public_key=new.public_key, private_key_encrypted=new.private_key_encrypted
        )
        audit_record(
            action="checkin.key_rotated",
            actor=host,
            obj=event,
            data={"kid": key.kid, "retired_previous": retire_previous},
        )
    return key
