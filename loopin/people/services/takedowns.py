"""What a takedown does beyond removing the content: it is recorded (other open reports about the same object
close with it), the author is told, and too many takedowns in a window suspend the author's posting."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import NotFound, PermissionDenied
from loopin.core.settings import get_settings
from loopin.core.signals import send_after_commit
from loopin.people import signals
from loopin.people.error_codes import PeopleErrorCode
from loopin.people.models import PostingSuspension, Report, ReportAction, ReportStatus, Takedown

TAKE_DOWN = "people.take_down_content"


def takedown_record(*, report: Report, staff: User) -> PostingSuspension | None:
    """Inside the takedown's transaction, after the content was removed; the suspension when one began."""
    now = timezone.now()
    Takedown.objects.create(
        subject_id=report.subject_id,
        target_type=report.target_type,
        target_id=report.target_id,
        report=report,
        decided_by=staff,
        created_at=now,
    )
    Report.objects.filter(status=ReportStatus.OPEN, target_type=report.target_type, target_id=report.target_id).exclude(
        id=report.id
    ).update(
        status=ReportStatus.ACTIONED,
        action=ReportAction.TAKEN_DOWN,
        decided_by=staff,
        decided_at=now,
        decision_note=f"Closed with report {report.id}.",
    )
    send_after_commit(signals.content_taken_down, report_id=report.id)
    conf = get_settings()
    recent = Takedown.objects.filter(
        subject_id=report.subject_id, created_at__gt=now - timedelta(days=conf.TAKEDOWN_WINDOW_DAYS)
    ).count()
    if recent < conf.TAKEDOWNS_BEFORE_POSTING_SUSPENSION:
        return None
    until = now + timedelta(days=conf.POSTING_SUSPENSION_DAYS)
    suspension, _ = PostingSuspension.objects.update_or_create(
        user_id=report.subject_id,
        defaults={
            "until": until,
            "reason": f"{recent} takedowns in {conf.TAKEDOWN_WINDOW_DAYS} days",
            "created_at": now,
        },
    )
    audit_record(
        action="posting.suspended",
        actor=staff,
        obj=suspension,
        subject=report.subject,
        data={"until": until.isoformat(), "takedowns": recent, "report_id": str(report.id)},
    )
    send_after_commit(signals.posting_suspended, user_id=report.subject_id)
    return suspension


def posting_suspension_lift(*, user_id: uuid.UUID, staff: User) -> None:
    """End a posting suspension now (audited); the takedowns stay counted."""
    if not staff.has_perm(TAKE_DOWN):
        raise PermissionDenied("You may not lift posting suspensions.")
    with transaction.atomic():
        suspension = PostingSuspension.objects.select_for_update().filter(user_id=user_id).first()
        if suspension is None or suspension.until <= timezone.now():
            raise NotFound("This person's posting is not suspended.", code=PeopleErrorCode.NOT_POSTING_SUSPENDED)
        PostingSuspension.objects.filter(user_id=user_id).update(until=timezone.now())
        audit_record(action="posting.suspension_lifted", actor=staff, obj=suspension, subject=suspension.user)
