"""What queues notifications' jobs (connected in NotificationsConfig.ready)."""

from __future__ import annotations

import uuid
from typing import Any

from loopin.core.logging import get_logger
from loopin.notifications import tasks
from loopin.notifications.signals import campaign_batch_due, push_requested, trigger_job_created

log = get_logger("loopin.notifications.triggers")


def on_push_requested(sender: Any, notification_id: uuid.UUID, **kwargs: Any) -> None:
    tasks.push_notification.delay(str(notification_id))


def on_trigger_job_created(sender: Any, job_id: uuid.UUID, **kwargs: Any) -> None:
    try:
        tasks.run_trigger.delay(str(job_id))
    except Exception as exc:  # the broker is down: the job row stays, the sweeper queues it later
        log.error("trigger_queue_failed", job_id=str(job_id), error=repr(exc))


def on_campaign_batch_due(sender: Any, campaign_id: uuid.UUID, after: str | None, **kwargs: Any) -> None:
    tasks.campaign_batch.delay(str(campaign_id), after)


def connect() -> None:
    push_requested.connect(on_push_requested, dispatch_uid="notifications.push_requested")
    trigger_job_created.connect(on_trigger_job_created, dispatch_uid="notifications.trigger_job_created")
    campaign_batch_due.connect(on_campaign_batch_due, dispatch_uid="notifications.campaign_batch_due")
