"""The organisation's public page (`/organisations/<id>`), through the Django test client on the public URLconf:
its name, logo, description, city, verified mark and upcoming public events; nothing private; 404 when unknown."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from loopin.core.links import public_base_url
from loopin.events.models import EventStatus, Visibility
from loopin.events.selectors import share_path
from loopin.organisations.models import Organisation
from loopin.organisations.services import organisation_create, organisation_delete
from loopin.organisations.tests.conftest import GSTIN, add_member
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.web.tests.pages import preview_tags

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client(settings):
    settings.ROOT_URLCONF = "loopin.web.urls"  # what PublicUrlconfMiddleware sets for the public paths
    return Client()


@pytest.fixture
def club(interests):
    owner = UserWithProfileFactory(phone_number="+919800077001", name="Aarav")
    organisation = organisation_create(
        user=owner,
        name="Koramangala Social Club",
        handle="kmsocial",
        city="Bengaluru",
        description="Quiz nights and rooftop gigs.",
        logo_url="https://cdn.example.com/kms.png",
        gstin=GSTIN,
        legal_name="KMS Hospitality LLP",
    )
    Organisation.objects.filter(id=organisation.id).update(is_verified=True)
    manager = add_member(organisation, "manager")
    return organisation, owner, manager


def test_the_page_shows_the_organisation_and_its_upcoming_public_events_only(client, club):
    organisation, owner, manager = club
    soon = PublishedEventFactory(
        host=manager, organisation=organisation, title="Quiz night", start_at=timezone.now() + timedelta(days=2)
    )
    later = PublishedEventFactory(
        host=manager, organisation=organisation, title="Rooftop gig", start_at=timezone.now() + timedelta(days=9)
    )
    hidden = [
        PublishedEventFactory(host=manager, organisation=organisation, title="Members' dinner",
                              visibility=Visibility.PRIVATE),
        PublishedEventFactory(host=manager, organisation=organisation, title="Draft jam", status=EventStatus.DRAFT),
        PublishedEventFactory(host=manager, organisation=organisation, title="Last week's quiz",
                              start_at=timezone.now() - timedelta(days=7)),
        PublishedEventFactory(host=manager, title="Kabir's own walk"),  # the member's personal event
    ]  # fmt: skip
    r = client.get(f"/organisations/{organisation.id}")
    assert r.status_code == 200
    html = r.content.decode()
    assert "<title>Koramangala Social Club on Loopin</title>" in html
    assert '<img src="https://cdn.example.com/kms.png" alt="" width="48" height="48">' in html
    assert '<h1 id="organisation">Koramangala Social Club</h1>' in html
    assert '<span class="verified" title="Verified by Loopin">✓ Verified</span>' in html
    assert '<p class="muted">@kmsocial · Bengaluru</p>' in html
    assert "<p>Quiz nights and rooftop gigs.</p>" in html
    links = [line for line in html.splitlines() if line.startswith('<li class="card">')]
    assert [line.split('"')[3] for line in links] == [share_path(soon), share_path(later)]
    for event in hidden:
        assert event.title not in html
    for private in (GSTIN, "KMS Hospitality LLP", owner.phone_number, manager.phone_number, "Aarav"):
        assert private not in html
    tags = preview_tags(html)
    assert tags.links["canonical"] == f"{public_base_url()}/organisations/{organisation.id}"
    assert (tags.meta["og:title"], tags.meta["og:image"]) == (
        "Koramangala Social Club on Loopin",
        "https://cdn.example.com/kms.png",
    )


def test_an_unverified_organisation_without_events_has_a_plain_page(client, interests):
    organisation = organisation_create(user=UserWithProfileFactory(), name="Night Owls", handle="nightowls")
    html = client.get(f"/organisations/{organisation.id}").content.decode()
    assert '<h1 id="organisation">Night Owls</h1>' in html
    assert "✓ Verified" not in html and "<img" not in html
    assert '<p class="muted">@nightowls</p>' in html
    assert '<p class="muted">No upcoming public events right now.</p>' in html


def test_an_unknown_or_deleted_organisation_is_not_found(client, club):
    organisation, owner, _ = club
    unknown = client.get(f"/organisations/{uuid.uuid4()}")
    assert unknown.status_code == 404
    assert "<h1>We couldn't find that organisation</h1>" in unknown.content.decode()
    assert unknown["X-Robots-Tag"] == "noindex"
    assert client.get("/organisations/not-a-uuid").status_code == 404
    organisation_delete(user=owner, organisation_id=organisation.id)
    assert client.get(f"/organisations/{organisation.id}").status_code == 404
