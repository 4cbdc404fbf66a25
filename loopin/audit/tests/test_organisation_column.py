"""The organisation of an organisation action is in its own column (and still in `data`), and the admin's audit
list filters by it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.audit.services import audit_record
from loopin.events.services import event_create
from loopin.events.services.event_fields import EventInput
from loopin.organisations.services import organisation_update
from loopin.organisations.tests.conftest import make_org
from loopin.testing.factories import UserWithProfileFactory


def _event(host, organisation_id=None):
    return event_create(
        host=host,
        data=EventInput(
            title="Quiz night",
            location_text="12th Main",
            city="Bengaluru",
            start_at=timezone.now() + timedelta(days=3),
            duration_hours=2,
            organisation_id=organisation_id,
        ),
    )


def test_every_organisation_action_records_the_organisation_in_its_column(interests):
    org = make_org()
    organisation = org.organisation
    organisation_update(user=org.admin, organisation_id=organisation.id, city="Pune")
    event = _event(org.manager, organisation.id)
    personal = _event(UserWithProfileFactory())

    own = AuditEntry.objects.filter(object_type="organisations.organisation").values_list("action", "organisation_id")
    assert sorted(own) == [("organisation.created", organisation.id), ("organisation.updated", organisation.id)]
    created = AuditEntry.objects.get(action="event.created", object_id=str(event.id))
    assert (created.organisation_id, created.data["organisation_id"]) == (organisation.id, str(organisation.id))
    assert AuditEntry.objects.get(action="event.created", object_id=str(personal.id)).organisation_id is None


def test_an_organisation_itself_as_the_object_is_its_own_organisation(interests):
    org = make_org()
    entry = audit_record(action="organisation.looked_at", actor=org.owner, obj=org.organisation)
    entry.refresh_from_db()
    assert (entry.organisation_id, entry.data) == (org.organisation.id, {"organisation_id": str(org.organisation.id)})


def test_the_admin_audit_list_filters_by_organisation(interests):
    ours, theirs = make_org("brewhouse"), make_org("taproom")
    _event(ours.manager, ours.organisation.id)
    _event(theirs.manager, theirs.organisation.id)
    staff = UserWithProfileFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    client = Client()
    client.force_login(staff)

    page = client.get(reverse("admin:audit_auditentry_changelist"), {"organisation": str(ours.organisation.id)})

    assert page.status_code == 200
    shown = [entry.organisation_id for entry in page.context["cl"].result_list]
    assert shown == [ours.organisation.id] * 2  # organisation.created, event.created
    assert str(ours.organisation) in page.content.decode() and str(theirs.organisation) in page.content.decode()
