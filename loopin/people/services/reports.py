"""Reports and the moderators' decisions on them (dismiss, warn, suspend), each in the audit trail."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.accounts.services import user_suspend
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied
from loopin.core.signals import send_after_commit
from loopin.people import signals
from loopin.people.error_codes import PeopleErrorCode
from loopin.people.errors import PersonNotFound
from loopin.people.models import Report, ReportAction, ReportStatus, ReportTarget

MODERATE = "people.moderate_report"


def report_create(
    *, user: User, subject_id: uuid.UUID, category: str, note: str = "", target_type: str = "user", target_id: str = ""
) -> Report:
    """Report a person (or their post, message or event) to the moderators; one open report per thing."""
    if subject_id == user.pk:
        raise BusinessRuleError("You cannot report yourself.", code=PeopleErrorCode.SELF)
    # Blocked people can still be reported: a block is often the first thing someone harassed does.
    if not User.objects.filter(pk=subject_id, deleted_at__isnull=True).exists():
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


def _decide(*, report_id: uuid.UUID, staff: User, status: str, action: str, note: str) -> Report:
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
        return _decide(report_id=report_id, staff=staff, status=ReportStatus.DISMISSED, action="", note=note)


def report_warn(*, report_id: uuid.UUID, staff: User, note: str = "") -> Report:
    """Warn the person reported (they get a notification); the report is closed as actioned."""
    with transaction.atomic():
        report = _decide(
            report_id=report_id, staff=staff, status=ReportStatus.ACTIONED, action=ReportAction.WARNED, note=note
        )
        send_after_commit(signals.user_warned, report_id=report.id)
    return report


def report_suspend(*, report_id: uuid.UUID, staff: User, note: str = "") -> Report:
    """Suspend the person reported (accounts' suspension: sessions end, sign-in refused) and close the report."""
    if not staff.has_perm("accounts.suspend_user"):
        raise PermissionDenied("You may not suspend people.")
    with transaction.atomic():
        report = _decide(
            report_id=report_id, staff=staff, status=ReportStatus.ACTIONED, action=ReportAction.SUSPENDED, note=note
        )
        user_suspend(user_id=report.subject_id, staff=staff, reason=f"report {report.id}: {report.category}")
    return report
