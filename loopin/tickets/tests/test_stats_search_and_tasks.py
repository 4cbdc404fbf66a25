"""Stats, manual search, the no-show and check-in-opening jobs, the dashboard panel, export, admin."""

from __future__ import annotations

import importlib
from datetime import timedelta

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from loopin.accounts.models import User
from loopin.core.hooks import erasure_steps, export_sections
from loopin.events.models import Event
from loopin.staff.dashboards import Period
from loopin.staff.groups import READ_ONLY, SUPPORT
from loopin.testing.factories import PublishedEventFactory
from loopin.testing.fixtures import run_task
from loopin.tickets.dashboards import checkin_rates
from loopin.tickets.door import checkin_open_due, no_shows_mark
from loopin.tickets.models import DoorStaff, EventDoorSettings, Scan, Ticket
from loopin.tickets.signals import checkin_opened
from loopin.tickets.tasks import mark_no_shows, open_checkins
from loopin.tickets.tests.conftest import guest_with_ticket


def test_stats_count_expected_checked_in_inside_and_quarter_hours(door):
    second = guest_with_ticket(door.event)
    guest_with_ticket(door.event)
    door.scan(code=door.ticket.code)
    door.scan(code=second.code)
    door.scan(code=second.code, direction="exit")
    door.scan(code="ZZZZZZZZ")
    data = door.api.get(f"/api/v2/events/{door.event.id}/check-in/stats", headers=door.host_headers).json()["data"]
    assert {
        k: data[k] for k in ("expected", "checked_in", "inside_now", "no_shows", "event_ended", "failed_scans")
    } == {
        "expected": 3,
        "checked_in": 2,
        "inside_now": 1,
        "no_shows": 0,
        "event_ended": False,
        "failed_scans": 1,
    }
    assert [(b["entries"], b["exits"]) for b in data["by_quarter_hour"]] in (
        [(2, 1)],
        [(1, 0), (1, 1)],
        [(2, 0), (0, 1)],
    )
    first = data["by_quarter_hour"][0]
    assert first["start"].endswith("+05:30") and first["start"][14:16] in ("00", "15", "30", "45")


def test_no_shows_are_marked_after_the_end_once(door):
    came = guest_with_ticket(door.event)
    door.scan(code=came.code)
    start = timezone.now() - timedelta(hours=4)
    Event.objects.filter(id=door.event.id).update(start_at=start, end_at=start + timedelta(hours=3))
    assert run_task(mark_no_shows) == 1
    assert no_shows_mark() == 0  # once per event
    assert list(Ticket.objects.filter(no_show_at__isnull=False).values_list("id", flat=True)) == [door.ticket.id]
    data = door.api.get(f"/api/v2/events/{door.event.id}/check-in/stats", headers=door.host_headers).json()["data"]
    assert (data["no_shows"], data["event_ended"]) == (1, True)


def test_checkin_opened_is_sent_once_when_the_window_opens(door):
    later = PublishedEventFactory(host=door.host, start_at=timezone.now() + timedelta(hours=5))
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs["event_id"])

    checkin_opened.connect(listener)
    try:
        assert run_task(open_checkins) == 1  # the door fixture's event: starts in 30 min, opens 60 min before
        assert checkin_open_due() == 0
        assert checkin_open_due(now=later.start_at - timedelta(minutes=59)) == 1
    finally:
        checkin_opened.disconnect(listener)
    assert received == [door.event.id, later.id]
    assert EventDoorSettings.objects.filter(opened_at__isnull=False).count() == 2


def test_search_by_name_and_by_last_phone_digits(door):
    by_name = door.api.get(f"/api/v2/events/{door.event.id}/check-in/search?q=asha", headers=door.host_headers).json()
    assert [(h["code"], h["attendee"]["name"], h["phone_number"]) for h in by_name["data"]] == [
        (door.ticket.code, "Asha Guest", "+91******5678")
    ]
    assert by_name["data"][0]["attendee"]["picture"] == f"https://example.com/{door.guest.id}.jpg"
    by_phone = door.api.get(
        f"/api/v2/events/{door.event.id}/check-in/search", params={"q": "45-678"}, headers=door.host_headers
    ).json()
    assert [h["ticket_id"] for h in by_phone["data"]] == [str(door.ticket.id)]
    none = door.api.get(f"/api/v2/events/{door.event.id}/check-in/search?q=9999", headers=door.host_headers).json()
    assert none["data"] == []


def test_the_dashboard_panel_shows_check_in_rates(door):
    guest_with_ticket(door.event)
    door.scan(code=door.ticket.code)
    Event.objects.filter(id=door.event.id).update(start_at=timezone.now() - timedelta(minutes=5))
    stats, table = checkin_rates(Period.last(7))
    assert dict(stats.items)["Check-in rate"] == "50.0 %"
    assert [row[2:] for row in table.rows] == [(2, 1, 0, "50.0 %")]


