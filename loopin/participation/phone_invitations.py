"""Inviting a phone number to an event.

A number with an account gets an ordinary invitation (in-app + push). A number without one gets an
SMS with the event's invite link (through the accounts SMS interface, retried like codes) and a
`PhoneInvitation` that becomes an invitation when that number signs up. The host gets the same answer
either way, so inviting never tells whether a number has an account; a person blocked either way with
the host is silently not invited.

Invitation texts are SMS like codes and spend the same budgets (`accounts.services.otp.sms_budget_allows`):
at most PHONE_INVITE_SMS_RATE per host; the host's IP shares OTP_IP_SENDS_PER_HOUR with code requests
(429 when spent); and a number gets no more texts than its code budget allows (cooldown, per hour, per
day, counting codes and invitation texts to it). A number whose budget is spent still gets the waiting
invitation, with no text (`sms_status` "held"), and the host the same answer: many hosts inviting one
number cannot flood it, and learn nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.accounts.services.otp import sms_budget_allows
from loopin.accounts.sms import SmsSendError, get_sms_backend
from loopin.audit.services import audit_record
from loopin.core import ratelimit
from loopin.core.errors import BusinessRuleError, ValidationFailed
from loopin.core.ids import url_token
from loopin.core.links import absolute_url
from loopin.core.phone import InvalidPhoneNumber, mask_phone, normalize_phone
from loopin.core.settings import get_settings
from loopin.events import signals
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import (
    EventStatus,
    Invitation,
    InvitationStatus,
    InviteLink,
    PhoneInvitation,
    PhoneInvitationStatus,
)
from loopin.events.selectors.access import event_for
from loopin.events.services.access import ensure_can_manage_and_audit
from loopin.events.signals import send_after_commit
from loopin.participation.invitations import invitations_create
from loopin.people.selectors import is_blocked_between
from loopin.tickets.models import Ticket, TicketStatus

SMS_COUNTED = ("pending", "sent")  # "failed" and "held" texts never reached the phone


def _texts_sent(phone: str) -> list[datetime]:
    """Invitation texts to this number in the last day that went out or are on their way."""
    since = timezone.now() - timedelta(days=1)
    texts = PhoneInvitation.objects.filter(phone_number=phone, created_at__gte=since, sms_status__in=SMS_COUNTED)
    return list(texts.values_list("created_at", flat=True))


def invitation_by_phone(
    *, host: User, event_id: uuid.UUID, phone_number: str, message: str = "", ip: str | None = None
) -> str:
    """Invite a phone number; returns the masked number (the same answer with or without an account)."""
    try:
        phone = normalize_phone(phone_number)
    except InvalidPhoneNumber as exc:
        raise ValidationFailed.one("phone_number", "INVALID_PHONE", str(exc)) from None
    if phone == host.phone_number:
        raise ValidationFailed.one("phone_number", "OWN_EVENT", "You cannot invite yourself.")
    event = event_for(host, event_id)
    ensure_can_manage_and_audit(host, event, "invite")
    if event.status not in (EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.POSTPONED):
        raise BusinessRuleError(f"This event is {event.status}.", code=EventErrorCode.EVENT_CLOSED)
    person = User.objects.alive().filter(phone_number=phone, is_active=True).first()
    if person is not None:
        if not is_blocked_between(host, person):
            invitations_create(host=host, event_id=event.id, user_ids=[person.id], message=message)
        return mask_phone(phone)
    with transaction.atomic():
        if PhoneInvitation.objects.filter(
            event=event, phone_number=phone, status=PhoneInvitationStatus.WAITING
        ).exists():
            return mask_phone(phone)  # already invited: no second SMS
        settings = get_settings()
        ratelimit.hit("events.phone_invite_sms", str(host.pk), ratelimit.rate(settings.PHONE_INVITE_SMS_RATE))
        text = sms_budget_allows(phone_number=phone, other_sends=_texts_sent(phone), ip=ip)
        link = InviteLink.objects.create(event=event, token=url_token(18), created_by=host)
        try:
            with transaction.atomic():
                invite = PhoneInvitation.objects.create(
                    event=event,
                    phone_number=phone,
                    invited_by=host,
                    link=link,
                    message=message,
                    sms_status="pending" if text else "held",
                )
        except IntegrityError:  # the same number invited at the same moment
            return mask_phone(phone)
        audit_record(
            action="phone_invitation.created",
            actor=host,
            obj=invite,
            data={"event_id": str(event.id), "sms": invite.sms_status},
        )
    if text:
        send_after_commit(signals.phone_invitation_created, phone_invitation_id=invite.id)
    return mask_phone(phone)


def phone_invitation_sms_send(*, invite_id: uuid.UUID | str, final_attempt: bool) -> str:
    """Send the invitation SMS once ('sent' / 'skipped'); provider failures raise for a retry."""
    invite = PhoneInvitation.objects.select_related("event", "invited_by", "link").filter(id=invite_id).first()
    if invite is None or invite.sms_status == "sent" or invite.status != PhoneInvitationStatus.WAITING:
        return "skipped"
    url = absolute_url(f"/invite/{invite.link.token}") if invite.link else absolute_url("/")
    body = f"{invite.invited_by.name or 'A friend'} invited you to {invite.event.title} on Loopin: {url}"
    try:
        get_sms_backend().send(to=invite.phone_number, body=body[:300])
    except SmsSendError as exc:
        if final_attempt or exc.permanent:
            PhoneInvitation.objects.filter(id=invite.id).update(sms_status="failed")
            return "failed"
        raise
    PhoneInvitation.objects.filter(id=invite.id).update(sms_status="sent")
    return "sent"


def phone_invitations_claim(*, user: User) -> int:
    """A number signed up: every invitation waiting for it becomes an ordinary invitation."""
    with transaction.atomic():  # joins the sign-up's transaction when there is one
        return _claim(user)


def _claim(user: User) -> int:
    waiting = list(
        PhoneInvitation.objects.select_for_update()
        .select_related("event")
        .filter(phone_number=user.phone_number, status=PhoneInvitationStatus.WAITING)
    )
    made = 0
    for invite in waiting:
        invite.status = PhoneInvitationStatus.CLAIMED
        invite.claimed_at = timezone.now()
        event = invite.event
        open_event = event.deleted_at is None and event.status in (EventStatus.PUBLISHED, EventStatus.POSTPONED)
        busy = (
            Invitation.objects.filter(
                event=event, invitee=user, status__in=[InvitationStatus.PENDING, InvitationStatus.GOING]
            ).exists()
            or Ticket.objects.filter(event=event, user=user, status=TicketStatus.VALID).exists()
        )
        if open_event and not busy:
            invitation = Invitation.objects.create(
                event=event, invitee=user, invited_by_id=invite.invited_by_id, message=invite.message, link=invite.link
            )
            invite.invitation = invitation
            audit_record(action="invitation.created", actor=invite.invited_by, obj=invitation, subject=user)
            send_after_commit(signals.invitation_created, invitation_id=invitation.id)
            made += 1
        invite.save(update_fields=["status", "claimed_at", "invitation"])
    return made
