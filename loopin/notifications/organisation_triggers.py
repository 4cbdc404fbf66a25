"""Triggers of host organisations: an invitation to join one (push and in-app, as a co-host invitation).

Same machinery as `triggers` (a stored job per signal, dedupe keys per job); push follows the person's "requests"
category preference. An invitation answered, withdrawn or of a deleted organisation before the job ran says nothing.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from loopin.notifications.triggers import _queue, _send_all, trigger
from loopin.organisations import signals as organisation_signals
from loopin.organisations.models import Membership


@trigger("organisation.invited")
def organisation_invited(*, trigger_id: str, membership_id: str) -> int:
    invitation = (
        Membership.objects.open_invitations()
        .select_related("organisation", "invited_by")
        .filter(id=membership_id, organisation__deleted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return 0
    organisation = invitation.organisation
    inviter = invitation.invited_by.name if invitation.invited_by is not None else ""
    context = {
        "organisation_name": organisation.name,
        "inviter_name": inviter or organisation.name,
        "role": invitation.get_role_display(),
    }
    return _send_all(
        [invitation.user_id],
        "organisation.invited",
        trigger_id,
        context,
        object_type="organisation",
        object_id=organisation.id,
        data={"organisation_id": str(organisation.id), "role": invitation.role},
    )


@receiver(organisation_signals.member_invited, dispatch_uid="notifications.organisation_member_invited")
def _on_member_invited(sender: Any, membership_id: Any, **kwargs: Any) -> None:
    _queue("organisation.invited", membership_id=membership_id)
