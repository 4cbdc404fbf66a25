"""Reminders 24 h and 2 h before the start: every attendee, exactly once each; a moved event reschedules them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from loopin.events.models import Event, EventStatus
from loopin.notifications.models import Notification
from loopin.notifications.reminders import reminders_send_due
from loopin.notifications.tasks import send_reminders
from loopin.notifications.templates import display_time
from loopin.notifications.tests.conftest import types_by_user
from loopin.participation.attendance import attendance_cancel, attendance_confirm
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import run_task, token_for


@pytest.fixture
def host(transactional_db):
    return UserWithProfileFactory()


def event_in(host, hours, *guests, **kw):
    event = PublishedEventFactory(host=host, title="Jazz Night", start_at=timezone.now() + timedelta(days=5), **kw)
    for guest in guests:
        attendance_confirm(user=guest, event_id=event.id)
    Event.objects.filter(id=event.id).update(
        start_at=timezone.now() + timedelta(hours=hours), end_at=timezone.now() + timedelta(hours=hours + 2)
    )
    Notification.objects.all().delete()
    event.refresh_from_db()
    return event


def test_the_24h_reminder_goes_to_every_attendee_once_even_when_the_job_runs_twice(host):
    a, b, stranger = UserWithProfileFactory(), UserWithProfileFactory(), UserWithProfileFactory()
    event_in(host, 20, a, b)
    assert reminders_send_due() == 2
    assert run_task(send_reminders) == 0  # beat ran it again
    assert types_by_user() == {a.id: ["reminder.24h"], b.id: ["reminder.24h"]}
    assert not Notification.objects.filter(user=stranger).exists()


def test_the_2h_reminder_follows_and_is_also_sent_once(host):
    a = UserWithProfileFactory()
    event = event_in(host, 20, a)
    reminders_send_due()
    later = event.start_at - timedelta(minutes=90)
    assert reminders_send_due(now=later) == 1
    assert reminders_send_due(now=later + timedelta(minutes=5)) == 0
    assert types_by_user() == {a.id: ["reminder.24h", "reminder.2h"]}


def test_nothing_is_sent_outside_the_windows_or_for_unpublished_events(host):
    a = UserWithProfileFactory()
    event_in(host, 30, a)  # too early
    event_in(host, -1, a)  # already started
    postponed = event_in(host, 10, a)
    Event.objects.filter(id=postponed.id).update(status=EventStatus.POSTPONED)
    assert reminders_send_due() == 0


def test_the_24h_reminder_is_skipped_once_the_2h_one_is_due(host):
    a = UserWithProfileFactory()
    event_in(host, 1, a)
    assert reminders_send_due() == 1
    assert types_by_user() == {a.id: ["reminder.2h"]}


def test_people_who_gave_up_their_ticket_and_the_host_get_no_reminder(host):
    a, left = UserWithProfileFactory(), UserWithProfileFactory()
    event = event_in(host, 10, a, left)
    attendance_cancel(user=left, event_id=event.id)
    Notification.objects.all().delete()
    reminders_send_due()
    assert types_by_user() == {a.id: ["reminder.24h"]}


def test_a_moved_event_gets_its_reminders_again_for_the_new_time(host):
    a = UserWithProfileFactory()
    event = event_in(host, 20, a)
    reminders_send_due()
    Event.objects.filter(id=event.id).update(
        start_at=timezone.now() + timedelta(hours=22), end_at=timezone.now() + timedelta(hours=24)
    )
    assert reminders_send_due() == 1
    assert reminders_send_due() == 0
    keys = list(Notification.objects.filter(user=a).values_list("dedupe_key", flat=True))
    assert len(set(keys)) == 2


def test_a_reminder_deleted_from_the_centre_is_not_sent_again(api, host):

    a = UserWithProfileFactory()
    event_in(host, 10, a)
    reminders_send_due()
    n = Notification.objects.get(user=a)
    assert api.delete(f"/api/v2/notifications/{n.id}", headers=token_for(a)).status_code == 200
    assert reminders_send_due() == 0


def test_the_reminder_names_the_place_and_time(host):

    a = UserWithProfileFactory()
    event = event_in(host, 10, a, location_text="Blue Frog")
    reminders_send_due()
    n = Notification.objects.get(user=a)
    assert (n.title, n.body) == (
        "Coming up: Jazz Night",
        f"Jazz Night starts {display_time(event.start_at)} at Blue Frog.",
    )
    assert (n.object_type, n.object_id) == ("event", str(event.id))
