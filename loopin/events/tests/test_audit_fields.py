"""Audit fields of events, tiers, questions and venues: the services name the person who created, changed and
deleted each (an organisation's event is created by one member and changed by another), the admin shows them to
staff who may only view, and erasing the person empties them."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from loopin.accounts.erasure import account_delete, account_delete_code_send
from loopin.events.models import Event
from loopin.events.services import event_delete, event_transition, event_update
from loopin.events.services.event_fields import EventInput
from loopin.events.services.questions import QuestionInput, question_create, question_retire, question_update
from loopin.events.services.tiers import TierInput, tier_create, tier_update
from loopin.events.services.venues import VenueInput, venue_create
from loopin.organisations.tests.conftest import make_org, org_event
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.fixtures import last_code


def _by(obj) -> tuple:
    obj.refresh_from_db()
    return tuple(getattr(obj, f"{name}_id", "n/a") for name in ("created_by", "updated_by", "deleted_by"))


def _event(org, creator) -> Event:
    return org_event(org, creator, join_mode=None, publish=False)


@pytest.fixture
def org(interests):
    return make_org()


def test_the_member_who_creates_an_event_is_its_creator_and_the_one_who_edits_it_its_last_editor(org):
    event = _event(org, org.manager)
    assert _by(event) == (org.manager.id, org.manager.id, None)

    event_update(actor=org.admin, event_id=event.id, data=EventInput(title="Saturday", given={"title"}))
    assert _by(event) == (org.manager.id, org.admin.id, None)
    assert event.title == "Saturday"

    event_transition(actor=org.owner, event_id=event.id, target="published")
    assert _by(event) == (org.manager.id, org.owner.id, None)


def test_deleting_an_event_names_who_deleted_it(org):
    event = _event(org, org.manager)
    event_delete(actor=org.admin, event_id=event.id)
    assert _by(event) == (org.manager.id, org.admin.id, org.admin.id)
    assert event.deleted_at is not None


def test_tiers_and_questions_name_who_added_and_changed_them(org):
    event = _event(org, org.manager)
    tier = tier_create(
        actor=org.manager, event_id=event.id, data=TierInput(name="Front row", capacity=5, given={"name", "capacity"})
    )
    assert _by(tier) == (org.manager.id, org.manager.id, "n/a")
    tier_update(actor=org.admin, event_id=event.id, tier_id=tier.id, data=TierInput(capacity=8, given={"capacity"}))
    assert _by(tier) == (org.manager.id, org.admin.id, "n/a")
    assert tier.capacity == 8

    question = question_create(actor=org.admin, event_id=event.id, data=QuestionInput(label="Your company?"))
    assert _by(question) == (org.admin.id, org.admin.id, None)
    question_update(
        actor=org.owner, event_id=event.id, question_id=question.id, data=QuestionInput(hint="Optional", given={"hint"})
    )
    assert _by(question) == (org.admin.id, org.owner.id, None)
    question_retire(actor=org.manager, event_id=event.id, question_id=question.id)
    assert _by(question) == (org.admin.id, org.manager.id, org.manager.id)
    assert question.retired_at is not None


def test_a_venue_names_the_host_who_added_it(interests):
    host = UserWithProfileFactory()
    venue = venue_create(user=host, data=VenueInput(name="The Loft", city="Pune"))
    assert _by(venue) == (host.id, host.id, "n/a")


def test_a_system_change_keeps_the_last_person(org):
    event = _event(org, org.manager)
    event.title = "Changed by a job"
    event.save()
    assert _by(event) == (org.manager.id, org.manager.id, None)


def _viewer(*codenames: str):
    staff = UserWithProfileFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(staff)
    return client


def _shown(html: str, field: str) -> list[str]:
    """What the admin shows read-only for `field`: on the page's own form, then in each inline row."""
    own = re.findall(rf'field-{field}">.*?<div class="readonly">(.*?)</div>', html, re.S)
    rows = re.findall(rf'<td class="field-{field}">\s*<p>(.*?)</p>', html, re.S)
    return [re.sub(r"<[^>]+>", "", text).strip() for text in own + rows]


def test_the_admin_shows_who_created_changed_and_deleted_an_event_and_its_tiers_and_questions(org):
    event = _event(org, org.manager)
    tier_create(
        actor=org.admin, event_id=event.id, data=TierInput(name="Front row", sort_order=1, given={"name", "sort_order"})
    )
    question = question_create(actor=org.owner, event_id=event.id, data=QuestionInput(label="Your company?"))
    question_retire(actor=org.admin, event_id=event.id, question_id=question.id)
    event_delete(actor=org.admin, event_id=event.id)
    client = _viewer("view_event", "view_tickettier", "view_checkoutquestion")

    page = client.get(reverse("admin:events_event_change", args=[event.id]))

    assert page.status_code == 200
    html = page.content.decode()
    manager, admin, owner, system = str(org.manager), str(org.admin), str(org.owner), "-"
    # The event; then its tiers (the default one made by the system, then Front row); then its question.
    assert _shown(html, "created_by") == [manager, system, admin, owner]
    assert _shown(html, "updated_by") == [admin, system, admin, admin]
    assert _shown(html, "deleted_by") == [admin, admin]


def test_the_admin_shows_who_added_a_venue(interests):
    host = UserWithProfileFactory(name="Riya Host")
    venue = venue_create(user=host, data=VenueInput(name="The Loft", city="Pune"))
    page = _viewer("view_venue").get(reverse("admin:events_venue_change", args=[venue.id]))
    assert page.status_code == 200
    html = page.content.decode()
    assert (_shown(html, "created_by"), _shown(html, "updated_by")) == ([str(host)], [str(host)])


def test_erasing_a_person_empties_the_audit_fields_naming_them(org):
    event = _event(org, org.owner)
    event_update(actor=org.manager, event_id=event.id, data=EventInput(title="Saturday", given={"title"}))
    tier = tier_create(actor=org.manager, event_id=event.id, data=TierInput(name="Front row", given={"name"}))
    venue = venue_create(user=org.manager, data=VenueInput(name="The Loft", city="Pune"))

    account_delete_code_send(user=org.manager)
    account_delete(user=org.manager, code=last_code(org.manager.phone_number))

    assert _by(event) == (org.owner.id, None, None)
    assert _by(tier) == (None, None, "n/a")
    assert _by(venue) == (None, None, "n/a")
    assert Event.objects.get(id=event.id).title == "Saturday"
