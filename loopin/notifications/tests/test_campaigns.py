"""Campaigns: audience rules, preview count, batches with totals, schedule, cancel, never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from loopin.accounts.models import Interest
from loopin.accounts.services import interests_ensure_defaults
from loopin.notifications.campaigns import (
    campaign_audience,
    campaign_cancel,
    campaign_preview_count,
    campaign_schedule,
    campaign_send_batch,
    campaign_start,
    campaigns_start_due,
)
from loopin.notifications.models import Campaign, Device, Notification, NotificationTemplate, Preference
from loopin.notifications.push import log_outbox
from loopin.notifications.templates import template_current
from loopin.participation.attendance import attendance_confirm
from loopin.testing.factories import NewUserFactory, PublishedEventFactory, UserWithProfileFactory
from loopin.tickets.models import Ticket


@pytest.fixture
def template(transactional_db):

    interests_ensure_defaults()
    return template_current("campaign.weekend")


def campaign(template, **rules):
    interests = rules.pop("interests", None)
    c = Campaign.objects.create(name="Weekend picks", template=template, **rules)
    if interests:
        c.interests.set(interests)
    return c


def audience(c):
    return set(campaign_audience(c).values_list("id", flat=True))


def test_no_rules_reaches_every_active_person_but_not_suspended_or_deleted(template):
    a, b = UserWithProfileFactory(), NewUserFactory()
    UserWithProfileFactory(is_suspended=True)
    UserWithProfileFactory(deleted_at=timezone.now(), is_active=False)
    assert audience(campaign(template)) == {a.id, b.id}


def test_interest_rule_matches_any_of_the_chosen_interests(template):
    music, sport, food = Interest.objects.order_by("position")[:3]
    a, b, c = UserWithProfileFactory(), UserWithProfileFactory(), UserWithProfileFactory()
    a.interests.set([music])
    b.interests.set([sport, food])
    c.interests.set([food])
    assert audience(campaign(template, interests=[music, sport])) == {a.id, b.id}


def test_city_rule_matches_people_going_to_events_there(template):
    pune_goer, mumbai_goer = UserWithProfileFactory(), UserWithProfileFactory()
    attendance_confirm(user=pune_goer, event_id=PublishedEventFactory(city="Pune").id)
    attendance_confirm(user=mumbai_goer, event_id=PublishedEventFactory(city="Mumbai").id)
    assert audience(campaign(template, city="pune")) == {pune_goer.id}


def test_verified_rule(template):
    verified, unverified = UserWithProfileFactory(), NewUserFactory(is_verified=False)
    assert audience(campaign(template, verified=True)) == {verified.id}
    assert audience(campaign(template, verified=False)) == {unverified.id}


def test_attended_rule_counts_people_checked_in_at_a_door(template):
    went, will_go, never = UserWithProfileFactory(), UserWithProfileFactory(), UserWithProfileFactory()
    event = PublishedEventFactory()
    went_ticket = attendance_confirm(user=went, event_id=event.id)
    attendance_confirm(user=will_go, event_id=event.id)
    Ticket.objects.filter(id=went_ticket.id).update(checked_in_at=timezone.now())
    hosts = set(type(event).objects.values_list("host_id", flat=True))
    assert audience(campaign(template, attended_event=True)) == {went.id}
    assert audience(campaign(template, attended_event=False)) == {will_go.id, never.id} | hosts


def test_active_device_rule(template):
    with_device, dead_device, none = UserWithProfileFactory(), UserWithProfileFactory(), UserWithProfileFactory()
    Device.objects.create(user=with_device, provider="fcm", token="t-1", platform="ios")
    Device.objects.create(user=dead_device, provider="fcm", token="t-2", platform="ios", is_active=False)
    assert audience(campaign(template, has_active_device=True)) == {with_device.id}
    assert audience(campaign(template, has_active_device=False)) == {dead_device.id, none.id}


def test_rules_combine(template):
    music = Interest.objects.order_by("position").first()
    match, no_device = UserWithProfileFactory(), UserWithProfileFactory()
    for person in (match, no_device):
        person.interests.set([music])
    Device.objects.create(user=match, provider="fcm", token="t-1", platform="ios")
    c = campaign(template, interests=[music], has_active_device=True, verified=True)
    assert audience(c) == {match.id}
    assert campaign_preview_count(c) == 1


def test_send_now_goes_in_batches_with_totals_and_pushes(template, app_settings):
    app_settings.CAMPAIGN_BATCH_SIZE = 2
    people = [UserWithProfileFactory(name=f"Person {chr(65 + i)}") for i in range(5)]
    Device.objects.create(user=people[0], provider="fcm", token="t-1", platform="ios")
    c = campaign(template)
    assert campaign_start(campaign_id=c.id) is True  # embedded mode: every batch runs now
    c.refresh_from_db()
    assert (c.status, c.recipients_total, c.sent_count, c.failed_count) == ("sent", 5, 5, 0)
    assert set(Notification.objects.filter(campaign=c).values_list("user_id", flat=True)) == {p.id for p in people}
    first = Notification.objects.get(campaign=c, user=people[0])
    assert (first.title, first.body) == (
        "Your weekend on Loopin",
        "Hi Person, see what's happening near you this weekend.",
    )
    assert [p.token for p in log_outbox()] == ["t-1"]
    assert campaign_start(campaign_id=c.id) is False  # cannot be sent twice


def test_a_repeated_batch_notifies_nobody_twice(template, app_settings):
    app_settings.CAMPAIGN_BATCH_SIZE = 10
    a, b = UserWithProfileFactory(), UserWithProfileFactory()
    c = campaign(template)
    Campaign.objects.filter(id=c.id).update(status=Campaign.Status.SENDING)
    Notification.objects.create(
        user=a, type=template.key, category="announcements", title="x", body="y", dedupe_key=f"campaign:{c.id}"
    )
    assert campaign_send_batch(campaign_id=c.id) == 1
    assert Notification.objects.filter(campaign=c).values_list("user_id", flat=True).get() == b.id


def test_people_who_switched_announcements_off_get_no_push_but_see_it_in_app(template):

    a = UserWithProfileFactory()
    Device.objects.create(user=a, provider="fcm", token="t-1", platform="ios")
    Preference.objects.create(user=a, category="announcements", push_enabled=False)
    c = campaign(template)
    campaign_start(campaign_id=c.id)
    assert Notification.objects.filter(campaign=c, user=a).count() == 1
    assert log_outbox() == []


def test_a_scheduled_campaign_starts_when_due(template):
    a = UserWithProfileFactory()
    c = campaign(template)
    campaign_schedule(campaign_id=c.id, at=timezone.now() + timedelta(hours=1), by=None)
    assert campaigns_start_due() == 0
    Campaign.objects.filter(id=c.id).update(scheduled_at=timezone.now() - timedelta(seconds=1))
    assert campaigns_start_due() == 1
    c.refresh_from_db()
    assert (c.status, c.sent_count) == ("sent", 1)
    assert Notification.objects.filter(campaign=c).get().user_id == a.id


def test_a_cancelled_campaign_sends_nothing(template):
    UserWithProfileFactory()
    c = campaign(template)
    campaign_schedule(campaign_id=c.id, at=timezone.now() + timedelta(hours=1), by=None)
    assert campaign_cancel(campaign_id=c.id, by=None) is True
    Campaign.objects.filter(id=c.id).update(scheduled_at=timezone.now() - timedelta(seconds=1))
    assert campaigns_start_due() == 0
    assert campaign_start(campaign_id=c.id) is False
    assert Notification.objects.count() == 0


def test_cancelling_mid_send_stops_the_remaining_batches(template, app_settings):
    app_settings.CAMPAIGN_BATCH_SIZE = 1
    UserWithProfileFactory(), UserWithProfileFactory()
    c = campaign(template)
    Campaign.objects.filter(id=c.id).update(status=Campaign.Status.SENDING)
    campaign_cancel(campaign_id=c.id, by=None)
    assert campaign_send_batch(campaign_id=c.id) == 0
    assert Notification.objects.count() == 0
    assert Campaign.objects.get(id=c.id).status == "cancelled"


def test_the_campaign_uses_the_chosen_template_version(template):
    UserWithProfileFactory()
    newer = NotificationTemplate.objects.create(
        key=template.key, version=2, category="announcements", title="Newer", body="Newer body"
    )
    c = campaign(template)
    campaign_start(campaign_id=c.id)
    assert Notification.objects.get(campaign=c).title == "Your weekend on Loopin"
    assert newer.notifications.count() == 0
