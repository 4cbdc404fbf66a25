"""Notifications' own queue signals, sent after commit (receivers get ids). `notifications.receivers` queues the
jobs on them, so services, triggers and campaigns never import tasks (tasks import them)."""

from django.dispatch import Signal

push_requested = Signal()  # notification_id: push it to the person's devices
trigger_job_created = Signal()  # job_id: a stored trigger job to run
campaign_batch_due = Signal()  # campaign_id, after: the next batch of a sending campaign (people after `after`)
