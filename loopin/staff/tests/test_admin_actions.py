"""Every admin action, driven through the admin's own changelist views, and who may run which."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from loopin.accounts.models import AuthSession, PhoneLead, User
from loopin.accounts.services import otp_request
from loopin.audit.models import AuditEntry
from loopin.events.models import EventStatus
from loopin.staff.groups import events_groups_sync, groups_sync
from loopin.testing.factories import PublishedEventFactory
from loopin.testing.fixtures import admin_action, signed_in_user, superuser_client

PHONE = "+916205829376"


@pytest.fixture
def admin_client(db):
    return superuser_client()


@pytest.fixture
def member(api, app_settings):
    """A signed-in app user with a live session, on the waitlist."""
    app_settings.WAITLIST_ENABLED = True
    user = signed_in_user(api, PHONE)
    return User.objects.get(id=user["user_id"])


def _staff_in(group: str) -> Client:

    groups_sync(apps)  # a transactional test starts from an emptied database
    events_groups_sync(apps)
    user = User.objects.create_user(phone_number="+919999999990", password="a-long-admin-password", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def _run(client: Client, changelist: str, action: str, *ids):
    return admin_action(client, changelist, action, ids)


USERS = "/admin/accounts/user/"


def test_suspend_revokes_sessions_and_is_audited(admin_client, member):
    client, staff = admin_client
    r = _run(client, USERS, "suspend", member.id)
    assert r.status_code == 200
    assert "Suspended 1 users." in r.content.decode()
    member.refresh_from_db()
    assert member.is_suspended
    assert AuthSession.objects.filter(user=member, revoked_at__isnull=True).count() == 0
    assert AuditEntry.objects.filter(action="user.suspended", actor=staff, subject=member).count() == 1


def test_staff_cannot_suspend_themselves(admin_client):
    client, staff = admin_client
    _run(client, USERS, "suspend", staff.id)
    staff.refresh_from_db()
    assert not staff.is_suspended


def test_unsuspend_lifts_the_suspension(admin_client, member):
    client, staff = admin_client
    _run(client, USERS, "suspend", member.id)
    r = _run(client, USERS, "unsuspend", member.id)
    assert "Lifted 1 suspensions." in r.content.decode()
    member.refresh_from_db()
    assert not member.is_suspended
    assert AuditEntry.objects.filter(action="user.unsuspended", actor=staff).count() == 1


def test_promote_from_the_waitlist(admin_client, member):
    client, staff = admin_client
    assert member.is_waitlisted
    r = _run(client, USERS, "promote_from_waitlist", member.id)
    assert "Promoted 1 users from the waitlist." in r.content.decode()
    member.refresh_from_db()
    assert not member.is_waitlisted and member.promoted_at is not None
    entry = AuditEntry.objects.get(action="waitlist.promoted")
    assert entry.actor_id == staff.id and entry.data == {"via": "staff"}
    r = _run(client, USERS, "promote_from_waitlist", member.id)
    assert "Promoted 0 users from the waitlist." in r.content.decode()


def test_revoke_all_sessions_of_a_user(admin_client, member):
    client, staff = admin_client
    r = _run(client, USERS, "revoke_sessions", member.id)
    assert "Revoked 1 sessions." in r.content.decode()
    assert AuthSession.objects.get(user=member).revoke_reason == "staff"
    assert AuditEntry.objects.filter(action="auth.sessions_revoked", actor=staff).count() == 1


def test_mark_and_unmark_host(admin_client, member):
    client, staff = admin_client
    _run(client, USERS, "mark_host", member.id)
    member.refresh_from_db()
    assert member.is_host
    _run(client, USERS, "unmark_host", member.id)
    member.refresh_from_db()
    assert not member.is_host
    actions = list(AuditEntry.objects.filter(actor=staff).order_by("created_at").values_list("action", flat=True))
    assert actions == ["user.host_granted", "user.host_revoked"]


def test_revoke_one_session(admin_client, member):
    client, staff = admin_client
    session = AuthSession.objects.get(user=member)
    r = _run(client, "/admin/accounts/authsession/", "revoke", session.id)
    assert "Revoked 1 sessions." in r.content.decode()
    session.refresh_from_db()
    assert session.revoked_at is not None and session.revoke_reason == "staff"
    assert AuditEntry.objects.filter(action="auth.session_revoked", actor=staff, subject=member).count() == 1


def test_verify_a_lead_by_hand(admin_client):
    client, staff = admin_client
    otp_request(phone_number=PHONE, purpose="signup")

    lead = PhoneLead.objects.get()
    r = _run(client, "/admin/accounts/phonelead/", "verify_by_hand", lead.id)
    assert "Verified 1 leads." in r.content.decode()
    assert User.objects.get(phone_number=PHONE).is_verified


def test_the_waitlist_filter_lists_waiting_users(admin_client, member):
    client, _ = admin_client
    assert PHONE in client.get(USERS + "?waitlist=waiting").content.decode()
    User.objects.filter(id=member.id).update(
        promote_at=timezone.now() - timedelta(minutes=1), promoted_at=timezone.now()
    )
    assert PHONE not in client.get(USERS + "?waitlist=waiting").content.decode()


def test_users_cannot_be_deleted_in_the_admin(admin_client, member):
    client, _ = admin_client
    assert client.get(f"{USERS}{member.id}/delete/").status_code == 403
    assert 'value="delete_selected"' not in client.get(USERS).content.decode()


def test_the_phone_number_and_suspension_are_read_only_on_the_change_form(admin_client, member):
    client, _ = admin_client
    html = client.get(f"{USERS}{member.id}/change/").content.decode()
    assert 'name="phone_number"' not in html
    assert 'name="is_suspended"' not in html
    assert 'name="name"' in html


def test_support_may_promote_but_not_suspend(member):
    client = _staff_in("Support")
    html = client.get(USERS).content.decode()
    assert 'value="promote_from_waitlist"' in html
    assert 'value="suspend"' not in html
    _run(client, USERS, "suspend", member.id)
    member.refresh_from_db()
    assert not member.is_suspended


def test_operations_may_suspend(member):
    client = _staff_in("Operations")
    _run(client, USERS, "suspend", member.id)
    member.refresh_from_db()
    assert member.is_suspended


def test_read_only_staff_see_everything_and_change_nothing(member):
    client = _staff_in("Read-only")
    assert client.get(USERS).status_code == 200
    assert client.get("/admin/audit/auditentry/").status_code == 200
    html = client.get(f"{USERS}{member.id}/change/").content.decode()
    assert 'name="_save"' not in html
    for action in ("revoke_sessions", "mark_host", "promote_from_waitlist", "suspend"):
        _run(client, USERS, action, member.id)
    member.refresh_from_db()
    assert (member.is_host, member.is_suspended, member.is_waitlisted) == (False, False, True)
    assert AuthSession.objects.filter(user=member, revoked_at__isnull=True).count() == 1
    r = client.post(f"{USERS}{member.id}/change/", {"name": "Changed"})
    assert r.status_code == 403


def test_operations_may_cancel_an_event_read_only_and_support_may_not(db):

    event = PublishedEventFactory(title="Rooftop jazz")
    events = "/admin/events/event/"
    for group in ("Read-only", "Support"):
        client = _staff_in(group)
        assert client.get(events).status_code == 200
        assert 'value="cancel_events"' not in client.get(events).content.decode()
        _run(client, events, "cancel_events", event.id)
        event.refresh_from_db()
        assert event.status == EventStatus.PUBLISHED
        User.objects.filter(phone_number="+919999999990").delete()
    client = _staff_in("Operations")
    _run(client, events, "cancel_events", event.id)
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
