"""Embedded mode: with no Redis, jobs run in the process that queues them and nothing else is needed."""

from __future__ import annotations

from loopin.config.celery import app
from loopin.core.settings import Settings
from loopin.events.models import JoinMode
from loopin.notifications.models import Delivery
from loopin.notifications.push import log_outbox
from loopin.notifications.services import device_register
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for


def test_without_redis_jobs_are_eager_and_with_redis_they_are_not():
    assert Settings(REDIS_URL="", CELERY_ALWAYS_EAGER=None).celery_eager is True
    assert Settings(REDIS_URL="redis://127.0.0.1:6379/0", CELERY_ALWAYS_EAGER=None).celery_eager is False


def test_the_beat_schedule_runs_reminders_and_campaigns():

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"notifications.send_reminders", "notifications.send_due_campaigns"} <= tasks
    assert {"notifications.push", "notifications.run_trigger", "notifications.campaign_batch"} <= set(app.tasks)
    assert "notifications.sweep_pushes" in tasks


def test_a_trigger_runs_end_to_end_in_process(api, app_settings):
    """A join request over HTTP: the signal, the trigger job and the push all run with no worker and no broker."""

    assert app.conf.task_always_eager is True
    host = UserWithProfileFactory()
    device_register(user=host, provider="fcm", token="host-phone", platform="android")
    event = PublishedEventFactory(host=host, title="Jazz Night", join_mode=JoinMode.APPROVAL)
    r = api.post(f"/api/v2/events/{event.id}/requests", json={}, headers=token_for(UserWithProfileFactory()))
    assert r.status_code == 201
    assert [(p.token, p.message.title) for p in log_outbox()] == [("host-phone", "New request for Jazz Night")]
    assert Delivery.objects.get().status == "sent"
