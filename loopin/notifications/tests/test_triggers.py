"""Every events and tickets trigger makes exactly the expected notifications for exactly the right people."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from loopin.events.models import Event, JoinMode
from loopin.notifications import tasks
from loopin.notifications.models import Notification, TriggerJob
from loopin.notifications.push import log_outbox
from loopin.notifications.services import device_register
from loopin.notifications.templates import display_time
from loopin.notifications.tests.conftest import types_by_user
from loopin.notifications.triggers import (
    order_notice,
    payout_notice,
    refund_notice,
    trigger_job_run,
    trigger_jobs_sweep,
    trigger_run,
)
from loopin.participation.attendance import attendance_cancel, attendance_confirm
from loopin.payments import signals as payment_signals
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory
from loopin.testing.fixtures import token_for
from loopin.tickets import signals as ticket_signals
from loopin.tickets.door import checkin_open_due


@pytest.fixture
def host(api):
    return UserWithProfileFactory(name="Asha Rao")


@pytest.fixture
def approval_event(host):
    return PublishedEventFactory(host=host, title="Jazz Night", join_mode=JoinMode.APPROVAL)


@pytest.fixture
def open_event(host):
    return PublishedEventFactory(host=host, title="Park Run", join_mode=JoinMode.OPEN)


def going(event, *users):
    """People with a ticket; the set-up's own notifications are cleared so each test sees only its trigger."""
    for user in users:
        attendance_confirm(user=user, event_id=event.id)
    Notification.objects.all().delete()


def test_join_request_notifies_the_host_only(api, host, approval_event):
    guest = UserWithProfileFactory(name="Meera Iyer")
    r = api.post(f"/api/v2/events/{approval_event.id}/requests", json={}, headers=token_for(guest))
    assert r.status_code == 201
    assert types_by_user() == {host.id: ["join_request.received"]}
    n = Notification.objects.get(user=host)
    assert (n.title, n.body) == ("New request for Jazz Night", "Meera Iyer asked to join Jazz Night.")
    assert (n.object_type, n.object_id, n.screen) == ("join_request", r.json()["data"]["id"], "event_requests")


def test_accepting_a_request_tells_the_guest_and_confirms_the_ticket(api, host, approval_event):
    guest = UserWithProfileFactory()
    req_id = api.post(f"/api/v2/events/{approval_event.id}/requests", json={}, headers=token_for(guest)).json()["data"][
        "id"
    ]
    Notification.objects.all().delete()
    r = api.put(
        f"/api/v2/events/{approval_event.id}/requests/{req_id}/accept",
        json={"host_message": "See you!"},
        headers=token_for(host),
    )
    assert r.status_code == 200
    assert types_by_user() == {guest.id: ["join_request.accepted"]}
    accepted = Notification.objects.get(user=guest, type="join_request.accepted")
    assert accepted.body == "Asha Rao accepted your request for Jazz Night. See you!"
    r = api.post(f"/api/v2/events/{approval_event.id}/confirm-attendance", json={}, headers=token_for(guest))
    assert r.status_code == 201
    assert types_by_user() == {guest.id: ["join_request.accepted", "ticket.confirmed"]}


def test_declining_a_request_tells_the_guest_only(api, host, approval_event):
    guest = UserWithProfileFactory()
    req_id = api.post(f"/api/v2/events/{approval_event.id}/requests", json={}, headers=token_for(guest)).json()["data"][
        "id"
    ]
    Notification.objects.all().delete()
    api.put(f"/api/v2/events/{approval_event.id}/requests/{req_id}/decline", json={}, headers=token_for(host))
    assert types_by_user() == {guest.id: ["join_request.declined"]}
    assert Notification.objects.get().title == "Request not accepted"


def test_an_invitation_notifies_each_invitee(api, host, approval_event):
    a, b, bystander = UserWithProfileFactory(), UserWithProfileFactory(), UserWithProfileFactory()
    r = api.post(
        f"/api/v2/events/{approval_event.id}/invitations",
        json={"user_ids": [str(a.id), str(b.id)]},
        headers=token_for(host),
    )
    assert r.status_code == 201
    assert types_by_user() == {a.id: ["invitation.received"], b.id: ["invitation.received"]}
    assert not Notification.objects.filter(user=bystander).exists()
    assert Notification.objects.filter(title="You're invited: Jazz Night").count() == 2


def test_taking_a_seat_confirms_the_ticket_with_its_code(api, open_event):
    guest = UserWithProfileFactory()
    r = api.post(f"/api/v2/events/{open_event.id}/confirm-attendance", json={"seats": 1}, headers=token_for(guest))
    assert r.status_code == 201
    assert types_by_user() == {guest.id: ["ticket.confirmed"]}
    code = r.json()["data"]["code"]
    assert Notification.objects.get().body.endswith(f"Your code: {code}.")