def test_export_lists_the_users_check_ins_and_door_duties(door):
    door.scan(code=door.ticket.code)
    other = PublishedEventFactory(host=door.host)
    DoorStaff.objects.create(event=other, user=door.guest)
    section = export_sections()["checkins"](door.guest)
    assert [(s["ticket_id"], s["direction"], s["result"]) for s in section["check_ins"]] == [
        (str(door.ticket.id), "entry", "ok")
    ]
    assert [d["event_id"] for d in section["door_staff_of"]] == [str(other.id)]


def test_deleting_an_account_ends_its_door_duties(door):
    DoorStaff.objects.create(event=door.event, user=door.guest)
    erasure_steps()["tickets.door_duties"](door.guest)
    assert DoorStaff.objects.count() == 0


def test_openapi_lists_the_door_endpoints(door):
    paths = door.api.get("/api/v2/openapi.json").json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v2/events/{event_id}/staff"])
    assert set(paths["/api/v2/me/tickets/{ticket_id}/qr"]) == {"get"}
    assert "/api/v2/me/tickets" in paths
    assert door.api.get("/api/v2/docs").status_code == 200


def test_support_and_read_only_may_view_tickets_and_scans(db):
    groups = importlib.import_module("loopin.tickets.migrations.0003_staff_groups")
    groups.forwards(apps, None)  # tests that flush the database drop migration data; apply it again
    support = {p.codename for p in Permission.objects.filter(group=Group.objects.get(name=SUPPORT))}
    assert {"view_ticket", "view_scan"} <= support
    assert "change_ticket" not in support
    read_only = {p.codename for p in Permission.objects.filter(group=Group.objects.get(name=READ_ONLY))}
    assert {"view_ticket", "view_scan", "view_checkinkey"} <= read_only


def test_admin_scan_and_key_pages_render_without_the_private_key(door):
    door.scan(qr=door.qr())
    staff = User.objects.create_superuser(phone_number="+919999999998", password="a-long-admin-password")
    client = Client()
    client.force_login(staff)
    scan = Scan.objects.get()
    assert client.get(f"/admin/tickets/scan/{scan.pk}/change/").status_code == 200
    key = door.event.checkin_keys.get()
    html = client.get(f"/admin/tickets/checkinkey/{key.pk}/change/").content.decode()
    assert key.kid in html and key.private_key_encrypted not in html
    assert client.get("/admin/tickets/ticket/?q=" + door.ticket.code).status_code == 200


def test_scan_log_lists_every_scan_newest_first_and_filters_by_answer(door):
    door.scan(code=door.ticket.code, device_id="gate-1")
    door.scan(code="ZZZZZZZZ", device_id="gate-2")
    url = f"/api/v2/events/{door.event.id}/check-in/scans"
    body = door.api.get(url, headers=door.host_headers).json()
    assert body["meta"]["total"] == 2
    assert [(s["result"], s["device_id"], s["ticket_code"]) for s in body["data"]] == [
        ("invalid", "gate-2", None),
        ("ok", "gate-1", door.ticket.code),
    ]
    assert body["data"][1]["scanned_by"] == {"id": str(door.host.id), "name": "Hema Host"}
    assert body["data"][1]["attendee_name"] == "Asha Guest"
    failed = door.api.get(url, params={"result": "invalid"}, headers=door.host_headers).json()
    assert [s["device_id"] for s in failed["data"]] == ["gate-2"]


def test_a_rescheduled_event_announces_its_check_in_again(door):
    assert checkin_open_due() == 1
    new_start = (timezone.now() + timedelta(days=2)).isoformat()
    r = door.api.patch(f"/api/v2/events/{door.event.id}", json={"start_at": new_start}, headers=door.host_headers)
    assert r.status_code == 200, r.text
    assert EventDoorSettings.objects.get(event=door.event).opened_at is None
    assert checkin_open_due() == 0
    assert checkin_open_due(now=timezone.now() + timedelta(days=2)) == 1


def test_a_postponed_event_announces_its_check_in_again(door):
    assert checkin_open_due() == 1
    later = timezone.now() + timedelta(days=3)
    r = door.api.post(
        f"/api/v2/events/{door.event.id}/postpone",
        json={
            "reason": "Rain",
            "new_start_at": later.isoformat(),
            "new_end_at": (later + timedelta(hours=2)).isoformat(),
        },
        headers=door.host_headers,
    )
    assert r.status_code == 200, r.text
    assert EventDoorSettings.objects.get(event=door.event).opened_at is None
