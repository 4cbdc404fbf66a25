"""The HTTP API: devices, the in-app centre (list, unread, read, read-all, delete) and preferences."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from loopin.notifications.models import Device, Notification
from loopin.notifications.services import notify
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for


@pytest.fixture
def person(api):
    return UserWithProfileFactory()


def _make(person, n):
    """n notifications, oldest first, one minute apart."""
    made = []
    for i in range(n):
        made.append(notify(user_id=person.id, key="reminder.2h", context={"event_title": f"Event {i}"}))
    now = timezone.now()
    for i, notification in enumerate(made):
        Notification.objects.filter(id=notification.id).update(created_at=now - timedelta(minutes=n - i))
    return made


def test_register_a_device_then_the_same_token_again_updates_it(api, person):
    body = {"provider": "fcm", "token": "fcm-token-0001", "platform": "android"}
    r = api.post("/api/v2/notifications/devices", json=body, headers=token_for(person))
    assert r.status_code == 200
    data = r.json()["data"]
    assert (data["provider"], data["platform"], data["is_active"]) == ("fcm", "android", True)
    r = api.post("/api/v2/notifications/devices", json={**body, "platform": "web"}, headers=token_for(person))
    assert r.json()["data"]["id"] == data["id"]
    assert list(Device.objects.values_list("platform", flat=True)) == ["web"]


def test_register_refuses_an_unknown_provider(api, person):
    body = {"provider": "apns", "token": "abcdefgh1234", "platform": "ios"}
    r = api.post("/api/v2/notifications/devices", json=body, headers=token_for(person))
    assert (r.status_code, r.json()["error_code"]) == (422, "VALIDATION_ERROR")


def test_devices_need_a_signed_in_caller(api):
    r = api.post("/api/v2/notifications/devices", json={"provider": "fcm", "token": "abcdefgh", "platform": "ios"})
    assert r.status_code == 401


def test_delete_a_device_stops_pushes_and_another_persons_device_is_not_found(api, person):
    device = Device.objects.create(user=person, provider="fcm", token="fcm-token-0001", platform="android")
    other = UserWithProfileFactory()
    r = api.delete(f"/api/v2/notifications/devices/{device.id}", headers=token_for(other))
    assert (r.status_code, r.json()["error_code"]) == (404, "DEVICE_NOT_FOUND")
    r = api.delete(f"/api/v2/notifications/devices/{device.id}", headers=token_for(person))
    assert r.status_code == 200
    device.refresh_from_db()
    assert (device.is_active, device.deactivation_reason) == (False, "removed_by_user")


def test_list_is_newest_first_and_paginated(api, person):
    _make(person, 5)
    _make(UserWithProfileFactory(), 2)  # someone else's
    r = api.get("/api/v2/notifications?offset=1&limit=2", headers=token_for(person))
    assert r.status_code == 200
    body = r.json()
    assert body["meta"] == {"total": 5, "offset": 1, "limit": 2}
    assert [n["title"] for n in body["data"]] == ["Starting soon: Event 3", "Starting soon: Event 2"]
    first = body["data"][0]
    assert (first["type"], first["category"], first["screen"], first["is_read"]) == (
        "reminder.2h",
        "reminders",
        "event_detail",
        False,
    )


def test_unread_filter_count_read_and_read_all(api, person):
    a, b, c = _make(person, 3)
    headers = token_for(person)
    r = api.post(f"/api/v2/notifications/{b.id}/read", headers=headers)
    assert (r.status_code, r.json()["data"]["is_read"]) == (200, True)
    assert api.get("/api/v2/notifications/unread-count", headers=headers).json()["data"] == {"unread": 2}
    unread = api.get("/api/v2/notifications?unread=true", headers=headers).json()
    assert [n["id"] for n in unread["data"]] == [str(c.id), str(a.id)]
    read = api.get("/api/v2/notifications?unread=false", headers=headers).json()
    assert [n["id"] for n in read["data"]] == [str(b.id)]
    r = api.post("/api/v2/notifications/read-all", headers=headers)
    assert r.json()["data"] == {"updated": 2}
    assert api.get("/api/v2/notifications/unread-count", headers=headers).json()["data"] == {"unread": 0}


def test_delete_hides_a_notification_and_others_cannot_touch_it(api, person):
    (n,) = _make(person, 1)
    other = UserWithProfileFactory()
    assert api.delete(f"/api/v2/notifications/{n.id}", headers=token_for(other)).status_code == 404
    assert api.post(f"/api/v2/notifications/{n.id}/read", headers=token_for(other)).status_code == 404
    assert api.delete(f"/api/v2/notifications/{n.id}", headers=token_for(person)).status_code == 200
    listed = api.get("/api/v2/notifications", headers=token_for(person)).json()
    assert (listed["meta"]["total"], listed["data"]) == (0, [])
    assert api.get("/api/v2/notifications/unread-count", headers=token_for(person)).json()["data"] == {"unread": 0}
    assert api.post(f"/api/v2/notifications/{n.id}/read", headers=token_for(person)).status_code == 404


def test_preferences_default_on_and_put_changes_only_what_is_given(api, person):
    headers = token_for(person)
    r = api.get("/api/v2/notifications/preferences", headers=headers)
    data = r.json()["data"]
    assert data["in_app"] is True
    assert set(data["push"].values()) == {True}
    assert set(data["push"]) == set(data["categories"])
    r = api.put("/api/v2/notifications/preferences", json={"push": {"announcements": False}}, headers=headers)
    assert r.json()["data"]["push"]["announcements"] is False
    r = api.put("/api/v2/notifications/preferences", json={"push": {"reminders": False}}, headers=headers)
    push = r.json()["data"]["push"]
    assert (push["announcements"], push["reminders"], push["requests"]) == (False, False, True)


def test_preferences_refuse_an_unknown_category(api, person):
    r = api.put("/api/v2/notifications/preferences", json={"push": {"spam": True}}, headers=token_for(person))
    assert r.status_code == 422
    assert r.json()["details"]["fields"][0]["field"] == "push.spam"
