"""An organisation with an owner and one accepted member in each other role, and people outside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from loopin.events.models import Event
from loopin.events.services import event_create
from loopin.events.services.event_fields import EventInput
from loopin.organisations.models import Membership, Organisation
from loopin.organisations.services import organisation_create
from loopin.testing.factories import UserWithProfileFactory

# A GSTIN whose check character is right (27: Maharashtra).
GSTIN = "27AAPFU0939F1ZV"


@dataclass
class Org:
    organisation: Organisation
    owner: Any
    admin: Any
    manager: Any
    agent: Any
    door: Any

    def member(self, role: str) -> Any:
        return getattr(self, role)


def add_member(organisation: Organisation, role: str, *, accepted: bool = True) -> Any:
    user = UserWithProfileFactory()
    Membership.objects.create(
        organisation=organisation, user=user, role=role, accepted_at=timezone.now() if accepted else None
    )
    return user


def make_org(handle: str = "brewhouse") -> Org:
    owner = UserWithProfileFactory()
    organisation = organisation_create(user=owner, name="The Brewhouse", handle=handle, city="Bengaluru")
    return Org(
        organisation=organisation,
        owner=owner,
        **{role: add_member(organisation, role) for role in ("admin", "manager", "agent", "door")},
    )


def org_event(org: Org, creator: Any, **fields: Any) -> Event:
    """An event of `org` created by `creator`: published, by approval, in three days (`fields` change any of it)."""
    given: dict[str, Any] = {
        "title": "Friday at the Brewhouse",
        "location_text": "12th Main, Indiranagar",
        "city": "Bengaluru",
        "start_at": timezone.now() + timedelta(days=3),
        "duration_hours": 4,
        "join_mode": "approval",
        "publish": True,
        "organisation_id": org.organisation.id,
        **fields,
    }
    return event_create(host=creator, data=EventInput(**given))


@pytest.fixture
def org(transactional_db: None) -> Org:
    return make_org()
