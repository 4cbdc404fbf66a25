"""Every event endpoint as four callers: anonymous, another user, the host, staff."""

from __future__ import annotations

import pytest

from loopin.events.models import InviteLink, JoinMode, JoinRequest
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for

# (method, path, body, anonymous, another user, host, staff): the expected statuses.
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
    ("post", "/api/v2/events/{e2}/cancel", {}, 401, 403, "skip", 200),
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
        "staff": token_for(UserWithProfileFactory(is_staff=True)),
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
    method, path, body, *expected = case
    for who, status in zip(["anonymous", "another", "host", "staff"], expected, strict=True):
        if status == "skip":
            continue  # the row's state changed after the first success; covered by the next caller
        r = api.request(method, _fill(path, ids), json=_fill(body, ids), headers=callers[who])
        assert r.status_code == status, (who, r.text)
        assert r.json()["success"] is (status < 400)


def test_waitlisted_users_reach_their_own_things_but_not_events(api):
    from datetime import timedelta

    from django.utils import timezone

    user = UserWithProfileFactory(promote_at=timezone.now() + timedelta(hours=1))
    headers = token_for(user)
    for path in ("/api/v2/me/tickets", "/api/v2/me/events", "/api/v2/me/requests", "/api/v2/me/invitations"):
        assert api.get(path, headers=headers).status_code == 200, path
    r = api.get("/api/v2/events", headers=headers)
    assert r.status_code == 403 and r.json()["error_code"] == "WAITLISTED"
