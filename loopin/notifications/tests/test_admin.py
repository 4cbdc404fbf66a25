"""The notifications admin: template versions, resend, campaign preview / send now / schedule / cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.notifications.dashboards import pushes
from loopin.notifications.models import Campaign, Device, Notification, NotificationTemplate
from loopin.notifications.push import log_outbox
from loopin.notifications.services import notify
from loopin.notifications.templates import template_current
from loopin.staff.dashboards import Period
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import admin_action, superuser_client


@pytest.fixture
def staff(transactional_db):
    return superuser_client()


def _act(client, model, action, ids):
    return admin_action(client, f"/admin/notifications/{model}/", action, ids)


def _template_form(template, **changes):
    data = {
        "key": template.key,
        "category": template.category,
        "title": template.title,
        "body": template.body,
        "screen": template.screen,
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_saving_a_template_in_use_in_the_admin_makes_a_new_version(staff):
    client, _ = staff
    template = template_current("reminder.2h")
    notify(user_id=UserWithProfileFactory().id, key="reminder.2h", context={})
    r = client.post(
        f"/admin/notifications/notificationtemplate/{template.pk}/change/",
        _template_form(template, title="Soon: {{event_title}}"),
        follow=True,
    )
    assert r.status_code == 200
    versions = list(NotificationTemplate.objects.filter(key="reminder.2h").values_list("version", "title"))
    assert versions == [(2, "Soon: {{event_title}}"), (1, "Starting soon: {{event_title}}")]


def test_saving_an_unused_template_edits_it(staff):
    client, _ = staff
    template = template_current("reminder.2h")
    client.post(
        f"/admin/notifications/notificationtemplate/{template.pk}/change/",
        _template_form(template, title="Soon: {{event_title}}"),
    )
    assert list(NotificationTemplate.objects.filter(key="reminder.2h").values_list("version", "title")) == [
        (1, "Soon: {{event_title}}")
    ]


def test_resend_makes_a_new_notification_pushed_again_and_audited(staff):
    client, user = staff
    person = UserWithProfileFactory()
    Device.objects.create(user=person, provider="fcm", token="t-phone", platform="android")
    original = notify(user_id=person.id, key="account.welcome", context={"first_name": "Meera"})
    assert _act(client, "notification", "resend", [original.id]).status_code == 200
    copy = Notification.objects.exclude(id=original.id).get()
    assert (copy.title, copy.data["resent_from"]) == (original.title, str(original.id))
    assert [p.token for p in log_outbox()] == ["t-phone", "t-phone"]
    assert AuditEntry.objects.filter(action="notification.resent", actor=user).count() == 1


def test_campaign_preview_send_now_and_totals(staff):
    client, _ = staff
    UserWithProfileFactory(), UserWithProfileFactory()
    campaign = Campaign.objects.create(name="Weekend", template=template_current("campaign.weekend"))
    r = _act(client, "campaign", "preview", [campaign.id])
    assert "Weekend: 3 people match." in r.content.decode()  # two people and the staff member
    _act(client, "campaign", "send_now", [campaign.id])
    campaign.refresh_from_db()
    assert (campaign.status, campaign.sent_count, campaign.failed_count) == ("sent", 3, 0)
    page = client.get(f"/admin/notifications/campaign/{campaign.id}/change/")
    assert page.status_code == 200


def test_campaign_schedule_needs_a_future_time_then_cancel(staff):
    client, _ = staff
    campaign = Campaign.objects.create(name="Weekend", template=template_current("campaign.weekend"))
    r = _act(client, "campaign", "schedule", [campaign.id])
    assert "set a future time first" in r.content.decode()
    Campaign.objects.filter(id=campaign.id).update(scheduled_at=timezone.now() + timedelta(days=1))
    _act(client, "campaign", "schedule", [campaign.id])
    assert Campaign.objects.get(id=campaign.id).status == "scheduled"
    _act(client, "campaign", "cancel", [campaign.id])
    assert Campaign.objects.get(id=campaign.id).status == "cancelled"
    assert Notification.objects.count() == 0


def test_admin_lists_open(staff):
    client, _ = staff
    notify(user_id=UserWithProfileFactory().id, key="account.welcome", context={})
    for model in ("notification", "device", "delivery", "campaign", "notificationtemplate", "triggerjob"):
        assert client.get(f"/admin/notifications/{model}/").status_code == 200
    assert client.get("/admin/notifications/campaign/add/").status_code == 200


def test_the_dashboard_panel_counts_pushes_by_outcome(staff):

    client, _ = staff
    person = UserWithProfileFactory()
    Device.objects.create(user=person, provider="fcm", token="t-phone", platform="android")
    notify(user_id=person.id, key="account.welcome", context={})
    stats = dict(pushes(Period.last(7))[0].items)
    assert (stats["Notifications"], stats["Pushes sent"], stats["Failed"], stats["Active devices now"]) == (1, 1, 0, 1)
    page = client.get("/admin/dashboard/")
    assert page.status_code == 200
    assert "Notifications and pushes" in page.content.decode()


def test_adding_a_template_for_an_existing_key_in_the_admin_makes_the_next_version(staff):
    client, user = staff
    template = template_current("reminder.2h")
    r = client.post(
        "/admin/notifications/notificationtemplate/add/", _template_form(template, title="Hurry: {{event_title}}")
    )
    assert r.status_code == 302
    new = NotificationTemplate.objects.get(key="reminder.2h", version=2)
    assert (new.title, new.created_by_id) == ("Hurry: {{event_title}}", user.id)
    assert template_current("reminder.2h").id == new.id
