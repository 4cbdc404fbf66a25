"""What a block between two people ends at their events (run after the block commits)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from loopin.audit.services import audit_record
from loopin.events.models import Invitation, InvitationStatus, JoinRequest, RequestStatus


def event_ties_end(*, blocker_id: uuid.UUID, blocked_id: uuid.UUID) -> dict[str, int]:
    """Revoke pending invitations between the two and decline pending join requests to each other's events."""
    either = Q(event__host_id=blocker_id, invitee_id=blocked_id) | Q(event__host_id=blocked_id, invitee_id=blocker_id)
    asked = Q(event__host_id=blocker_id, user_id=blocked_id) | Q(event__host_id=blocked_id, user_id=blocker_id)
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
