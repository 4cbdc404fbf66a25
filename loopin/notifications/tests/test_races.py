"""Races with real threads: concurrent workers never push twice, reminders twice, or make two device rows.

On PostgreSQL the conditional UPDATE (claim) and the unique keys are the guards; on SQLite IMMEDIATE
transactions serialise the writers. Both must give the same result.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.utils import timezone

from loopin.events.models import Event
from loopin.notifications.campaigns import campaign_start
from loopin.notifications.models import Campaign, Delivery, Device, Notification
from loopin.notifications.push import log_outbox
from loopin.notifications.reminders import reminders_send_due
from loopin.notifications.services import device_register, push_deliver
from loopin.notifications.templates import template_current
from loopin.participation.attendance import attendance_confirm
from loopin.testing.concurrency import run_at_once
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory

WORKERS = 8


def test_eight_workers_push_one_notification_once_per_device(interests):
    person = UserWithProfileFactory()
    for token in ("t-phone", "t-tablet", "t-web"):
        Device.objects.create(user=person, provider="fcm", token=token, platform="android")
    # As a retried task and a stale duplicate would: the same notification delivered by many workers at once.
    n = Notification.objects.create(user=person, type="account.welcome", category="account", title="Hi", body="x")
    results = run_at_once([lambda: push_deliver(notification_id=n.id) for _ in range(WORKERS)])
    assert results == [0] * WORKERS
    assert Counter(p.token for p in log_outbox()) == Counter({"t-phone": 1, "t-tablet": 1, "t-web": 1})
    assert list(Delivery.objects.order_by().values_list("status", "attempts").distinct()) == [("sent", 1)]


def test_two_reminder_jobs_at_once_send_each_reminder_once(interests):
    event = PublishedEventFactory()
    people = [UserWithProfileFactory() for _ in range(5)]
    for person in people:
        attendance_confirm(user=person, event_id=event.id)
    Event.objects.filter(id=event.id).update(
        start_at=timezone.now() + timedelta(hours=10), end_at=timezone.now() + timedelta(hours=12)
    )
    results = run_at_once([reminders_send_due for _ in range(4)])
    assert sum(r for r in results if isinstance(r, int)) == 5
    assert [r for r in results if isinstance(r, Exception)] == []
    assert Notification.objects.filter(type="reminder.24h").count() == 5


def test_the_same_token_registered_at_once_is_one_device(interests):
    person = UserWithProfileFactory()
    results = run_at_once(
        [lambda: device_register(user=person, provider="fcm", token="t-same", platform="ios") for _ in range(WORKERS)]
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    assert Device.objects.filter(token="t-same").count() == 1


def test_send_now_pressed_twice_at_once_sends_the_campaign_once(interests):

    people = [UserWithProfileFactory() for _ in range(6)]
    campaign = Campaign.objects.create(name="Weekend", template=template_current("campaign.weekend"))
    results = run_at_once([lambda: campaign_start(campaign_id=campaign.id) for _ in range(4)])
    assert sorted(results, key=str) == [False, False, False, True]
    assert Notification.objects.filter(campaign=campaign).count() == len(people)
    campaign.refresh_from_db()
    assert (campaign.status, campaign.sent_count, campaign.failed_count) == ("sent", len(people), 0)
