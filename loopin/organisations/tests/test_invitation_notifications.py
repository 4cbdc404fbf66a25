"""An invitation to join an organisation tells the invited person, in the app and by push, as a co-host invitation
does (`notifications.organisation_triggers`); nobody else hears of it, and an invitation withdrawn before the job
runs says nothing."""

from __future__ import annotations

from loopin.notifications.models import Notification
from loopin.notifications.organisation_triggers import organisation_invited
from loopin.notifications.push import log_outbox
from loopin.notifications.services import device_register
from loopin.notifications.tests.conftest import types_by_user
from loopin.organisations.models import Membership
from loopin.organisations.services import member_invite, member_remove
from loopin.organisations.tests.conftest import make_org
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import token_for


def test_the_invited_person_gets_an_in_app_notification_and_a_push(api):
    org = make_org()
    org.admin.name = "Kabir"
    org.admin.save(update_fields=["name"])
    person = UserWithProfileFactory()
    device_register(user=person, provider="fcm", token="fcm-invited-phone", platform="android")
    Notification.objects.all().delete()
    log_outbox().clear()
    url = f"/api/v2/organisations/{org.organisation.id}/members"
    r = api.post(url, json={"phone_number": person.phone_number, "role": "agent"}, headers=token_for(org.admin))
    assert r.status_code == 201, r.text
    assert types_by_user() == {person.id: ["organisation.invited"]}
    note = Notification.objects.get(user=person)
    assert (note.title, note.body) == (
        "Join The Brewhouse?",
        "Kabir invited you to join The Brewhouse on Loopin (role: Agent). Accept to help run it.",
    )
    assert (note.object_type, note.object_id, note.screen) == (
        "organisation",
        str(org.organisation.id),
        "organisation_invitations",
    )
    assert [(p.token, p.message.title) for p in log_outbox()] == [("fcm-invited-phone", "Join The Brewhouse?")]


def test_an_invitation_withdrawn_before_the_job_ran_says_nothing(db):
    org = make_org()
    person = UserWithProfileFactory()
    membership = member_invite(user=org.owner, organisation_id=org.organisation.id, role="door",
                               phone_number=person.phone_number)  # fmt: skip
    member_remove(user=org.owner, organisation_id=org.organisation.id, user_id=person.id)
    assert organisation_invited(trigger_id="t1", membership_id=str(membership.id)) == 0
    assert Notification.objects.filter(user=person).count() == 0
    assert Membership.objects.get(id=membership.id).removed_at is not None
