"""Organisations' services: the permission table, invitations, roles, removal, leaving, one owner always."""

from __future__ import annotations

from collections import Counter

import pytest

from loopin.audit.models import AuditEntry
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied, ValidationFailed
from loopin.organisations.models import Membership, Organisation
from loopin.organisations.permissions import ROLE_ACTIONS, actions_of
from loopin.organisations.selectors import organisation_allows
from loopin.organisations.services import (
    invitation_respond,
    member_change_role,
    member_invite,
    member_remove,
    organisation_create,
    organisation_delete,
    organisation_leave,
    organisation_update,
    organisation_verify,
    ownership_transfer,
    ownership_transfer_by_staff,
)
from loopin.organisations.tests.conftest import GSTIN, make_org
from loopin.organisations.validation import gstin_check_char, gstin_problem
from loopin.people.models import PersonProfile
from loopin.testing.concurrency import outcomes as race
from loopin.testing.factories import UserWithProfileFactory


def owners(organisation):
    return list(
        Membership.objects.filter(organisation=organisation, role="owner", removed_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )


def test_the_permission_table_gives_each_role_exactly_its_actions():
    assert {role: actions_of(role) for role in ["owner", "admin", "manager", "agent", "door"]} == {
        "owner": list(ROLE_ACTIONS),
        "admin": ["view", "edit_organisation", "events", "requests", "guest_phones", "door", "money", "payouts",
                  "members"],
        "manager": ["view", "events", "requests", "guest_phones", "door"],
        "agent": ["view", "requests"],
        "door": ["view", "door"],
    }  # fmt: skip
    assert actions_of(None) == []


def test_the_creator_owns_it_and_every_role_gets_what_the_table_says(org):
    assert owners(org.organisation) == [org.owner.id]
    for role in ["owner", "admin", "manager", "agent", "door"]:
        allowed = [a for a in ROLE_ACTIONS if organisation_allows(org.member(role), org.organisation, a)]
        assert allowed == actions_of(role), role
    stranger = UserWithProfileFactory()
    assert [a for a in ROLE_ACTIONS if organisation_allows(stranger, org.organisation, a)] == []
    assert list(Organisation.objects.for_member(org.agent, "requests")) == [org.organisation]
    assert list(Organisation.objects.for_member(org.agent, "money")) == []
    entry = AuditEntry.objects.get(action="organisation.created")
    assert (entry.object_id, entry.data) == (str(org.organisation.id), {"organisation_id": str(org.organisation.id)})


def test_handles_are_one_namespace_case_insensitive_with_people(org):
    with pytest.raises(Conflict) as exc:
        organisation_create(user=org.owner, name="Copy", handle="BrewHouse")
    assert exc.value.code == "ORGANISATION_HANDLE_TAKEN"
    PersonProfile.objects.update_or_create(user=org.agent, defaults={"handle": "djnight"})
    with pytest.raises(Conflict):
        organisation_create(user=org.owner, name="DJ", handle="djnight")
    with pytest.raises(ValidationFailed):
        organisation_create(user=org.owner, name="Bad", handle="a")


def test_gstin_is_checked_for_format_checksum_and_a_legal_name(org):
    assert gstin_check_char(GSTIN[:14]) == "V"
    assert gstin_problem(GSTIN) is None
    assert gstin_problem("27AAPFU0939F1ZA") == "The check character does not match; look for a typing mistake."
    assert gstin_problem("27AAPFU0939") is not None
    with pytest.raises(ValidationFailed) as exc:
        organisation_update(user=org.admin, organisation_id=org.organisation.id, gstin=GSTIN)
    assert exc.value.details == {"fields": [{"field": "legal_name", "code": "missing",
                                             "message": "Give the legal name registered with the GSTIN."}]}  # fmt: skip
    updated = organisation_update(
        user=org.admin, organisation_id=org.organisation.id, gstin=GSTIN.lower(), legal_name="Brewhouse LLP"
    )
    assert (updated.gstin, updated.legal_name, updated.updated_by_id) == (GSTIN, "Brewhouse LLP", org.admin.id)
    entry = AuditEntry.objects.get(action="organisation.updated")
    assert entry.data == {"organisation_id": str(org.organisation.id), "fields": ["gstin", "legal_name"]}


def test_a_manager_cannot_edit_and_an_outsider_does_not_see_it(org):
    with pytest.raises(PermissionDenied) as exc:
        organisation_update(user=org.manager, organisation_id=org.organisation.id, name="Mine")
    assert exc.value.code == "ORGANISATION_ROLE_TOO_SMALL"
    with pytest.raises(NotFound) as missing:
        organisation_update(user=UserWithProfileFactory(), organisation_id=org.organisation.id, name="Mine")
    assert missing.value.code == "ORGANISATION_NOT_FOUND"


def test_an_invitation_gives_powers_only_once_accepted_and_decline_ends_it(org):
    person = UserWithProfileFactory()
    PersonProfile.objects.update_or_create(user=person, defaults={"handle": "newbie"})
    membership = member_invite(user=org.admin, organisation_id=org.organisation.id, role="manager", handle="@Newbie")
    assert not organisation_allows(person, org.organisation, "view")
    with pytest.raises(Conflict):
        member_invite(
            user=org.admin, organisation_id=org.organisation.id, role="agent", phone_number=person.phone_number
        )
    invitation_respond(user=person, organisation_id=org.organisation.id, accept=True)
    assert organisation_allows(person, org.organisation, "events")
    with pytest.raises(NotFound) as exc:
        invitation_respond(user=person, organisation_id=org.organisation.id, accept=True)
    assert exc.value.code == "ORGANISATION_INVITATION_NOT_FOUND"
    other = UserWithProfileFactory()
    member_invite(user=org.owner, organisation_id=org.organisation.id, role="door", phone_number=other.phone_number)
    declined = invitation_respond(user=other, organisation_id=org.organisation.id, accept=False)
    assert (declined.accepted_at, declined.removed_at is not None) == (None, True)
    assert not organisation_allows(other, org.organisation, "view")
    assert membership.invited_by_id == org.admin.id


def test_nobody_is_invited_or_made_owner_except_by_transfer(org):
    with pytest.raises(BusinessRuleError) as exc:
        member_invite(user=org.owner, organisation_id=org.organisation.id, role="owner", handle="x_y")
    assert exc.value.code == "ORGANISATION_OWNER_BY_TRANSFER"
    with pytest.raises(BusinessRuleError):
        member_change_role(user=org.owner, organisation_id=org.organisation.id, user_id=org.admin.id, role="owner")
    with pytest.raises(BusinessRuleError) as stays:
        member_change_role(user=org.admin, organisation_id=org.organisation.id, user_id=org.owner.id, role="door")
    assert stays.value.code == "ORGANISATION_OWNER_STAYS"
    with pytest.raises(PermissionDenied):
        member_invite(user=org.manager, organisation_id=org.organisation.id, role="agent", handle="x_y")


def test_removing_a_member_or_a_role_change_acts_at_once(org):
    member_change_role(user=org.admin, organisation_id=org.organisation.id, user_id=org.manager.id, role="door")
    assert not organisation_allows(org.manager, org.organisation, "events")
    member_remove(user=org.admin, organisation_id=org.organisation.id, user_id=org.agent.id)
    assert not organisation_allows(org.agent, org.organisation, "view")
    assert list(Organisation.objects.for_member(org.agent)) == []
    with pytest.raises(BusinessRuleError):
        member_remove(user=org.admin, organisation_id=org.organisation.id, user_id=org.owner.id)
    entry = AuditEntry.objects.get(action="organisation.member_removed")
    assert (entry.subject_id, entry.data) == (
        org.agent.id,
        {"organisation_id": str(org.organisation.id), "role": "agent"},
    )
    # Invited again later: a new row, the old one stays as the record.
    member_invite(
        user=org.owner, organisation_id=org.organisation.id, role="agent", phone_number=org.agent.phone_number
    )
    assert Membership.objects.filter(organisation=org.organisation, user=org.agent).count() == 2


def test_members_leave_but_the_owner_transfers_first(org):
    organisation_leave(user=org.door, organisation_id=org.organisation.id)
    assert not organisation_allows(org.door, org.organisation, "door")
    with pytest.raises(BusinessRuleError):
        organisation_leave(user=org.owner, organisation_id=org.organisation.id)
    ownership_transfer(user=org.owner, organisation_id=org.organisation.id, to_user_id=org.manager.id)
    assert owners(org.organisation) == [org.manager.id]
    assert (
        Membership.objects.get(organisation=org.organisation, user=org.owner, removed_at__isnull=True).role == "admin"
    )
    organisation_leave(user=org.owner, organisation_id=org.organisation.id)
    with pytest.raises(PermissionDenied):
        ownership_transfer(user=org.admin, organisation_id=org.organisation.id, to_user_id=org.admin.id)


def test_an_invited_person_cannot_be_handed_ownership(org):
    person = UserWithProfileFactory()
    member_invite(user=org.owner, organisation_id=org.organisation.id, role="agent", phone_number=person.phone_number)
    with pytest.raises(NotFound):
        ownership_transfer(user=org.owner, organisation_id=org.organisation.id, to_user_id=person.id)
    assert owners(org.organisation) == [org.owner.id]


def test_two_transfers_at_once_leave_exactly_one_owner(org):
    outcome = race([
        lambda: ownership_transfer(user=org.owner, organisation_id=org.organisation.id, to_user_id=org.admin.id),
        lambda: ownership_transfer(user=org.owner, organisation_id=org.organisation.id, to_user_id=org.manager.id),
    ])  # fmt: skip
    assert outcome == Counter({"ok": 1, "ORGANISATION_ROLE_TOO_SMALL": 1})
    assert len(owners(org.organisation)) == 1


def test_transfers_from_the_owner_and_staff_at_once_leave_exactly_one_owner(org):
    staff = UserWithProfileFactory(is_staff=True)
    calls = [
        lambda: ownership_transfer(user=org.owner, organisation_id=org.organisation.id, to_user_id=org.agent.id),
        lambda: ownership_transfer_by_staff(staff=staff, organisation_id=org.organisation.id, to_user_id=org.door.id),
    ] * 3
    outcome = race(calls)
    assert outcome["ok"] >= 2
    assert len(owners(org.organisation)) == 1
    assert Membership.objects.filter(organisation=org.organisation, removed_at__isnull=True).count() == 5


def test_a_deleted_organisation_gives_no_one_powers(org):
    with pytest.raises(PermissionDenied):
        organisation_delete(user=org.admin, organisation_id=org.organisation.id)
    organisation_delete(user=org.owner, organisation_id=org.organisation.id)
    org.organisation.refresh_from_db()
    assert (org.organisation.deleted_by_id, organisation_allows(org.owner, org.organisation, "view")) == (
        org.owner.id,
        False,
    )


def test_staff_verify_and_it_is_audited(org):
    staff = UserWithProfileFactory(is_staff=True)
    organisation = organisation_verify(staff=staff, organisation_id=org.organisation.id)
    assert (organisation.is_verified, organisation.verified_by_id) == (True, staff.id)
    assert AuditEntry.objects.filter(action="organisation.verified", actor=staff).count() == 1


def test_a_second_organisation_is_isolated_from_the_first(org):
    other = make_org("nightowls")
    assert list(Organisation.objects.for_member(org.admin, "members")) == [org.organisation]
    assert not organisation_allows(other.owner, org.organisation, "view")
    with pytest.raises(NotFound):
        member_remove(user=other.owner, organisation_id=org.organisation.id, user_id=org.agent.id)
