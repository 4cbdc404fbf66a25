"""What a block between two people ends at their events (run after the block commits): at the events either of
them hosts for a block (a personal event's person, an organisation's members holding `decide`:
`events.selectors.blocks`)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.events.models import Invitation, InvitationStatus, JoinRequest, RequestStatus
from loopin.events.selectors.access import hosted_by
from loopin.events.selectors.blocks import BLOCK_POWER


def event_ties_end(*, blocker_id: uuid.UUID, blocked_id: uuid.UUID) -> dict[str, int]:
    """Revoke pending invitations between the two and decline pending join requests to each other's events."""
    people = User.objects.filter(id__in=[blocker_id, blocked_id])
    hosts = {u.id: hosted_by(u, BLOCK_POWER, prefix="event__") for u in people}
    none = Q(pk__in=[])
    mine, theirs = hosts.get(blocker_id, none), hosts.get(blocked_id, none)
    either = (mine & Q(invitee_id=blocked_id)) | (theirs & Q(invitee_id=blocker_id))
    asked = (mine & Q(user_id=blocked_id)) | (theirs & Q(user_id=blocker_id))
    with transaction.atomic():
        revoked = Invitation.objects.filter(either, status=InvitationStatus.PENDING).update(
            status=InvitationStatus.REVOKED, responded_at=timezone.now()
        )
        declined = JoinRequest.objects.filter(asked, status=RequestStatus.PENDING).update(
            status=RequestStatus.DECLINED, decided_at=timezone.now()
        )
        if revoked or declined:
            audit_record(
                action="events.block_ties_ended",
                data={"blocker_id": str(blocker_id), "blocked_id": str(blocked_id), "revoked": revoked,
                      "declined": declined},
            )  # fmt: skip
    return {"invitations_revoked": revoked, "requests_declined": declined}
