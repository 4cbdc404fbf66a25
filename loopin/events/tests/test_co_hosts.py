"""Co-hosts in the service layer: asking, accepting, what an accepted co-host may and may not do, removal."""

from __future__ import annotations

import typing
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied
from loopin.events.models import CoHost, Event, EventStatus, JoinMode, JoinRequest, RequestStatus
from loopin.events.selectors.access import (
    CO_HOST_ACTIONS,
    STAFF_PERMISSIONS,
    EventAction,
    can_manage,
    ensure_can_manage,
    event_role,
    guest_phones_visible,
    is_visible,
)
from loopin.events.services import event_delete, event_transition
from loopin.events.services.cohosts import co_host_add, co_host_remove, co_host_respond, co_host_update
from loopin.participation.join_requests import join_request_accept
from loopin.payments.payouts import payout_request_create
from loopin.people.models import PersonProfile
from loopin.staff.groups import OPERATIONS, READ_ONLY
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import staff_in


@pytest.fixture
def host(db):
    return UserWithProfileFactory(name="Asha Host")


@pytest.fixture
def event(host):
    return PublishedEventFactory(host=host, join_mode=JoinMode.APPROVAL, capacity=10)


@pytest.fixture
def maya(db):
    person = UserWithProfileFactory(name="Maya Co")
    PersonProfile.objects.update_or_create(user=person, defaults={"handle": "maya.k"})
    return person


def _co_host(event, host, person):
    co_host_add(host=host, event_id=event.id, handle="maya.k" if person.name == "Maya Co" else None,
                phone_number=None if person.name == "Maya Co" else person.phone_number)  # fmt: skip
    return co_host_respond(user=person, event_id=event.id, accept=True)


def test_the_table_names_every_action_for_co_hosts_and_staff():
    actions = set(typing.get_args(EventAction))
    assert set(CO_HOST_ACTIONS) == actions
    assert set(STAFF_PERMISSIONS) == actions
    assert {a for a, allowed in CO_HOST_ACTIONS.items() if not allowed} == {"change", "cancel", "delete", "co_hosts"}


def test_an_invited_co_host_has_no_power_until_they_accept(event, host, maya):
    co_host = co_host_add(host=host, event_id=event.id, handle="@Maya.K")
    assert (co_host.user_id, co_host.accepted_at, co_host.can_see_phone_numbers) == (maya.id, None, False)
    assert not can_manage(maya, event, "decide")
    assert event_role(maya, event) is None
    with pytest.raises(PermissionDenied):
        ensure_can_manage(maya, event, "decide")

    accepted = co_host_respond(user=maya, event_id=event.id, accept=True)
    assert accepted is not None and accepted.accepted_at is not None
    assert event_role(maya, event) == "co_host"
    assert [a for a in CO_HOST_ACTIONS if can_manage(maya, event, a)] == [
        "view", "view_requests", "view_invitations", "view_attendees", "decide", "invite", "door", "message",
    ]  # fmt: skip
    invited, accepted_entry = AuditEntry.objects.filter(action__startswith="co_host.").order_by("created_at")
    assert (invited.action, invited.actor_id, invited.subject_id) == ("co_host.invited", host.id, maya.id)
    assert (accepted_entry.action, accepted_entry.actor_id) == ("co_host.accepted", maya.id)


def test_a_co_host_is_found_by_phone_number(event, host):
    person = UserWithProfileFactory()
    co_host = co_host_add(host=host, event_id=event.id, phone_number=person.phone_number)
    assert co_host.user_id == person.id


def test_unknown_people_the_host_and_duplicates_are_refused(event, host, maya):
    with pytest.raises(NotFound) as exc:
        co_host_add(host=host, event_id=event.id, handle="nobody.here")
    assert exc.value.error_code.value == "USER_NOT_FOUND"
    with pytest.raises(BusinessRuleError) as exc:
        co_host_add(host=host, event_id=event.id, phone_number=host.phone_number)
    assert exc.value.error_code.value == "CO_HOST_IS_HOST"
    co_host_add(host=host, event_id=event.id, handle="maya.k")
    with pytest.raises(Conflict) as exc:
        co_host_add(host=host, event_id=event.id, handle="maya.k")
    assert exc.value.error_code.value == "CO_HOST_EXISTS"


def test_the_co_host_limit(event, host, app_settings):
    app_settings.EVENT_MAX_CO_HOSTS = 1
    co_host_add(host=host, event_id=event.id, phone_number=UserWithProfileFactory().phone_number)
    with pytest.raises(Conflict) as exc:
        co_host_add(host=host, event_id=event.id, phone_number=UserWithProfileFactory().phone_number)
    assert exc.value.error_code.value == "CO_HOSTS_LIMIT"


