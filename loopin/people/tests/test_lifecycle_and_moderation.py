"""Account deletion and export of the graph; reports and the moderators' queue in the admin."""

from __future__ import annotations

import pytest

from loopin.accounts.erasure import account_delete, account_delete_code_send, account_export
from loopin.accounts.models import User
from loopin.audit.models import AuditEntry
from loopin.core.errors import BusinessRuleError, PermissionDenied
from loopin.notifications.models import Notification
from loopin.people.models import (
    Block,
    Follow,
    FriendRequest,
    Friendship,
    Mute,
    PersonProfile,
    Report,
    ReportAction,
    ReportStatus,
)
from loopin.people.services.blocks import block_create, mute_create
from loopin.people.services.follows import follow_create
from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.people.services.profile import handle_set
from loopin.people.services.reports import report_create, report_dismiss, report_suspend
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import admin_action, last_code, superuser_client

pytestmark = pytest.mark.django_db


def befriend(a, b):
    friend_request_accept(user=b, request_id=friend_request_send(user=a, to_user_id=b.id).request.id)


def test_deleting_an_account_removes_every_edge_and_the_reports_they_made(app_settings):
    leaving, ben, cleo, dev = (UserWithProfileFactory() for _ in range(4))
    befriend(leaving, ben)
    friend_request_send(user=leaving, to_user_id=cleo.id)
    follow_create(user=dev, followee_id=leaving.id)
    block_create(user=leaving, blocked_id=dev.id)
    mute_create(user=cleo, muted_id=leaving.id)
    handle_set(user=leaving, handle="leaving")
    made = report_create(user=leaving, subject_id=ben.id, category="spam", note="Ben spams")
    about = report_create(user=cleo, subject_id=leaving.id, category="harassment", note="Leaving was rude")

    account_delete_code_send(user=leaving)
    account_delete(user=leaving, code=last_code(leaving.phone_number))

    assert not Friendship.objects.filter(user=leaving).exists() and not Friendship.objects.filter(friend=leaving)
    assert not FriendRequest.objects.filter(from_user=leaving).exists()
    assert not Follow.objects.filter(followee=leaving).exists()
    assert not Block.objects.exists() and not Mute.objects.exists()
    assert not PersonProfile.objects.filter(user=leaving).exists()
    assert not Report.objects.filter(id=made.id).exists()
    kept = Report.objects.get(id=about.id)
    assert (kept.subject_id, kept.category, kept.note) == (leaving.id, "harassment", "")
    assert User.objects.get(id=leaving.id).deleted_at is not None


def test_export_includes_the_graph():
    me, ben, cleo = (UserWithProfileFactory() for _ in range(3))
    befriend(me, ben)
    follow_create(user=me, followee_id=cleo.id)
    block_create(user=me, blocked_id=cleo.id)
    handle_set(user=me, handle="me.here")
    data = account_export(user=me)["people"]
    assert data["handle"] == "me.here"
    assert [f["user_id"] for f in data["friends"]] == [str(ben.id)]
    assert data["following"] == []  # the block ended the follow
    assert [b["user_id"] for b in data["blocked"]] == [str(cleo.id)]
    assert data["friend_requests"][0]["status"] == "accepted"


def test_moderation_needs_the_permission():
    reporter, subject = UserWithProfileFactory(), UserWithProfileFactory()
    report = report_create(user=reporter, subject_id=subject.id, category="spam")
    with pytest.raises(PermissionDenied):
        report_dismiss(report_id=report.id, staff=reporter)


def test_a_decided_report_cannot_be_decided_again():
    reporter, subject = UserWithProfileFactory(), UserWithProfileFactory()
    staff = User.objects.create_superuser(phone_number="+919999999998", password="a-long-admin-password")
    report = report_create(user=reporter, subject_id=subject.id, category="spam")
    report_dismiss(report_id=report.id, staff=staff)
    with pytest.raises(BusinessRuleError) as closed:
        report_suspend(report_id=report.id, staff=staff)
    assert closed.value.code == "REPORT_CLOSED"
    assert not User.objects.get(id=subject.id).is_suspended


def test_the_moderation_queue_warns_and_suspends_with_an_audit_trail(django_capture_on_commit_callbacks):
    reporter, spammer, bully = (UserWithProfileFactory() for _ in range(3))
    spam = report_create(user=reporter, subject_id=spammer.id, category="spam", note="links everywhere")
    harassment = report_create(user=reporter, subject_id=bully.id, category="harassment")
    client, staff = superuser_client()
    queue = client.get("/admin/people/report/?status__exact=open&category__exact=spam")
    assert queue.status_code == 200
    assert "links everywhere" in queue.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_action(client, "/admin/people/report/", "warn", [spam.id])
    admin_action(client, "/admin/people/report/", "suspend", [harassment.id])
    spam.refresh_from_db()
    harassment.refresh_from_db()
    assert (spam.status, spam.action, spam.decided_by_id) == (ReportStatus.ACTIONED, ReportAction.WARNED, staff.id)
    assert (harassment.status, harassment.action) == (ReportStatus.ACTIONED, ReportAction.SUSPENDED)
    assert User.objects.get(id=bully.id).is_suspended and not User.objects.get(id=spammer.id).is_suspended
    assert Notification.objects.get(user=spammer).type == "account.warning"
    actions = set(AuditEntry.objects.filter(actor=staff).values_list("action", flat=True))
    assert {"report.warned", "report.suspended", "user.suspended"} <= actions
