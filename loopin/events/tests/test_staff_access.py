"""Staff use of host powers: the selectors only check (no audit row), the services that act and the reads that
record a look write one `staff.event_access` row (events.services.access)."""

from __future__ import annotations

import pytest

from loopin.app_v1 import reads as app_reads
from loopin.app_v1 import staff_reads as app_staff_reads
from loopin.audit.models import AuditEntry
from loopin.core.errors import PermissionDenied
from loopin.events.models import CoHost
from loopin.events.selectors import people
from loopin.events.selectors.access import acts_on_staff_power, ensure_can_manage, manage_access
from loopin.events.services.access import ensure_can_manage_and_audit, staff_read_audit
from loopin.participation import staff_reads, ticket_reads
from loopin.staff.groups import OPERATIONS, READ_ONLY
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import staff_in


@pytest.fixture
def event(db):
    return PublishedEventFactory()


@pytest.fixture
def staff(db):
    return staff_in(READ_ONLY)


def test_plain_selector_calls_by_staff_write_no_audit_row(event, staff):
    ensure_can_manage(staff, event, "view_attendees")
    assert manage_access(staff, event, "view_requests") == "staff"
    people.event_requests(user=staff, event_id=event.id, status=None, offset=0, limit=10)
    people.event_invitations(user=staff, event_id=event.id, offset=0, limit=10)
    people.event_invite_links(user=staff, event_id=event.id)
    ticket_reads.event_attendees(user=staff, event_id=event.id, offset=0, limit=10)
    app_reads.attendees(user=staff, event_id=event.number, offset=0, limit=10)
    assert AuditEntry.objects.count() == 0


def test_a_read_then_record_service_audits_one_staff_look(event, staff):
    staff_reads.event_attendees_and_audit(user=staff, event_id=event.id, offset=0, limit=10)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_id, entry.subject_id, entry.object_id, entry.data) == (
        "staff.event_access",
        staff.id,
        event.host_id,
        str(event.id),
        {"action": "view_attendees", "permissions": ["events.view_event", "tickets.view_ticket"]},
    )


def test_the_app_dialects_staff_read_is_audited_too(event, staff):
    app_staff_reads.check_ins_and_audit(user=staff, event_id=event.number, offset=0, limit=10)
    assert list(AuditEntry.objects.values_list("action", "data__action")) == [("staff.event_access", "view_attendees")]


def test_hosts_and_co_hosts_are_not_audited_reading_or_acting(event):
    co_host = UserWithProfileFactory()
    CoHost.objects.create(event=event, user=co_host, added_by=event.host, accepted_at=event.created_at)
    for who in (event.host, co_host):
        assert not acts_on_staff_power(who, event, "view_attendees")
        staff_reads.event_requests_and_audit(user=who, event_id=event.id, status=None, offset=0, limit=10)
        staff_read_audit(user=who, event_id=event.id, action="view_attendees")
        ensure_can_manage_and_audit(who, event, "invite")
    assert AuditEntry.objects.count() == 0


def test_a_refused_caller_is_refused_and_nothing_is_written(event):
    stranger = UserWithProfileFactory()
    with pytest.raises(PermissionDenied):
        ensure_can_manage_and_audit(stranger, event, "view_attendees")
    with pytest.raises(PermissionDenied):
        staff_reads.event_attendees_and_audit(user=stranger, event_id=event.id, offset=0, limit=10)
    assert AuditEntry.objects.count() == 0


def test_a_staff_write_check_is_audited_in_the_service(event):
    operator = staff_in(OPERATIONS)
    ensure_can_manage_and_audit(operator, event, "change")
    assert list(AuditEntry.objects.values_list("action", "actor_id", "data__action")) == [
        ("staff.event_access", operator.id, "change")
    ]