def test_a_moved_event_tells_every_attendee_but_not_the_host_nor_who_left(api, host, open_event):
    a, b, left = UserWithProfileFactory(), UserWithProfileFactory(), UserWithProfileFactory()
    going(open_event, a, b, left)
    attendance_cancel(user=left, event_id=open_event.id)
    new_start = (open_event.start_at + timedelta(days=1)).isoformat()
    r = api.patch(f"/api/v2/events/{open_event.id}", json={"start_at": new_start}, headers=token_for(host))
    assert r.status_code == 200
    assert types_by_user() == {a.id: ["event.updated"], b.id: ["event.updated"]}
    open_event.refresh_from_db()
    expected = f"Please check the new time ({display_time(open_event.start_at)})."
    assert Notification.objects.filter(user=a).get().body == expected


def test_a_move_to_a_venue_names_the_venue_once(api, host, open_event):

    going(open_event, a := UserWithProfileFactory())
    venue = VenueFactory(city="Bengaluru")
    r = api.patch(f"/api/v2/events/{open_event.id}", json={"venue_id": str(venue.id)}, headers=token_for(host))
    assert r.status_code == 200
    assert Notification.objects.filter(user=a).get().body == "Please check the new venue."


def test_an_edit_that_does_not_move_the_event_notifies_nobody(api, host, open_event):
    going(open_event, UserWithProfileFactory())
    r = api.patch(f"/api/v2/events/{open_event.id}", json={"title": "Park Run 2"}, headers=token_for(host))
    assert r.status_code == 200
    assert Notification.objects.count() == 0


def test_postponing_tells_every_attendee(api, host, open_event):
    a, b = UserWithProfileFactory(), UserWithProfileFactory()
    going(open_event, a, b)
    r = api.post(f"/api/v2/events/{open_event.id}/postpone", json={"reason": "Rain expected"}, headers=token_for(host))
    assert r.status_code == 200
    assert types_by_user() == {a.id: ["event.postponed"], b.id: ["event.postponed"]}
    assert Notification.objects.filter(user=a).get().body == "Asha Rao postponed Park Run. Rain expected"


def test_republishing_a_postponed_event_tells_every_attendee_the_new_time(api, host, open_event):
    a = UserWithProfileFactory()
    going(open_event, a)
    api.post(f"/api/v2/events/{open_event.id}/postpone", json={}, headers=token_for(host))
    Notification.objects.all().delete()
    new_start = (open_event.start_at + timedelta(days=7)).isoformat()
    r = api.post(f"/api/v2/events/{open_event.id}/publish", json={"new_start_at": new_start}, headers=token_for(host))
    assert r.status_code == 200
    assert types_by_user() == {a.id: ["event.republished"]}
    open_event.refresh_from_db()
    assert (
        Notification.objects.get().body
        == f"Asha Rao set Park Run for {display_time(open_event.start_at)}. See you there!"
    )


def test_cancelling_tells_those_whose_tickets_it_voided_and_not_who_had_left(api, host, open_event):
    a, b, left = UserWithProfileFactory(), UserWithProfileFactory(), UserWithProfileFactory()
    going(open_event, a, b, left)
    attendance_cancel(user=left, event_id=open_event.id)
    Notification.objects.all().delete()
    r = api.post(f"/api/v2/events/{open_event.id}/cancel", json={"reason": "Venue closed"}, headers=token_for(host))
    assert r.status_code == 200
    assert types_by_user() == {a.id: ["event.cancelled"], b.id: ["event.cancelled"]}


def test_checkin_opening_tells_ticket_holders_once(api, host, open_event):

    a, b = UserWithProfileFactory(), UserWithProfileFactory()
    going(open_event, a, b)
    other_event = PublishedEventFactory(host=host)
    going(other_event, UserWithProfileFactory())  # starts in three days: not open yet
    Event.objects.filter(id=open_event.id).update(
        start_at=timezone.now() + timedelta(minutes=30), end_at=timezone.now() + timedelta(hours=2)
    )
    assert checkin_open_due() == 1
    assert checkin_open_due() == 0
    assert types_by_user() == {a.id: ["checkin.opened"], b.id: ["checkin.opened"]}
    assert Notification.objects.filter(user=a).get().title == "Check-in is open: Park Run"


def test_each_notification_is_pushed_to_its_persons_active_devices(api, open_event):
    guest, other = UserWithProfileFactory(), UserWithProfileFactory()
    device_register(user=guest, provider="onesignal", token="sub-guest-phone", platform="ios")
    device_register(user=guest, provider="fcm", token="fcm-guest-tablet", platform="android")
    device_register(user=other, provider="fcm", token="fcm-other-phone", platform="android")
    api.post(f"/api/v2/events/{open_event.id}/confirm-attendance", json={"seats": 1}, headers=token_for(guest))
    assert sorted((p.token, p.message.title) for p in log_outbox()) == [
        ("fcm-guest-tablet", "Ticket confirmed: Park Run"),
        ("sub-guest-phone", "Ticket confirmed: Park Run"),
    ]


