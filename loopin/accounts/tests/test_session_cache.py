"""The session check cached per process (loopin.core.sessioncache): a repeat call costs no query, and signing out,
suspension or a revocation in one process reaches every other one at once; with its subscriber down, nothing is
cached. The "other process" is a second cache with its own subscriber on the same Redis channel: the configured
Redis on PostgreSQL + Redis, a redis-server of the test's own otherwise."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loopin.accounts.caller import caller_user
from loopin.accounts.models import User
from loopin.accounts.services import user_suspend
from loopin.accounts.tokens import access_token_decode
from loopin.core.sessioncache import (
    SessionCache,
    Subscriber,
    channel_name,
    session_cache_start,
    session_cache_stop,
)
from loopin.core.settings import get_settings
from loopin.testing.fixtures import signed_in_user
from loopin.testing.processes import free_port, process_stop, wait_for_port

PHONE = "+916205829376"
PROFILE = "/api/v2/auth/profile"


@pytest.fixture
def redis_url() -> Iterator[str]:
    settings = get_settings()
    if settings.uses_redis:
        yield settings.REDIS_URL
        return
    port = free_port()
    server = shutil.which("redis-server")
    assert server, "these tests need redis-server (apt-get install -y redis-server)"
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, a local redis-server
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process_stop(process, 5)


@pytest.fixture
def two_processes(redis_url: str) -> Iterator[tuple[SessionCache, SessionCache, Subscriber]]:
    """This process's cache (the app's) and another one's, both subscribed to `redis_url`."""
    here = session_cache_start(redis_url, wait=5)
    there = SessionCache(ttl=60)
    subscriber = Subscriber(there, url=redis_url, channel=channel_name()).start()
    assert subscriber.wait_connected(5) and here.healthy()
    yield here, there, subscriber
    subscriber.stop()
    session_cache_stop()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    settings = get_settings()
    session_cache_start(settings.REDIS_URL if settings.uses_redis else None, wait=5)  # connected before the test
    yield
    session_cache_stop()


def _claims(user: dict):
    return access_token_decode(user["token"])


def _queries(claims) -> int:
    with CaptureQueriesContext(connection) as queries:
        caller_user(claims, gated=True)
    return len(queries)


def _heard(subscriber: Subscriber, count: int) -> None:
    deadline = time.monotonic() + 5
    while subscriber.messages < count and time.monotonic() < deadline:
        time.sleep(0.005)


def test_a_checked_session_costs_no_query_the_second_time(api):
    user = signed_in_user(api, PHONE)
    claims = _claims(user)
    assert _queries(claims) == 1
    assert _queries(claims) == 0
    assert caller_user(claims, gated=True).id == uuid.UUID(user["user_id"])


def test_signing_out_ends_a_cached_session_at_once(api):
    user = signed_in_user(api, PHONE)
    assert api.get(PROFILE, headers=user["headers"]).status_code == 200
    assert api.get(PROFILE, headers=user["headers"]).status_code == 200  # from the cache
    assert api.post("/api/v2/auth/logout", headers=user["headers"]).status_code == 200
    r = api.get(PROFILE, headers=user["headers"])
    assert (r.status_code, r.json()["error_code"]) == (401, "SESSION_EXPIRED")


def test_suspension_ends_a_cached_session_at_once(api):
    user = signed_in_user(api, PHONE)
    staff = User.objects.create_superuser(phone_number="+919999999999", password="a-long-admin-password")
    assert api.get(PROFILE, headers=user["headers"]).status_code == 200
    assert user_suspend(user_id=uuid.UUID(user["user_id"]), staff=staff, reason="spam") is True
    r = api.get(PROFILE, headers=user["headers"])
    assert (r.status_code, r.json()["error_code"]) == (403, "ACCOUNT_SUSPENDED")


def test_a_cached_session_is_never_served_past_its_expiry(api):
    user = signed_in_user(api, PHONE)
    claims = _claims(user)
    here = session_cache_start(None)
    found = caller_user(claims, gated=True)
    here.forget()
    here.put(
        session_id=claims.session_id,
        user_id=claims.user_id,
        expires_at=timezone.now() - timedelta(seconds=1),
        value=found,
        generation=here.generation(),
    )
    assert here.get(session_id=claims.session_id, user_id=claims.user_id) is None


def test_signing_out_in_one_process_ends_the_session_in_another_at_once(api, two_processes):
    here, there, subscriber = two_processes
    user = signed_in_user(api, PHONE)
    claims = _claims(user)
    assert api.get(PROFILE, headers=user["headers"]).status_code == 200
    there.put(
        session_id=claims.session_id,
        user_id=claims.user_id,
        expires_at=timezone.now() + timedelta(days=1),
        value=caller_user(claims, gated=True),
        generation=there.generation(),
    )
    assert there.get(session_id=claims.session_id, user_id=claims.user_id) is not None
    assert here.get(session_id=claims.session_id, user_id=claims.user_id) is not None
    heard = subscriber.messages
    assert api.post("/api/v2/auth/logout", headers=user["headers"]).status_code == 200
    _heard(subscriber, heard + 1)
    assert subscriber.messages >= heard + 1
    assert there.get(session_id=claims.session_id, user_id=claims.user_id) is None
    assert api.get(PROFILE, headers=user["headers"]).status_code == 401


