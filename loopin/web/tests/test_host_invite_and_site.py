"""Host pages, invite-link landings, sitemap.xml, robots.txt, app links, and where links point."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from loopin.core.links import public_base_url
from loopin.events.models import EventStatus, InviteLink, Visibility
from loopin.events.selectors import share_path
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import signed_in_user
from loopin.web.tests.pages import preview_tags

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_host_page_lists_their_upcoming_public_events_only(api):
    host = UserWithProfileFactory(name="Asha V.", bio="Runs and coffee.", is_host=True)
    public = PublishedEventFactory(host=host, title="Morning run")
    PublishedEventFactory(host=host, title="Private dinner", visibility=Visibility.PRIVATE)
    PublishedEventFactory(host=host, title="Old run", start_at=timezone.now() - timedelta(days=3))
    PublishedEventFactory(host=host, title="Draft idea", status=EventStatus.DRAFT)
    r = api.get(f"/hosts/{host.id}")
    assert r.status_code == 200
    assert "Asha V." in r.text and "Runs and coffee." in r.text
    assert f'href="{share_path(public)}"' in r.text
    assert "Private dinner" not in r.text and "Old run" not in r.text and "Draft idea" not in r.text
    assert host.phone_number not in r.text
    assert preview_tags(r.text).links["canonical"] == f"http://testserver/hosts/{host.id}"


def test_someone_who_hosts_nothing_has_no_host_page(api):
    person = UserWithProfileFactory()
    assert api.get(f"/hosts/{person.id}").status_code == 404
    assert api.get("/hosts/not-a-uuid").status_code == 404


def _link(event, **kw):
    return InviteLink.objects.create(event=event, token=kw.pop("token", "tok_" + "a" * 20), created_by=event.host, **kw)


def test_an_invite_landing_shows_the_private_event_and_leads_into_the_app(api):
    event = PublishedEventFactory(title="Secret supper club", visibility=Visibility.PRIVATE)
    link = _link(event)
    r = api.get(f"/invite/{link.token}")
    assert r.status_code == 200
    assert "You're invited to" in r.text and "Secret supper club" in r.text
    assert f'href="loopin://invite/{link.token}"' in r.text
    assert f"<code>{link.token}</code>" in r.text
    assert r.headers["cache-control"] == "private, no-store"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert preview_tags(r.text).meta["robots"] == "noindex"
    # The token on the page is what the app redeems.
    guest = signed_in_user(api, "+919811100001")
    accepted = api.post("/api/v2/invitations/accept-link", json={"token": link.token}, headers=guest["headers"])
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["data"]["status"] == "going"


@pytest.mark.parametrize(
    ("changes", "text", "status"),
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "This invite link has expired", 200),
        ({"max_uses": 1, "uses": 1}, "used as many times as the host allowed", 200),
        ({"is_active": False}, "This invite link doesn't work", 404),
    ],
)
def test_a_dead_invite_link_says_why_and_offers_no_button(api, changes, text, status):
    link = _link(PublishedEventFactory(), **changes)
    r = api.get(f"/invite/{link.token}")
    assert r.status_code == status
    assert text in r.text
    assert 'id="accept"' not in r.text


def test_an_unknown_invite_token_is_404(api):
    assert api.get("/invite/nope").status_code == 404


def test_the_sitemap_lists_public_upcoming_events_and_their_hosts(api):
    shown = PublishedEventFactory(title="Shown")
    hidden = [
        PublishedEventFactory(visibility=Visibility.PRIVATE),
        PublishedEventFactory(status=EventStatus.DRAFT),
        PublishedEventFactory(status=EventStatus.CANCELLED),
        PublishedEventFactory(start_at=timezone.now() - timedelta(days=2)),
        PublishedEventFactory(deleted_at=timezone.now()),
    ]
    r = api.get("/sitemap.xml")
    assert r.status_code == 200 and r.headers["content-type"] == "application/xml"
    assert f"<loc>http://testserver{share_path(shown)}</loc>" in r.text
    assert f"<loc>http://testserver/hosts/{shown.host_id}</loc>" in r.text
    for event in hidden:
        assert share_path(event) not in r.text
    assert r.text.count("<url>") == 2


def test_robots_points_to_the_sitemap_and_keeps_crawlers_off_the_api(api):
    r = api.get("/robots.txt")
    assert r.text.splitlines() == [
        "User-agent: *",
        "Disallow: /api/",
        "Disallow: /django/",
        "Disallow: /invite/",
        "Allow: /",
        "Sitemap: http://testserver/sitemap.xml",
    ]


def test_app_links_come_from_settings(api, app_settings):
    assert api.get("/.well-known/assetlinks.json").json() == []
    assert api.get("/.well-known/apple-app-site-association").json() == {"applinks": {"details": []}}
    app_settings.ANDROID_APP_PACKAGE = "in.loopinsocial.app"
    app_settings.ANDROID_CERT_FINGERPRINTS = ["AB:CD"]
    app_settings.IOS_APP_IDS = ["TEAM123.in.loopinsocial.app"]
    android = api.get("/.well-known/assetlinks.json")
    assert android.headers["content-type"] == "application/json"
    assert android.json() == [
        {
            "relation": ["delegate_permission/common.handle_all_urls"],
            "target": {
                "namespace": "android_app",
                "package_name": "in.loopinsocial.app",
                "sha256_cert_fingerprints": ["AB:CD"],
            },
        }
    ]
    ios = api.get("/.well-known/apple-app-site-association", follow_redirects=False)
    assert ios.status_code == 200 and ios.headers["content-type"] == "application/json"
    [detail] = ios.json()["applinks"]["details"]
    assert detail["appIDs"] == ["TEAM123.in.loopinsocial.app"]
    assert {"/": "/invite/*"} in detail["components"] and {"/": "/*/*/events/*"} in detail["components"]


def test_links_follow_the_origin_the_server_was_reached_on_unless_configured(api, app_settings):
    event = PublishedEventFactory(canonical_id="lnk00001")
    lan = {"host": "192.168.1.20:8102"}
    r = api.get(share_path(event), headers=lan)
    assert preview_tags(r.text).meta["og:image"] == "http://192.168.1.20:8102/e/lnk00001/preview.jpg"
    app_settings.PUBLIC_BASE_URL = "https://loopinsocial.in"
    r = api.get(share_path(event), headers=lan)
    assert preview_tags(r.text).meta["og:image"] == "https://loopinsocial.in/e/lnk00001/preview.jpg"


def test_without_a_request_links_use_the_served_port(app_settings):

    app_settings.PORT = 8102
    assert public_base_url() == "http://localhost:8102"
