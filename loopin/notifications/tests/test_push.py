"""Pushing: one delivery per (notification, device), retries that never duplicate, invalid tokens, providers.

OneSignal and FCM are the real backends over a fake HTTP transport (nothing leaves the machine).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from kombu.exceptions import OperationalError

from loopin.notifications import tasks
from loopin.notifications.models import Delivery, Device, Notification
from loopin.notifications.push import log_outbox
from loopin.notifications.services import device_register, notify, push_deliver, push_sweep
from loopin.notifications.tasks import sweep_pushes
from loopin.notifications.tests.conftest import FakeHttp, onesignal_over
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import run_task, token_for

OK = (200, {"id": "os-msg-1", "external_id": None})
UNAVAILABLE = (503, {"errors": ["Service unavailable"]})


@pytest.fixture
def person(transactional_db):
    return UserWithProfileFactory(name="Meera Iyer")


def _notify(person, **kw):
    return notify(user_id=person.id, key="account.welcome", context={"first_name": "Meera"}, **kw)


def test_one_delivery_per_active_device_and_none_to_inactive_ones(person):
    device_register(user=person, provider="fcm", token="token-phone-1", platform="android")
    device_register(user=person, provider="onesignal", token="token-tablet-2", platform="ios")
    old = device_register(user=person, provider="fcm", token="token-old-3", platform="android")
    Device.objects.filter(id=old.id).update(is_active=False)
    n = _notify(person)
    assert sorted(p.token for p in log_outbox()) == ["token-phone-1", "token-tablet-2"]
    assert sorted(Delivery.objects.filter(notification=n).values_list("status", flat=True)) == ["sent", "sent"]
    assert log_outbox()[0].message.title == "Welcome to Loopin, Meera!"
    assert log_outbox()[0].message.data["notification_id"] == str(n.id)


def test_delivering_again_pushes_nothing_twice(person):
    device_register(user=person, provider="fcm", token="token-phone-1", platform="android")
    n = _notify(person)
    assert push_deliver(notification_id=n.id) == 0
    assert push_deliver(notification_id=n.id) == 0
    assert len(log_outbox()) == 1
    assert Delivery.objects.get().attempts == 1


def test_push_off_for_a_category_keeps_the_in_app_notification(api, person):

    device_register(user=person, provider="fcm", token="token-phone-1", platform="android")
    r = api.put("/api/v2/notifications/preferences", json={"push": {"account": False}}, headers=token_for(person))
    assert r.status_code == 200
    n = _notify(person)
    assert Notification.objects.filter(id=n.id, push_requested=False).exists()
    assert log_outbox() == []
    assert Delivery.objects.count() == 0
    # Other categories still push.
    notify(user_id=person.id, key="reminder.2h", context={"event_title": "Jazz"})
    assert [p.message.title for p in log_outbox()] == ["Starting soon: Jazz"]


def test_onesignal_request_carries_the_delivery_idempotency_key(person):
    fake = FakeHttp(OK)
    onesignal_over(fake)
    device_register(user=person, provider="onesignal", token="sub-123", platform="ios")
    n = _notify(person)
    delivery = Delivery.objects.get(notification=n)
    (body,) = fake.bodies()
    assert body["app_id"] == "app-123"
    assert body["include_subscription_ids"] == ["sub-123"]
    assert body["idempotency_key"] == str(delivery.idempotency_key)
    assert body["headings"] == {"en": "Welcome to Loopin, Meera!"}
    assert fake.requests[0].headers["Authorization"] == "Key key-456"
    assert (delivery.status, delivery.provider_message_id, delivery.attempts) == ("sent", "os-msg-1", 1)


def test_a_transient_failure_retries_with_backoff_and_delivers_once(person):
    fake = FakeHttp(UNAVAILABLE, requests.ConnectionError("reset"), OK)
    onesignal_over(fake)
    device_register(user=person, provider="onesignal", token="sub-123", platform="ios")
    device_register(user=person, provider="fcm", token="fcm-456", platform="android")  # log backend
    n = _notify(person)  # embedded mode: the task's retries run in place
    os_delivery = Delivery.objects.get(notification=n, device__provider="onesignal")
    assert (os_delivery.status, os_delivery.attempts) == ("sent", 3)
    assert len(fake.requests) == 3
    assert {b["idempotency_key"] for b in fake.bodies()} == {str(os_delivery.idempotency_key)}
    # The device that worked first time was not pushed again by the retries.
    assert [p.token for p in log_outbox()] == ["fcm-456"]
    assert Delivery.objects.get(notification=n, device__provider="fcm").attempts == 1


def test_retries_stop_at_the_cap_and_the_failure_is_recorded(person, app_settings):
    app_settings.PUSH_MAX_RETRIES = 2
    fake = FakeHttp(UNAVAILABLE)
    onesignal_over(fake)
    device_register(user=person, provider="onesignal", token="sub-123", platform="ios")
    n = _notify(person)
    delivery = Delivery.objects.get(notification=n)
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert delivery.last_error == "onesignal unavailable: HTTP 503"
    assert len(fake.requests) == 3
    assert Device.objects.get().is_active is True


def test_a_permanent_rejection_is_not_retried(person):
    fake = FakeHttp((400, {"errors": ["app_id not found"]}))
    onesignal_over(fake)
    device_register(user=person, provider="onesignal", token="sub-123", platform="ios")
    _notify(person)
    assert len(fake.requests) == 1
    assert Delivery.objects.get().status == "failed"


def test_onesignal_invalid_subscription_deactivates_the_device(person):
    fake = FakeHttp((200, {"id": "", "errors": {"invalid_player_ids": ["sub-dead"]}}))
    onesignal_over(fake)
    device = device_register(user=person, provider="onesignal", token="sub-dead", platform="ios")
    _notify(person)
    device.refresh_from_db()
    assert (device.is_active, device.deactivation_reason) == (False, "invalid_token")
    assert Delivery.objects.get().status == "invalid_token"
    _notify(person, dedupe_key="second")
    assert len(fake.requests) == 1  # a dead device is not tried again


def test_onesignal_unsubscribed_answer_deactivates_the_device(person):
    fake = FakeHttp((200, {"id": "", "errors": ["All included players are not subscribed"]}))
    onesignal_over(fake)
    device = device_register(user=person, provider="onesignal", token="sub-gone", platform="web")
    _notify(person)
    device.refresh_from_db()
    assert device.is_active is False


FCM_OK = (200, {"name": "projects/loopin-test/messages/0:1700000000000001"})
FCM_UNREGISTERED = (
    404,
    {
        "error": {
            "code": 404,
            "message": "Requested entity was not found.",
            "status": "NOT_FOUND",
            "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNREGISTERED"}],
        }
    },
)


def test_fcm_push_goes_through_firebase_admin(person, fcm_over):
    fake = FakeHttp(FCM_OK)
    fcm_over(fake)
    device_register(user=person, provider="fcm", token="fcm-token-abc", platform="android")
    n = _notify(person)
    (request,) = fake.requests
    assert request.url == "https://fcm.googleapis.com/v1/projects/loopin-test/messages:send"
    assert request.headers["Authorization"] == "Bearer test-access-token"
    message = fake.bodies()[0]["message"]
    assert message["fid"] == "fcm-token-abc"
    assert message["notification"] == {"title": "Welcome to Loopin, Meera!", "body": n.body}
    assert message["data"]["notification_id"] == str(n.id)
    assert Delivery.objects.get().provider_message_id == "projects/loopin-test/messages/0:1700000000000001"


def test_fcm_unregistered_token_deactivates_the_device(person, fcm_over):
    fake = FakeHttp(FCM_UNREGISTERED)
    fcm_over(fake)
    device = device_register(user=person, provider="fcm", token="fcm-token-dead", platform="android")
    _notify(person)
    device.refresh_from_db()
    assert (device.is_active, Delivery.objects.get().status) == (False, "invalid_token")
    assert len(fake.requests) == 1


def test_fcm_unavailable_is_retried_then_delivered(person, fcm_over):
    unavailable = (503, {"error": {"code": 503, "message": "The service is unavailable.", "status": "UNAVAILABLE"}})
    fake = FakeHttp(unavailable, FCM_OK)
    fcm_over(fake)
    device_register(user=person, provider="fcm", token="fcm-token-abc", platform="android")
    _notify(person)
    assert (Delivery.objects.get().status, Delivery.objects.get().attempts) == ("sent", 2)
    assert len(fake.requests) == 2


def test_a_claimed_delivery_is_not_sent_by_a_second_worker(person):
    device_register(user=person, provider="fcm", token="token-phone-1", platform="android")
    n = notify(user_id=person.id, key="account.welcome", context={})
    log_outbox().clear()
    Delivery.objects.filter(notification=n).update(status="sending")  # another worker is sending it right now
    assert push_deliver(notification_id=n.id) == 0
    assert log_outbox() == []


def test_reregistering_a_token_moves_it_to_the_new_person_and_reactivates_it(person):
    other = UserWithProfileFactory()
    device = device_register(user=person, provider="fcm", token="shared-token", platform="android")
    Device.objects.filter(id=device.id).update(is_active=False, deactivation_reason="invalid_token")
    again = device_register(user=other, provider="fcm", token="shared-token", platform="android")
    assert again.id == device.id
    assert (again.user_id, again.is_active, again.deactivation_reason) == (other.id, True, "")
    assert Device.objects.count() == 1


def test_the_sweeper_finishes_a_delivery_whose_worker_died_mid_send(person):

    device_register(user=person, provider="fcm", token="token-phone-1", platform="android")
    n = Notification.objects.create(user=person, type="account.welcome", category="account", title="Hi", body="x")
    Delivery.objects.create(
        notification=n,
        device=Device.objects.get(),
        status="sending",
        attempts=1,
        claimed_at=timezone.now() - timedelta(minutes=6),
    )
    fresh = Notification.objects.create(user=person, type="account.welcome", category="account", title="Hi", body="y")
    Delivery.objects.create(
        notification=fresh, device=Device.objects.get(), status="sending", claimed_at=timezone.now()
    )
    assert run_task(sweep_pushes) == 1
    assert [p.message.body for p in log_outbox()] == ["x"]
    assert Delivery.objects.get(notification=n).status == "sent"
    assert Delivery.objects.get(notification=fresh).status == "sending"  # its worker may still be sending


def test_a_stray_job_past_the_cap_tries_once_at_most_and_records_the_failure(person, app_settings):
    app_settings.PUSH_MAX_RETRIES = 1
    fake = FakeHttp(UNAVAILABLE)
    onesignal_over(fake)
    device_register(user=person, provider="onesignal", token="sub-123", platform="ios")
    n = _notify(person)
    assert Delivery.objects.get().status == "failed"
    Delivery.objects.filter(notification=n).update(status="retrying")  # as if a stray job found it again
    push_deliver(notification_id=n.id)
    assert (Delivery.objects.get().status, len(fake.requests)) == ("failed", 3)


def test_a_push_that_could_not_be_queued_is_sent_by_the_sweeper(person, monkeypatch):

    device_register(user=person, provider="fcm", token="token-phone-1", platform="android")

    def broker_down(*args, **kwargs):
        raise OperationalError("broker unreachable")

    with monkeypatch.context() as m:
        m.setattr(tasks.push_notification, "delay", broker_down)
        n = _notify(person)  # the caller is not failed by the outage
    assert (Notification.objects.get(id=n.id).push_started_at, log_outbox()) == (None, [])
    assert push_sweep() == 0  # too recent: its job may still be on its way
    Notification.objects.filter(id=n.id).update(created_at=timezone.now() - timedelta(minutes=11))
    assert push_sweep() == 1
    assert [p.token for p in log_outbox()] == ["token-phone-1"]
    assert push_sweep() == 0