def test_a_trigger_job_run_twice_notifies_nobody_twice(api, open_event):

    a = UserWithProfileFactory()
    going(open_event, a)
    job = TriggerJob.objects.create(name="checkin.opened", payload={"event_id": str(open_event.id)})
    assert trigger_job_run(job_id=job.id) == 1
    assert trigger_job_run(job_id=job.id) == 0  # done: not run again
    assert trigger_run("checkin.opened", trigger_id=job.id.hex, event_id=str(open_event.id)) == 0  # a stray re-run
    assert types_by_user() == {a.id: ["checkin.opened"]}


def test_deleted_people_are_not_notified(api, open_event):
    a, gone = UserWithProfileFactory(), UserWithProfileFactory()
    going(open_event, a, gone)
    type(gone).objects.filter(id=gone.id).update(deleted_at=timezone.now(), is_active=False)
    ticket_signals.checkin_opened.send(sender=None, event_id=open_event.id)
    assert types_by_user() == {a.id: ["checkin.opened"]}


# --- payments (the flows themselves: test_payment_triggers.py) ---


def test_payment_signals_for_objects_that_no_longer_exist_make_nothing(api):

    payment_signals.payment_succeeded.send(sender=None, order_id="00000000-0000-0000-0000-000000000001")
    payment_signals.payment_failed.send(sender=None, order_id="00000000-0000-0000-0000-000000000001")
    payment_signals.refund_processed.send(sender=None, refund_id="00000000-0000-0000-0000-000000000002")
    payment_signals.payout_status_changed.send(
        sender=None, payout_id="00000000-0000-0000-0000-000000000003", old="requested", new="approved"
    )
    assert Notification.objects.count() == 0


def test_order_notice_names_the_buyer_the_event_and_the_amount(db):

    event = SimpleNamespace(
        title="Jazz Night",
        start_at=timezone.now(),
        location_text="Blue Frog",
        venue_id=None,
        city="Mumbai",
        host=SimpleNamespace(name="Asha Rao"),
    )
    order = SimpleNamespace(user_id="buyer", event=event, total=Decimal("499"), currency="INR")
    user_id, context = order_notice(order)
    assert (user_id, context["event_title"], context["amount"]) == ("buyer", "Jazz Night", "INR 499.00")
    refund = SimpleNamespace(order=order, amount=Decimal("250.5"))
    assert refund_notice(refund)[1]["amount"] == "INR 250.50"
    payout = SimpleNamespace(host_id="host", amount=Decimal("1200"), currency="INR")
    assert payout_notice(payout, "paid_out") == ("host", {"amount": "INR 1200.00", "status": "paid out"})


def test_a_trigger_the_broker_could_not_take_is_run_by_the_sweeper_once(api, host, open_event, monkeypatch):

    a = UserWithProfileFactory()
    going(open_event, a)
    TriggerJob.objects.all().delete()

    def broker_down(*args, **kwargs):

        raise OperationalError("broker unreachable")

    with monkeypatch.context() as m:
        m.setattr(tasks.run_trigger, "delay", broker_down)
        r = api.post(f"/api/v2/events/{open_event.id}/postpone", json={}, headers=token_for(host))
    assert r.status_code == 200  # the host's request does not fail
    job = TriggerJob.objects.get()
    assert (job.name, job.done_at, Notification.objects.count()) == ("event.status_changed", None, 0)
    assert trigger_jobs_sweep() == 0  # too recent: it may still be on its way
    TriggerJob.objects.filter(id=job.id).update(created_at=timezone.now() - timedelta(minutes=11))
    assert trigger_jobs_sweep() == 1
    assert types_by_user() == {a.id: ["event.postponed"]}
    job.refresh_from_db()
    assert (job.attempts, job.made, job.done_at is not None) == (1, 1, True)
    assert trigger_jobs_sweep() == 0


def test_a_failing_trigger_keeps_its_error_and_is_not_marked_done(api):

    job = TriggerJob.objects.create(name="checkin.opened", payload={"event_id": "00000000-0000-0000-0000-00000000000a"})
    with pytest.raises(Event.DoesNotExist):
        trigger_job_run(job_id=job.id)
    job.refresh_from_db()
    assert (job.attempts, job.done_at, job.last_error) == (
        1,
        None,
        "DoesNotExist: Event matching query does not exist.",
    )


def test_the_sweeper_drops_jobs_done_over_a_month_ago(api):

    old = TriggerJob.objects.create(name="checkin.opened", done_at=timezone.now() - timedelta(days=31))
    recent = TriggerJob.objects.create(name="checkin.opened", done_at=timezone.now() - timedelta(days=29))
    trigger_jobs_sweep()
    assert list(TriggerJob.objects.values_list("id", flat=True)) == [recent.id]
    assert not TriggerJob.objects.filter(id=old.id).exists()
