"""Audit fields of promo codes: the member who adds a code is its creator, the one who changes it its last editor;
the admin shows both to staff who may only view."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from loopin.events.services import event_create
from loopin.events.services.event_fields import EventInput
from loopin.organisations.tests.conftest import make_org
from loopin.payments.services.promos import PromoInput, promo_create, promo_update
from loopin.testing.factories import UserWithProfileFactory


@pytest.fixture
def world(interests):
    org = make_org()
    event = event_create(
        host=org.manager,
        data=EventInput(
            title="Gig",
            location_text="12th Main",
            city="Bengaluru",
            start_at=timezone.now() + timedelta(days=3),
            duration_hours=2,
            is_paid=True,
            ticket_price=Decimal("500.00"),
            organisation_id=org.organisation.id,
        ),
    )
    promo = promo_create(
        actor=org.manager,
        event_id=event.id,
        data=PromoInput(code="early", kind="percent", amount=Decimal("10"), given={"code", "kind", "amount"}),
    )
    promo_update(
        actor=org.admin, event_id=event.id, promo_id=promo.id, data=PromoInput(max_uses=50, given={"max_uses"})
    )
    promo.refresh_from_db()
    return org, promo


def test_the_member_who_adds_a_code_and_the_one_who_changes_it_are_named(world):
    org, promo = world
    assert (promo.created_by_id, promo.updated_by_id, promo.max_uses) == (org.manager.id, org.admin.id, 50)


def test_the_admin_shows_who_added_and_changed_a_code(world):
    org, promo = world
    staff = UserWithProfileFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_promocode"))
    client = Client()
    client.force_login(staff)

    html = client.get(reverse("admin:payments_promocode_change", args=[promo.id])).content.decode()

    def shown(field: str) -> list[str]:
        found = re.findall(rf'field-{field}">.*?<div class="readonly">(.*?)</div>', html, re.S)
        return [re.sub(r"<[^>]+>", "", text).strip() for text in found]

    assert (shown("created_by"), shown("updated_by")) == ([str(org.manager)], [str(org.admin)])