def test_a_suspension_reaches_the_other_process_for_every_session(api, two_processes):
    _, there, subscriber = two_processes
    user = signed_in_user(api, PHONE)
    claims = _claims(user)
    staff = User.objects.create_superuser(phone_number="+919999999999", password="a-long-admin-password")
    value = caller_user(claims, gated=True)
    other_session = uuid.uuid4()
    for sid in (claims.session_id, other_session):
        there.put(
            session_id=sid,
            user_id=claims.user_id,
            expires_at=timezone.now() + timedelta(days=1),
            value=value,
            generation=there.generation(),
        )
    heard = subscriber.messages
    assert user_suspend(user_id=claims.user_id, staff=staff) is True
    _heard(subscriber, heard + 1)
    assert there.get(session_id=claims.session_id, user_id=claims.user_id) is None
    assert there.get(session_id=other_session, user_id=claims.user_id) is None
    assert len(there) == 0


def test_a_load_that_began_before_an_invalidation_is_not_stored():
    cache = SessionCache(ttl=60)
    session_id, user_id = uuid.uuid4(), uuid.uuid4()
    before = cache.generation()
    cache.forget(user_id=user_id)  # heard while the request was still reading the database
    cache.put(
        session_id=session_id,
        user_id=user_id,
        expires_at=timezone.now() + timedelta(days=1),
        value="caller",
        generation=before,
    )
    assert cache.get(session_id=session_id, user_id=user_id) is None


def test_with_the_subscriber_stopped_nothing_is_cached(api, two_processes):
    here, there, subscriber = two_processes
    user = signed_in_user(api, PHONE)
    claims = _claims(user)
    assert _queries(claims) == 1
    assert _queries(claims) == 0
    session_cache_stop()  # this process's subscriber goes away; a new cache subscribed to a dead Redis replaces it
    dead = f"redis://127.0.0.1:{free_port()}/0"
    down = session_cache_start(dead, wait=0.2)
    assert down.healthy() is False
    assert _queries(claims) == 1
    assert _queries(claims) == 1  # fail safe: every call checks the database
    subscriber.stop()
    there.put(
        session_id=claims.session_id,
        user_id=claims.user_id,
        expires_at=timezone.now() + timedelta(days=1),
        value="caller",
        generation=there.generation(),
    )
    assert there.get(session_id=claims.session_id, user_id=claims.user_id) is None


def test_forgetting_a_user_drops_exactly_that_users_sessions_among_many():
    cache = SessionCache(ttl=60)
    later = timezone.now() + timedelta(days=1)
    users = [uuid.uuid4() for _ in range(3)]
    sessions = {u: [uuid.uuid4(), uuid.uuid4()] for u in users}
    for u, sids in sessions.items():
        for sid in sids:
            cache.put(session_id=sid, user_id=u, expires_at=later, value=str(u), generation=cache.generation())
    moved = sessions[users[0]][1]  # the same session id later cached for another user leaves the first one's
    cache.put(session_id=moved, user_id=users[2], expires_at=later, value="moved", generation=cache.generation())
    cache.put(  # an entry found expired on read leaves too
        session_id=sessions[users[1]][0],
        user_id=users[1],
        expires_at=timezone.now() - timedelta(seconds=1),
        value="old",
        generation=cache.generation(),
    )
    assert cache.get(session_id=sessions[users[1]][0], user_id=users[1]) is None
    assert len(cache) == 5

    cache.forget(user_id=users[2])

    assert cache.get(session_id=moved, user_id=users[2]) is None
    assert all(cache.get(session_id=sid, user_id=users[2]) is None for sid in sessions[users[2]])
    assert cache.get(session_id=sessions[users[0]][0], user_id=users[0]) == str(users[0])
    assert cache.get(session_id=sessions[users[1]][1], user_id=users[1]) == str(users[1])
    assert len(cache) == 2
    cache.forget(user_id=users[0])
    cache.forget(user_id=users[1])
    assert len(cache) == 0
    cache.forget(user_id=uuid.uuid4())  # a user with nothing cached
    assert len(cache) == 0


def test_creating_a_user_publishes_no_invalidation(transactional_db, two_processes):
    _, _, subscriber = two_processes
    heard = subscriber.messages
    user = User.objects.create_user(phone_number="+916205829377", is_verified=True)
    user.name = "Asha"
    user.save(update_fields=["name"])  # a change to an existing user is heard, now and again after commit
    _heard(subscriber, heard + 3)  # waits the full 5 s only if a third message (the creation's) never comes
    assert subscriber.messages == heard + 2


def test_a_full_cache_lets_its_oldest_tenth_go_and_keeps_the_rest():
    cache = SessionCache(ttl=60, max_entries=50)
    later = timezone.now() + timedelta(days=1)
    stored = [(uuid.uuid4(), uuid.uuid4()) for _ in range(51)]
    for sid, uid in stored:
        cache.put(session_id=sid, user_id=uid, expires_at=later, value=str(sid), generation=cache.generation())
    assert len(cache) == 46  # the 51st found 50 there and made room by the oldest 5
    assert [cache.get(session_id=sid, user_id=uid) is None for sid, uid in stored[:6]] == [True] * 5 + [False]
    assert cache.get(session_id=stored[-1][0], user_id=stored[-1][1]) == str(stored[-1][0])
    cache.forget(user_id=stored[0][1])  # already gone: nothing else moves
    assert len(cache) == 46
