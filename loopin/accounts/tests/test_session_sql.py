"""The session check as SQL compiled once (`selectors.SESSION`, issue 22): the same session and user, field for
field, as the ORM's select_related read it replaced; one statement; every way a session fails still fails as
before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loopin.accounts.models import AuthSession, User
from loopin.accounts.selectors import SESSION, session_user
from loopin.accounts.services.sessions import session_start
from loopin.core.errors import NotAuthenticated, PermissionDenied
from loopin.testing.factories import UserWithProfileFactory

pytestmark = pytest.mark.django_db


def _new_session(user: User) -> AuthSession:
    before = set(AuthSession.objects.filter(user=user).values_list("id", flat=True))
    session_start(user=user)
    return AuthSession.objects.filter(user=user).exclude(id__in=before).get()


def _columns(session: AuthSession) -> dict:
    return {f.attname: getattr(session, f.attname) for f in AuthSession._meta.concrete_fields}


def _fields(user: User) -> dict:
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


def test_the_compiled_read_gives_the_user_the_orm_gave_field_for_field():
    person = UserWithProfileFactory(bio="Runs the Sunday club", is_staff=True)
    session = _new_session(person)
    with CaptureQueriesContext(connection) as queries:
        got = session_user(user_id=person.id, session_id=session.id)
    assert len(queries) == 1
    orm = AuthSession.objects.select_related("user").get(id=session.id).user
    assert _fields(got) == _fields(orm)
    assert _fields(got)["bio"] == "Runs the Sunday club"
    assert got._auth_session_id == session.id
    assert got._auth_session_expires_at == session.expires_at
    assert got._state.adding is False and got._state.db == "default"
    got.name = "Renamed"
    got.save(update_fields=["name"])  # an UPDATE of the loaded row, not an INSERT
    assert User.objects.get(id=person.id).name == "Renamed"
    compiled = SESSION.instances(session_id=session.id, user_id=person.id)
    by_orm = SESSION.instances_orm(session_id=session.id, user_id=person.id)
    assert [(_columns(s), _fields(s.user)) for s in compiled] == [(_columns(s), _fields(s.user)) for s in by_orm]


def test_an_ended_expired_foreign_suspended_or_disabled_session_fails_as_before():
    person = UserWithProfileFactory()
    other = UserWithProfileFactory()
    ended = _new_session(person)
    ended.revoked_at = timezone.now()
    ended.save(update_fields=["revoked_at"])
    expired = _new_session(person)
    expired.expires_at = timezone.now() - timedelta(seconds=1)
    expired.save(update_fields=["expires_at"])
    live = _new_session(person)
    for session_id, user_id in ((ended.id, person.id), (expired.id, person.id), (live.id, other.id)):
        with pytest.raises(NotAuthenticated) as failed:
            session_user(user_id=user_id, session_id=session_id)
        assert failed.value.code == "SESSION_EXPIRED"
    User.objects.filter(id=person.id).update(is_active=False)
    with pytest.raises(NotAuthenticated) as failed:
        session_user(user_id=person.id, session_id=live.id)
    assert failed.value.code == "ACCOUNT_DISABLED"
    User.objects.filter(id=person.id).update(is_active=True, is_suspended=True)
    with pytest.raises(PermissionDenied) as failed:
        session_user(user_id=person.id, session_id=live.id)
    assert failed.value.code == "ACCOUNT_SUSPENDED"
