"""Share links that invite whoever opens them."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, ValidationFailed
from loopin.core.ids import url_token
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import (
    Invitation,
    InvitationStatus,
    InviteLink,
)
from loopin.events.selectors.access import event_for
from loopin.events.services.access import ensure_can_manage_and_audit
from loopin.participation.error_codes import ParticipationErrorCode
from loopin.participation.invitations import invitation_go
from loopin.participation.rules import ensure_not_host, ensure_profile_complete


def invite_link_create(
    *, host: User, event_id: uuid.UUID, expires_at: datetime | None = None, max_uses: int | None = None
) -> InviteLink:
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed.one("expires_at", "IN_THE_PAST", "The expiry must be in the future.")
    with transaction.atomic():
        event = event_for(host, event_id)
        ensure_can_manage_and_audit(host, event, "invite")
        link = InviteLink.objects.create(
            event=event, token=url_token(18), created_by=host, expires_at=expires_at, max_uses=max_uses
        )
        audit_record(action="invite_link.created", actor=host, obj=link)
    return link


def invite_link_revoke(*, host: User, event_id: uuid.UUID, link_id: uuid.UUID) -> None:
    with transaction.atomic():
        link = InviteLink.objects.select_related("event").filter(id=link_id, event_id=event_id).first()
        if link is None:
            raise NotFound("Invite link not found.", code=EventErrorCode.INVITE_LINK_NOT_FOUND)
        ensure_can_manage_and_audit(host, link.event, "invite")
        InviteLink.objects.filter(id=link.id).update(is_active=False)
        audit_record(action="invite_link.revoked", actor=host, obj=link)


def invite_link_redeem(*, user: User, token: str, seats: int = 1) -> Invitation:
    """Use a share link: the caller is invited and going, like an accepted invitation."""
    ensure_profile_complete(user)
    with transaction.atomic():
        link = InviteLink.objects.select_related("event").filter(token=token).first()
        if link is None or not link.is_active or link.event.deleted_at is not None:
            raise NotFound("This invite link is not valid.", code=EventErrorCode.INVITE_LINK_INVALID)
        if link.expires_at is not None and link.expires_at <= timezone.now():
            raise BusinessRuleError("This invite link has expired.", code=EventErrorCode.INVITE_LINK_EXPIRED)
        event = link.event
        ensure_not_host(user, event)
        used = (
            InviteLink.objects.filter(id=link.id)
            .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
            .update(uses=F("uses") + 1)
        )
        if not used:
            raise BusinessRuleError("This invite link has been used up.", code=EventErrorCode.INVITE_LINK_USED_UP)
        invitation = (
            Invitation.objects.select_for_update()
            .filter(event=event, invitee=user, status__in=[InvitationStatus.PENDING, InvitationStatus.GOING])
            .first()
        )
        if invitation is not None and invitation.status == InvitationStatus.GOING:
            raise Conflict("You are already going.", code=ParticipationErrorCode.ALREADY_GOING)
        if invitation is None:
            invitation = Invitation.objects.create(event=event, invitee=user, invited_by=link.created_by, link=link)
        invitation_go(user=user, event=event, invitation=invitation, seats=seats)
        audit_record(action="invite_link.redeemed", actor=user, obj=invitation, data={"link_id": str(link.id)})
    return invitation
