"""Every event endpoint as each caller: anonymous, another user, the host, each staff group, a superuser.

Staff powers follow the Django permissions of their group (events.selectors.access.STAFF_PERMISSIONS):
Read-only and Support look but never write; Finance sees events and tickets only; Operations edits events but
cancels them (as in the admin) but does not delete, decide requests or invite."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.events.models import Event, EventStatus, InviteLink, JoinMode, JoinRequest, Visibility
from loopin.staff.groups import FINANCE, OPERATIONS, READ_ONLY, SUPPORT
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import staff_in, token_for

GROUPS = [READ_ONLY, SUPPORT, FINANCE, OPERATIONS]
# What each staff group gets on the host-only rows (in the GROUPS order), where not 403.
READS_BY_GROUP = (200, 200, 403, 200)
GROUP_ANSWERS = {
    "get /api/v2/events/{e}/requests": READS_BY_GROUP,
    "get /api/v2/events/{e}/invitations": READS_BY_GROUP,
    "get /api/v2/events/{e}/invite-links": READS_BY_GROUP,
    "get /api/v2/events/{e}/attendees": (200, 200, 200, 200),  # Finance looks up tickets
    "patch /api/v2/events/{e}": (403, 403, 403, 200),
    "post /api/v2/events/{e}/postpone": (403, 403, 403, "skip"),
    "post /api/v2/events/{e2}/cancel": (403, 403, 403, 200),  # already postponed by the host
    "delete /api/v2/events/{e3}": ("skip",) * 4,  # deleted by the host: 404 for everyone after
}
# (method, path, body, anonymous, another user, host, superuser): the expected statuses.
HOST_ONLY = [
    ("get", "/api/v2/events/{e}/requests", None, 401, 403, 200, 200),
    ("put", "/api/v2/events/{e}/requests/{r}/decline", {}, 401, 403, 200, "skip"),
    (
        "post",
        "/api/v2/events/{e}/requests/bulk-action",
        {"request_ids": ["{r2}"], "action": "decline"},
        401,
        403,
        200,
        200,
    ),
    ("get", "/api/v2/events/{e}/invitations", None, 401, 403, 200, 200),
    ("post", "/api/v2/events/{e}/invitations", {"user_ids": ["{g}"]}, 401, 403, 201, 201),
    ("get", "/api/v2/events/{e}/invite-links", None, 401, 403, 200, 200),
    ("post", "/api/v2/events/{e}/invite-links", {}, 401, 403, 201, 201),
    ("delete", "/api/v2/events/{e}/invite-links/{l}", None, 401, 403, 200, 200),
    ("get", "/api/v2/events/{e}/attendees", None, 401, 403, 200, 200),
    ("patch", "/api/v2/events/{e}", {"description": "x"}, 401, 403, 200, 200),
    ("post", "/api/v2/events/{e}/postpone", {}, 401, 403, 200, "skip"),
    ("post", "/api/v2/events/{e2}/cancel", {}, 401, 403, "skip", "skip"),  # cancelled by Operations
    ("delete", "/api/v2/events/{e3}", None, 401, 403, 200, "skip"),
]
PUBLIC_READS = [
    ("get", "/api/v2/events", None, 200, 200, 200, 200),
    ("get", "/api/v2/events/{e}", None, 200, 200, 200, 200),
    ("get", "/api/v2/venues", None, 200, 200, 200, 200),
]
SIGNED_IN = [
    ("post", "/api/v2/events", {}, 401, 422, 422, 422),
    ("get", "/api/v2/me/events", None, 401, 200, 200, 200),
    ("get", "/api/v2/me/tickets", None, 401, 200, 200, 200),
    ("get", "/api/v2/me/requests", None, 401, 200, 200, 200),
    ("get", "/api/v2/me/invitations", None, 401, 200, 200, 200),
    ("post", "/api/v2/events/{e}/requests", {}, 401, 201, 400, 201),
    ("get", "/api/v2/events/{e}/my-ticket", None, 401, 404, 404, 404),
    ("post", "/api/v2/invitations/accept-link", {"token": "nonexistent-token"}, 401, 404, 404, 404),
]


@pytest.fixture
def world(api):
    host = UserWithProfileFactory()
    event = PublishedEventFactory(host=host, join_mode=JoinMode.APPROVAL)
    guest = UserWithProfileFactory()
    requester = UserWithProfileFactory()
    req = JoinRequest.objects.create(event=event, user=requester)
    req2 = JoinRequest.objects.create(event=event, user=UserWithProfileFactory())
    link = InviteLink.objects.create(event=event, token="tok-" + "x" * 20, created_by=host)
    ids = {
        "e": event.id,
        "e2": PublishedEventFactory(host=host).id,
        "e3": PublishedEventFactory(host=host).id,
        "r": req.id,
        "r2": req2.id,
        "g": guest.id,
        "l": link.id,
    }
    callers = {
        "anonymous": {},
        "another": token_for(UserWithProfileFactory()),
        "host": token_for(host),
        **{group: token_for(staff_in(group)) for group in GROUPS},
        "superuser": token_for(UserWithProfileFactory(is_staff=True, is_superuser=True)),
    }
    return ids, callers


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize("case", HOST_ONLY + PUBLIC_READS + SIGNED_IN, ids=lambda c: f"{c[0]} {c[1]}")
def test_each_caller_gets_the_right_answer(api, world, case):
    ids, callers = world
    method, path, body, anonymous, another, host, superuser = case
    if case in HOST_ONLY:
        by_group = GROUP_ANSWERS.get(f"{method} {path}", (403,) * len(GROUPS))
    else:
        by_group = (another,) * len(GROUPS)
    expected = [anonymous, another, host, *by_group, superuser]
    for who, status in zip(["anonymous", "another", "host", *GROUPS, "superuser"], expected, strict=True):
        if status == "skip":
            continue  # the row's state changed after the first success; covered by the next caller
        r = api.request(method, _fill(path, ids), json=_fill(body, ids), headers=callers[who])
        assert r.status_code == status, (who, r.text)
        assert r.json()["success"] is (status < 400)


def test_waitlisted_users_reach_their_own_things_but_not_events(api):
    user = UserWithProfileFactory(promote_at=timezone.now() + timedelta(hours=1))
    headers = token_for(user)
    for path in ("/api/v2/me/tickets", "/api/v2/me/events", "/api/v2/me/requests", "/api/v2/me/invitations"):
        assert api.get(path, headers=headers).status_code == 200, path
    r = api.get("/api/v2/events", headers=headers)
    assert r.status_code == 403 and r.json()["error_code"] == "WAITLISTED"


def test_a_staff_write_is_audited_with_the_staff_member_as_actor(api):
    event = PublishedEventFactory()
    staff = staff_in(OPERATIONS)
    r = api.patch(f"/api/v2/events/{event.id}", json={"description": "Moderated"}, headers=token_for(staff))
    assert r.status_code == 200, r.text
    access = AuditEntry.objects.get(action="staff.event_access")
    assert (access.actor_id, access.data["action"], access.data["permissions"]) == (
        staff.id,
        "change",
        ["events.change_event"],
    )
    assert not AuditEntry.objects.filter(actor_id=event.host_id).exists()


def test_a_staff_read_of_an_attendee_list_is_audited(api):
    event = PublishedEventFactory()
    staff = staff_in(READ_ONLY)
    assert api.get(f"/api/v2/events/{event.id}/attendees", headers=token_for(staff)).status_code == 200
    entry = AuditEntry.objects.get(action="staff.event_access")
    assert (entry.actor_id, entry.data["action"]) == (staff.id, "view_attendees")


@pytest.mark.parametrize("group", [READ_ONLY, SUPPORT])
def test_read_only_and_support_cannot_cancel_or_delete_and_nothing_changes(api, group):
    event = PublishedEventFactory()
    headers = token_for(staff_in(group))
    assert api.post(f"/api/v2/events/{event.id}/cancel", json={}, headers=headers).status_code == 403
    assert api.delete(f"/api/v2/events/{event.id}", headers=headers).status_code == 403
    assert api.post(f"/api/v2/events/{event.id}/postpone", json={}, headers=headers).status_code == 403
    event = Event.objects.get(id=event.id)
    assert (event.status, event.deleted_at) == (EventStatus.PUBLISHED, None)
    assert not AuditEntry.objects.filter(action__startswith="event.").exists()


def test_staff_without_view_permission_do_not_see_drafts(api):
    draft = PublishedEventFactory(status=EventStatus.DRAFT, published_at=None)
    assert api.get(f"/api/v2/events/{draft.id}", headers=token_for(UserWithProfileFactory())).status_code == 404
    assert api.get(f"/api/v2/events/{draft.id}", headers=token_for(staff_in(READ_ONLY))).status_code == 200
    bare = UserWithProfileFactory(is_staff=True)  # is_staff alone is no power
    assert api.get(f"/api/v2/events/{draft.id}", headers=token_for(bare)).status_code == 404


@pytest.mark.parametrize("kind", ["draft", "private"])
def test_drafts_and_private_events_are_read_by_viewing_staff_never_written_and_hidden_from_others(api, kind):
    host = UserWithProfileFactory()
    if kind == "draft":
        event = PublishedEventFactory(host=host, status=EventStatus.DRAFT, published_at=None)
    else:
        event = PublishedEventFactory(host=host, visibility=Visibility.PRIVATE)
    v2, app = f"/api/v2/events/{event.id}", f"/api/events/{event.number}"
    viewer, stranger = token_for(staff_in(READ_ONLY)), token_for(UserWithProfileFactory())
    bare_staff = token_for(UserWithProfileFactory(is_staff=True))  # is_staff without a group: no power

    assert api.get(v2).status_code == 404  # anonymous
    assert api.get(app).status_code == 401
    for headers in (stranger, bare_staff):
        assert api.get(v2, headers=headers).status_code == 404
        assert api.get(app, headers=headers).status_code == 404
    for headers in (viewer, token_for(host)):
        assert api.get(v2, headers=headers).json()["data"]["id"] == str(event.id)
        assert api.get(app, headers=headers).json()["data"]["id"] == event.number
    # Viewing is not editing, in either dialect; nothing changes.
    assert api.patch(v2, json={"title": "Taken over"}, headers=viewer).status_code == 403
    assert api.put(app, json={"title": "Taken over"}, headers=viewer).status_code == 403
    assert api.post(f"{v2}/publish", json={}, headers=viewer).status_code == 403
    assert api.patch(v2, json={"title": "Taken over"}, headers=stranger).status_code == 404
    stored = Event.objects.get(id=event.id)
    assert (stored.title, stored.status) == (event.title, event.status)
