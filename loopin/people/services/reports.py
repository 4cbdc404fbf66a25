"""Reports and the moderators' decisions on them (dismiss, warn, suspend, take content down), each audited.

A report about content (a post, comment, story or album photo) names the object; the owning package's
registered `ContentKind` (loopin.people.moderation) checks that it exists and that the reporter may see it,
and gives its author, who becomes the report's subject."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.accounts.services import user_suspend
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied, ValidationFailed
from loopin.core.signals import send_after_commit
from loopin.people import moderation, signals
from loopin.people.error_codes import PeopleErrorCode
from loopin.people.errors import PersonNotFound
from loopin.people.models import Report, ReportAction, ReportStatus, ReportTarget
from loopin.people.services.takedowns import TAKE_DOWN, takedown_record

MODERATE = "people.moderate_report"


def report_create(
    *,
    user: User,
    subject_id: uuid.UUID | None,
    category: str,
    note: str = "",
    target_type: str = "user",
    target_id: str = "",
) -> Report:
    """Report a person, or their post, comment, story, album photo, message or event; one open report per thing."""
    kind = moderation.content_kind(target_type)
    if kind is not None:
        author_id = kind.find(user, moderation.object_id(target_id))  # the package's 404 if not seen
        if subject_id is not None and subject_id != author_id:
            raise ValidationFailed.one("user_id", "NOT_THE_AUTHOR", "The person reported is not its author.")
        subject_id, target_id = author_id, str(moderation.object_id(target_id))
    elif subject_id is None:
        raise ValidationFailed.one("user_id", "REQUIRED", "Say who you are reporting.")
    if subject_id == user.pk:
        raise BusinessRuleError("You cannot report yourself.", code=PeopleErrorCode.SELF)
    # Blocked people can still be reported: a block is often the first thing someone harassed does.
    if not User.objects.alive().filter(pk=subject_id).exists():
        raise PersonNotFound()
    if target_type == ReportTarget.USER:
        target_id = ""
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=user,
                subject_id=subject_id,
                category=category,
                note=note.strip(),
                target_type=target_type,
                target_id=target_id,
            )
            audit_record(action="report.created", actor=user, obj=report, data={"category": category})
    except IntegrityError:
        raise Conflict(
            "You already reported this; the moderators will look at it.", code=PeopleErrorCode.REPORT_EXISTS
        ) from None
    return report


def _report_close(*, report_id: uuid.UUID, staff: User, status: str, action: str, note: str) -> Report:
    if not staff.has_perm(MODERATE):
        raise PermissionDenied("You may not moderate reports.")
    report = Report.objects.select_for_update().select_related("subject").filter(id=report_id).first()
    if report is None:
        raise NotFound("Report not found.", code=PeopleErrorCode.REPORT_NOT_FOUND)
    if report.status != ReportStatus.OPEN:
        raise BusinessRuleError(f"This report is already {report.status}.", code=PeopleErrorCode.REPORT_CLOSED)
    report.status = status
    report.action = action
    report.decided_by = staff
    report.decided_at = timezone.now()
    report.decision_note = note
    report.save(update_fields=["status", "action", "decided_by", "decided_at", "decision_note"])
    audit_record(
        action=f"report.{action or 'dismissed'}",
        actor=staff,
        obj=report,
        subject=report.subject,
        data={"category": report.category, "note": note},
    )
    return report


def report_dismiss(*, report_id: uuid.UUID, staff: User, note: str = "") -> Report:
    """Close a report with no action."""
    with transaction.atomic():
        return _report_close(report_id=report_id, staff=staff, status=ReportStatus.DISMISSED, action="", note=note)


def report_warn(*, report_id: uuid.UUID, staff: User, note: str = "") -> Report:
    """Warn the person reported (they get a notification); the report is closed as actioned."""
    with transaction.atomic():
        report = _report_close(
            report_id=report_id, staff=staff, status=ReportStatus.ACTIONED, action=ReportAction.WARNED, note=note
        )
        send_after_commit(signals.user_warned, report_id=report.id)
    return report


def report_suspend(*, report_id: uuid.UUID, staff: User, note: str = "") -> Report:
    """Suspend the person reported (accounts' suspension: sessions end, sign-in refused) and close the report."""
    if not staff.has_perm("accounts.suspend_user"):
        raise PermissionDenied("You may not suspend people.")
    with transaction.atomic():
        report = _report_close(
            report_id=report_id, staff=staff, status=ReportStatus.ACTIONED, action=ReportAction.SUSPENDED, note=note
        )
        user_suspend(user_id=report.subject_id, staff=staff, reason=f"report {report.id}: {report.category}")
    return report


def report_take_down(*, report_id: uuid.UUID, staff: User, note: str = "") -> Report:
    """Remove the reported post, comment, story or album photo (its media erased) and close the report; the
    author is told, and repeated takedowns suspend their posting (see services.takedowns)."""
    if not staff.has_perm(TAKE_DOWN):
        raise PermissionDenied("You may not take content down.")
    with transaction.atomic():
        report = _report_close(
            report_id=report_id, staff=staff, status=ReportStatus.ACTIONED, action=ReportAction.TAKEN_DOWN, note=note
        )
        kind = moderation.content_kind(report.target_type)
        if kind is None:
            raise BusinessRuleError(
                "Only a report about a post, comment, story or album photo can take content down.",
                code=PeopleErrorCode.NOT_CONTENT_REPORT,
            )
        if not kind.take_down(moderation.object_id(report.target_id)):
            raise Conflict(
                f"This {kind.label.lower()} is already gone; dismiss the report or act on the person.",
                code=PeopleErrorCode.CONTENT_GONE,
            )
        takedown_record(report=report, staff=staff)
    return report
