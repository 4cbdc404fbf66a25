"""Account deletion erases devices and notifications; export lists them; the waitlist welcome is sent once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.accounts.waitlist import waitlist_promote
from loopin.core.hooks import erasure_steps
from loopin.notifications.models import Delivery, Device, Notification, Preference
from loopin.notifications.push import log_outbox
from loopin.notifications.services import device_register, notify
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import last_code, signed_in_user, token_for


@pytest.fixture
def person(api):
    return UserWithProfileFactory(name="Meera Iyer")


def test_erasure_removes_devices_notifications_and_preferences_of_that_person_only(person):
    other = UserWithProfileFactory()
    for user, token in ((person, "t-mine"), (other, "t-theirs")):
        device_register(user=user, provider="fcm", token=token, platform="ios")
        notify(user_id=user.id, key="account.welcome", context={})
    Preference.objects.create(user=person, category="reminders", push_enabled=False)
    with transaction.atomic():
        erasure_steps()["notifications.personal"](person)
    assert (Device.objects.filter(user=person).count(), Notification.objects.filter(user=person).count()) == (0, 0)
    assert Preference.objects.filter(user=person).count() == 0
    assert Delivery.objects.filter(device__user=other).count() == 1
    assert Notification.objects.filter(user=other).count() == 1


def test_export_lists_notifications_devices_and_preferences(api, person):
    device_register(user=person, provider="onesignal", token="sub-123456", platform="android")
    notify(user_id=person.id, key="account.welcome", context={"first_name": "Meera"})
    api.put("/api/v2/notifications/preferences", json={"push": {"reminders": False}}, headers=token_for(person))
    r = api.get("/api/v2/me/export", headers=token_for(person))
    assert r.status_code == 200
    section = r.json()["data"]["notifications"]
    assert [n["title"] for n in section["notifications"]] == ["Welcome to Loopin, Meera!"]
    assert [(d["provider"], d["token"]) for d in section["devices"]] == [("onesignal", "sub-123456")]
    assert section["preferences"]["push"]["reminders"] is False
    assert section["preferences"]["in_app"] is True


def test_leaving_the_waitlist_sends_one_welcome(person):

    User.objects.filter(id=person.id).update(promote_at=timezone.now() - timedelta(minutes=1))
    device_register(user=person, provider="fcm", token="t-phone", platform="android")
    assert waitlist_promote(user_id=person.id, via="schedule") is True
    assert waitlist_promote(user_id=person.id, via="schedule") is False
    welcome = Notification.objects.get(user=person)
    assert (welcome.type, welcome.title) == ("account.welcome", "Welcome to Loopin, Meera!")
    assert [p.token for p in log_outbox()] == ["t-phone"]


def test_a_waitlisted_person_can_register_a_device_for_the_welcome(api, app_settings):

    app_settings.WAITLIST_ENABLED = True
    caller = signed_in_user(api, "+919812345678")
    assert api.get("/api/v2/notifications", headers=caller["headers"]).json()["error_code"] == "WAITLISTED"
    body = {"provider": "fcm", "token": "fcm-token-waiting", "platform": "android"}
    assert api.post("/api/v2/notifications/devices", json=body, headers=caller["headers"]).status_code == 200


def test_deleting_the_account_over_http_erases_devices_and_notifications(api, app_settings):

    app_settings.OTP_RESEND_COOLDOWN_SECONDS = 0  # the deletion code follows the sign-up code at once

    caller = signed_in_user(api, "+919812345679", name="Gaurav Kumar")
    headers = caller["headers"]
    body = {"provider": "fcm", "token": "fcm-token-gaurav", "platform": "android"}
    assert api.post("/api/v2/notifications/devices", json=body, headers=headers).status_code == 200
    notify(user_id=caller["user_id"], key="account.welcome", context={"first_name": "Gaurav"})
    assert api.post("/api/v2/me/delete-otp", headers=headers).status_code == 200
    r = api.request("DELETE", "/api/v2/me", headers=headers, json={"otp_code": last_code(caller["phone"])})
    assert r.status_code == 200, r.text
    assert Device.objects.filter(token="fcm-token-gaurav").count() == 0
    assert Notification.objects.filter(title__contains="Gaurav").count() == 0
