"""The onboarding waitlist: who is held, which endpoints answer WAITLISTED, and promotion exactly once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from pydantic import ValidationError

from loopin.accounts.models import User
from loopin.accounts.tasks import promote_waitlisted
from loopin.accounts.waitlist import waitlist_promote, waitlist_promote_due
from loopin.audit.models import AuditEntry
from loopin.core import hooks
from loopin.core.settings import Settings
from loopin.testing.concurrency import run_at_once
from loopin.testing.fixtures import PROFILE, interest_ids, run_task, signed_in_user

PHONE = "+916205829376"


@pytest.fixture
def waitlist_on(app_settings):
    app_settings.WAITLIST_ENABLED = True
    return app_settings


@pytest.fixture
def held(api, waitlist_on):
    """A user who just completed their profile with the waitlist on."""
    return signed_in_user(api, PHONE)


def _due_now(user_id):
    user = User.objects.get(id=user_id)
    user.promote_at = timezone.now() - timedelta(seconds=1)
    user.save(update_fields=["promote_at"])  # a save: the cached caller is forgotten (loopin.core.sessioncache)


def test_the_waitlist_is_off_by_default(api, probe):
    user = signed_in_user(api, PHONE)
    assert User.objects.get().promote_at is None
    assert probe.get("/gated", headers=user["headers"]).status_code == 200


def test_first_completion_holds_the_user_for_66_to_81_minutes(api, waitlist_on):
    before = timezone.now()
    user = signed_in_user(api, PHONE)
    promote_at = User.objects.get().promote_at
    assert before + timedelta(minutes=66) <= promote_at <= timezone.now() + timedelta(minutes=81)
    profile = api.get("/api/v2/auth/profile", headers=user["headers"]).json()["data"]
    assert profile["waitlisted"] is True
    assert datetime.fromisoformat(profile["promote_at"]) == promote_at
    assert AuditEntry.objects.filter(action="waitlist.joined").count() == 1


def test_the_delay_bounds_are_settings(api, waitlist_on):
    waitlist_on.WAITLIST_MIN_MINUTES = 5
    waitlist_on.WAITLIST_MAX_MINUTES = 5
    before = timezone.now()
    signed_in_user(api, PHONE)
    delay = User.objects.get().promote_at - before
    assert timedelta(minutes=5) <= delay < timedelta(minutes=5, seconds=5)


def test_a_minimum_above_the_maximum_is_refused_at_start():
    with pytest.raises(ValidationError, match="WAITLIST_MIN_MINUTES"):
        Settings(WAITLIST_MIN_MINUTES=90, WAITLIST_MAX_MINUTES=81)


def test_completing_through_a_profile_update_also_holds(api, waitlist_on):
    user = signed_in_user(api, PHONE, complete=False)
    r = api.put("/api/v2/auth/profile", headers=user["headers"], json={**PROFILE, "event_interests": interest_ids(2)})
    assert r.status_code == 200
    assert r.json()["data"]["waitlisted"] is True


def test_a_later_profile_change_does_not_hold_again(api, app_settings):
    user = signed_in_user(api, PHONE)
    app_settings.WAITLIST_ENABLED = True
    r = api.put("/api/v2/auth/profile", headers=user["headers"], json={"name": "Gaurav K"})
    assert r.json()["data"]["waitlisted"] is False
    assert User.objects.get().promote_at is None


def test_gated_endpoints_answer_waitlisted_with_promote_at(held, probe):
    r = probe.get("/gated", headers=held["headers"])
    assert r.status_code == 403
    body = r.json()
    assert body["error_code"] == "WAITLISTED"
    assert body["details"] == {"promote_at": User.objects.get().promote_at.isoformat()}


def test_optional_auth_endpoints_are_gated_for_a_waitlisted_caller(held, probe):
    assert probe.get("/optional", headers=held["headers"]).json()["error_code"] == "WAITLISTED"
    assert probe.get("/optional").json() == {"user_id": None}


def test_auth_profile_and_me_endpoints_stay_open(api, held):
    headers = held["headers"]
    assert api.get("/api/v2/auth/profile", headers=headers).status_code == 200
    assert api.put("/api/v2/auth/profile", headers=headers, json={"bio": "hi"}).status_code == 200
    assert api.get("/api/v2/me/export", headers=headers).status_code == 200
    assert api.post("/api/v2/auth/refresh", json={"refresh_token": held["refresh_token"]}).status_code == 200
    assert api.post("/api/v2/auth/logout", headers=headers).status_code == 200


def test_a_due_user_is_promoted_lazily_on_their_next_call(held, probe):
    _due_now(held["user_id"])
    r = probe.get("/gated", headers=held["headers"])
    assert r.status_code == 200
    user = User.objects.get()
    assert user.promoted_at is not None and not user.is_waitlisted
    entry = AuditEntry.objects.get(action="waitlist.promoted")
    assert entry.data == {"via": "lazy"} and entry.actor_id is None


def test_the_periodic_task_promotes_due_users_only(api, waitlist_on):
    due = signed_in_user(api, PHONE)
    later = signed_in_user(api, "+916205829377")
    _due_now(due["user_id"])
    assert run_task(promote_waitlisted) == 1
    assert User.objects.get(id=due["user_id"]).promoted_at is not None
    assert User.objects.get(id=later["user_id"]).is_waitlisted


def test_running_the_task_twice_is_harmless(held, probe):
    _due_now(held["user_id"])
    assert waitlist_promote_due() == 1
    promoted_at = User.objects.get().promoted_at
    assert waitlist_promote_due() == 0
    assert User.objects.get().promoted_at == promoted_at
    assert AuditEntry.objects.filter(action="waitlist.promoted").count() == 1
    assert probe.get("/gated", headers=held["headers"]).status_code == 200


def test_promotion_welcomes_through_the_registered_listeners_once(held, monkeypatch):
    welcomed = []
    monkeypatch.setitem(hooks._waitlist_promoted, "notifications.welcome", lambda user: welcomed.append(user.id))
    _due_now(held["user_id"])
    waitlist_promote_due()
    waitlist_promote_due()
    assert [str(i) for i in welcomed] == [held["user_id"]]


def test_staff_promote_before_the_time(held):
    staff = User.objects.create_superuser(phone_number="+919999999999", password="a-long-admin-password")
    assert waitlist_promote(user_id=held["user_id"], via="staff", by=staff) is True
    assert waitlist_promote(user_id=held["user_id"], via="staff", by=staff) is False
    entry = AuditEntry.objects.get(action="waitlist.promoted")
    assert entry.actor_id == staff.id and entry.data == {"via": "staff"}


def test_concurrent_promoters_promote_exactly_once(held):
    _due_now(held["user_id"])
    results = run_at_once([lambda: waitlist_promote(user_id=held["user_id"], via="schedule")] * 4)
    assert sorted(results) == [False, False, False, True]
    assert AuditEntry.objects.filter(action="waitlist.promoted").count() == 1
