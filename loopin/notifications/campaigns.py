"""Campaigns: staff pick a template and an audience by rules, preview the count, schedule or send now.

Sends go in batches of CAMPAIGN_BATCH_SIZE, one job per batch; every person is notified at most once
per campaign (dedupe key `campaign:<id>`), so a repeated or overlapping batch sends nothing twice.
Cancelling stops the batches that have not started.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError
from loopin.core.logging import get_logger
from loopin.core.settings import get_settings
from loopin.notifications.error_codes import NotificationErrorCode
from loopin.notifications.models import Campaign, Device, Notification
from loopin.notifications.services import notify
from loopin.notifications.signals import campaign_batch_due
from loopin.tickets.models import Ticket

log = get_logger("loopin.notifications.campaigns")

OPEN = (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED)


def campaign_audience(campaign: Campaign) -> QuerySet[Any]:
    """The people a campaign reaches: active, not deleted, not suspended, and every rule that is set."""
    qs = User.objects.alive().filter(is_active=True, is_suspended=False)
    interest_ids = list(campaign.interests.values_list("id", flat=True)) if campaign.pk else []
    if interest_ids:
        qs = qs.filter(id__in=User.interests.through.objects.filter(interest_id__in=interest_ids).values("user_id"))
    if campaign.city:
        qs = qs.filter(
            id__in=Ticket.objects.filter(event__city__iexact=campaign.city.strip())
            .exclude(cancel_reason="event_cancelled")
            .values("user_id")
        )
    if campaign.verified is not None:
        qs = qs.filter(is_verified=campaign.verified)
    if campaign.attended_event is not None:
        attended = Ticket.objects.filter(checked_in_at__isnull=False).values("user_id")  # scanned in at a door
        qs = qs.filter(id__in=attended) if campaign.attended_event else qs.exclude(id__in=attended)
    if campaign.has_active_device is not None:
        with_device = Device.objects.filter(is_active=True).values("user_id")
        qs = qs.filter(id__in=with_device) if campaign.has_active_device else qs.exclude(id__in=with_device)
    return qs


def campaign_preview_count(campaign: Campaign) -> int:
    return campaign_audience(campaign).count()


def campaign_schedule(*, campaign_id: uuid.UUID, at: datetime, by: User) -> Campaign:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(id=campaign_id)
        if campaign.status not in OPEN:
            raise BusinessRuleError(f"This campaign is {campaign.status}.", code=NotificationErrorCode.CAMPAIGN_CLOSED)
        campaign.status = Campaign.Status.SCHEDULED
        campaign.scheduled_at = at
        campaign.save(update_fields=["status", "scheduled_at"])
        audit_record(action="campaign.scheduled", actor=by, obj=campaign, data={"at": at.isoformat()})
    return campaign


def campaign_start(*, campaign_id: uuid.UUID, by: Any = None) -> bool:
    """Begin sending now (a draft or a scheduled campaign); False when it was already started or closed."""
    with transaction.atomic():
        now = timezone.now()
        started = Campaign.objects.filter(id=campaign_id, status__in=OPEN).update(
            status=Campaign.Status.SENDING, started_at=now
        )
        if not started:
            return False
        campaign = Campaign.objects.get(id=campaign_id)
        campaign.recipients_total = campaign_preview_count(campaign)
        campaign.save(update_fields=["recipients_total"])
        audit_record(action="campaign.started", actor=by, obj=campaign, data={"recipients": campaign.recipients_total})
        transaction.on_commit(lambda: _queue_batch(campaign.id))
    return True


def campaign_cancel(*, campaign_id: uuid.UUID, by: User) -> bool:
    """Stop a campaign that is not finished; batches already sent stay sent."""
    with transaction.atomic():
        cancelled = Campaign.objects.filter(id=campaign_id, status__in=[*OPEN, Campaign.Status.SENDING]).update(
            status=Campaign.Status.CANCELLED, finished_at=timezone.now()
        )
        if cancelled:
            audit_record(action="campaign.cancelled", actor=by, obj=Campaign.objects.get(id=campaign_id))
    return bool(cancelled)


def campaigns_start_due() -> int:
    due = Campaign.objects.filter(status=Campaign.Status.SCHEDULED, scheduled_at__lte=timezone.now())
    return sum(campaign_start(campaign_id=cid) for cid in due.values_list("id", flat=True))


def _queue_batch(campaign_id: uuid.UUID, after: str | None = None) -> None:
    campaign_batch_due.send(sender=Campaign, campaign_id=campaign_id, after=after)


def campaign_send_batch(*, campaign_id: uuid.UUID, after: str | None = None) -> int:
    """Notify the next batch of people (ids after `after`) not yet reached; queue the next or close."""
    campaign = Campaign.objects.select_related("template").filter(id=campaign_id).first()
    if campaign is None or campaign.status != Campaign.Status.SENDING:
        return 0
    size = get_settings().CAMPAIGN_BATCH_SIZE
    dedupe = f"campaign:{campaign.id}"
    people = campaign_audience(campaign).order_by("id")
    if after:
        people = people.filter(id__gt=after)
    batch = list(people.values_list("id", "name")[:size])
    reached = set(
        Notification.objects.filter(dedupe_key=dedupe, user_id__in=[u for u, _ in batch]).values_list(
            "user_id", flat=True
        )
    )
    sent = failed = 0
    for user_id, name in batch:
        if user_id in reached:
            continue  # an earlier run of this batch got there
        try:
            made = notify(
                user_id=user_id,
                key=campaign.template.key,
                template=campaign.template,
                context={"name": name, "first_name": (name or "").split(" ")[0]},
                object_type="campaign",
                object_id=campaign.id,
                dedupe_key=dedupe,
                campaign=campaign,
            )
        except Exception as exc:
            made = None
            log.error("campaign_recipient_failed", campaign_id=str(campaign.id), error=repr(exc))
        if made:
            sent += 1
        else:
            failed += 1
    Campaign.objects.filter(id=campaign.id).update(
        sent_count=F("sent_count") + sent, failed_count=F("failed_count") + failed
    )
    if len(batch) == size:
        _queue_batch(campaign.id, str(batch[-1][0]))
    else:
        Campaign.objects.filter(id=campaign.id, status=Campaign.Status.SENDING).update(
            status=Campaign.Status.SENT, finished_at=timezone.now()
        )
    return sent