def test_a_co_host_accepts_a_request(event, host, maya):
    _co_host(event, host, maya)
    req = JoinRequest.objects.create(event=event, user=UserWithProfileFactory())
    join_request_accept(host=maya, event_id=event.id, request_id=req.id)
    req.refresh_from_db()
    assert req.status == RequestStatus.ACCEPTED
    assert not AuditEntry.objects.filter(action="staff.event_access").exists()


def test_a_co_host_cannot_edit_cancel_or_delete_the_event_nor_pick_co_hosts(event, host, maya):
    _co_host(event, host, maya)
    with pytest.raises(PermissionDenied):
        event_delete(actor=maya, event_id=event.id)
    with pytest.raises(PermissionDenied):
        event_transition(actor=maya, event_id=event.id, target="cancelled", reason="")
    with pytest.raises(PermissionDenied):
        co_host_add(host=maya, event_id=event.id, phone_number=UserWithProfileFactory().phone_number)
    event.refresh_from_db()
    assert (event.status, event.deleted_at) == (EventStatus.PUBLISHED, None)


def test_a_co_host_cannot_request_the_payout(host, maya):
    ended = PublishedEventFactory(
        host=host, start_at=timezone.now() - timedelta(hours=5), end_at=timezone.now() - timedelta(hours=3)
    )
    _co_host(ended, host, maya)
    with pytest.raises(NotFound) as exc:
        payout_request_create(host=maya, event_id=ended.id, bank_account_id=uuid.uuid4())
    assert exc.value.error_code.value == "EVENT_NOT_FOUND"


def test_a_removed_co_host_loses_access_at_once(event, host, maya):
    _co_host(event, host, maya)
    draft = PublishedEventFactory(host=host, status=EventStatus.DRAFT, published_at=None)
    _co_host(draft, host, maya)
    assert is_visible(maya, draft) and can_manage(maya, event, "decide")

    co_host_remove(actor=host, event_id=event.id, user_id=maya.id)
    co_host_remove(actor=host, event_id=draft.id, user_id=maya.id)
    req = JoinRequest.objects.create(event=event, user=UserWithProfileFactory())
    with pytest.raises(PermissionDenied):
        join_request_accept(host=maya, event_id=event.id, request_id=req.id)
    assert not is_visible(maya, Event.objects.get(id=draft.id))
    assert AuditEntry.objects.filter(action="co_host.removed", actor=host, subject=maya).count() == 2


def test_a_co_host_leaves_and_a_stranger_cannot_remove_anyone(event, host, maya):
    _co_host(event, host, maya)
    stranger = UserWithProfileFactory()
    with pytest.raises(PermissionDenied):
        co_host_remove(actor=stranger, event_id=event.id, user_id=maya.id)
    co_host_remove(actor=maya, event_id=event.id, user_id=maya.id)
    assert not CoHost.objects.filter(event=event).exists()
    assert AuditEntry.objects.filter(action="co_host.left", actor=maya).count() == 1
    with pytest.raises(NotFound):
        co_host_remove(actor=maya, event_id=event.id, user_id=maya.id)


def test_declining_deletes_the_invitation(event, host, maya):
    co_host_add(host=host, event_id=event.id, handle="maya.k")
    assert co_host_respond(user=maya, event_id=event.id, accept=False) is None
    assert not CoHost.objects.exists()
    with pytest.raises(NotFound) as exc:
        co_host_respond(user=maya, event_id=event.id, accept=True)
    assert exc.value.error_code.value == "CO_HOST_NOT_FOUND"


def test_guest_phone_numbers_are_visible_to_the_host_allowed_co_hosts_and_staff_who_may_see_users(event, host, maya):
    _co_host(event, host, maya)
    assert guest_phones_visible(host, event) is True
    assert guest_phones_visible(maya, event) is False
    co_host_update(host=host, event_id=event.id, user_id=maya.id, can_see_phone_numbers=True)
    assert guest_phones_visible(maya, event) is True
    assert guest_phones_visible(UserWithProfileFactory(), event) is False
    assert guest_phones_visible(None, event) is False
    assert guest_phones_visible(UserWithProfileFactory(is_staff=True), event) is False  # is_staff alone: no power
    assert guest_phones_visible(staff_in(READ_ONLY), event) is True  # sees users and tickets in the admin too
    assert guest_phones_visible(staff_in(OPERATIONS), event) is True
    entry = AuditEntry.objects.get(action="co_host.changed")
    assert (entry.actor_id, entry.subject_id, entry.data) == (host.id, maya.id, {"can_see_phone_numbers": True})
