"""Fixtures and helpers for every domain's tests."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client
from starlette.testclient import TestClient

from loopin.accounts.models import Interest, User
from loopin.accounts.services import interests_ensure_defaults, session_start
from loopin.accounts.sms import get_sms_backend, use_sms_backend
from loopin.config.asgi import app
from loopin.core import ratelimit
from loopin.core.settings import Settings, get_settings
from loopin.staff.groups import commerce_groups_sync, events_groups_sync, groups_sync, venue_door_groups_sync
from loopin.testing.factories import UserWithProfileFactory


@pytest.fixture(autouse=True)
def _clean_state() -> Iterator[None]:

    ratelimit.reset_all()
    _clear_cache()
    use_sms_backend(None)
    backend = get_sms_backend()
    if hasattr(backend, "outbox"):
        backend.outbox.clear()
    yield
    use_sms_backend(None)


def _clear_cache() -> None:
    """Forget this run's cache keys only: on Redis, `cache.clear()` is FLUSHDB and would also wipe the
    keys of every other run (and service) sharing that database."""

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        backend.clear()
        return
    client = backend._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{backend.key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def app_settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The live Settings object; tests change fields with monkeypatch.setattr(app_settings, ...)."""
    s = get_settings()

    class _Setter:
        def __getattr__(self, name: str) -> Any:
            return getattr(s, name)

        def __setattr__(self, name: str, value: Any) -> None:
            monkeypatch.setattr(s, name, value)

    return _Setter()  # type: ignore[return-value]


@pytest.fixture
def api(transactional_db: None) -> Iterator[TestClient]:
    """The whole ASGI app over HTTP. Requests run on their own threads, hence the transactional DB."""

    interests_ensure_defaults()
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def sent_codes(phone: str) -> list[str]:

    backend = get_sms_backend()
    found = (re.search(r"code is (\d+)", m.body) for m in backend.outbox if m.to == phone)
    return [m.group(1) for m in found if m]  # other texts (an invitation by phone) carry no code


def last_code(phone: str) -> str:
    codes = sent_codes(phone)
    assert codes, f"no code was sent to {phone}"
    return codes[-1]


def sign_up(client: TestClient, phone: str) -> dict[str, Any]:
    """Sign up over HTTP; return the verify-otp response body (with `token` and `refresh_token`)."""
    r = client.post("/api/v2/auth/signup", json={"phone_number": phone})
    assert r.status_code == 200, r.text
    r = client.post("/api/v2/auth/verify-otp", json={"phone_number": phone, "otp_code": last_code(phone)})
    assert r.status_code == 200, r.text
    return r.json()


def auth(body_or_token: dict[str, Any] | str) -> dict[str, str]:
    token = body_or_token if isinstance(body_or_token, str) else body_or_token["token"]
    return {"Authorization": f"Bearer {token}"}


PROFILE = {
    "name": "Gaurav Kumar",
    "birth_date": "1995-01-01",
    "gender": "male",
    "event_interests": [1, 2, 3],
    "profile_pictures": ["https://example.com/pic1.jpg", "https://example.com/pic2.jpg"],
}


def interest_ids(n: int = 3) -> list[int]:

    return list(Interest.objects.filter(is_active=True).order_by("position").values_list("id", flat=True)[:n])


def signed_in_user(client: TestClient, phone: str, *, complete: bool = True, **profile: Any) -> dict[str, Any]:
    """A verified user (with a complete profile by default); returns {'token', 'user_id', 'headers', ...}."""
    body = sign_up(client, phone)
    headers = auth(body)
    if complete:
        data = {**PROFILE, "event_interests": interest_ids(3), **profile}
        r = client.post("/api/v2/auth/complete-profile", json=data, headers=headers)
        assert r.status_code == 200, r.text
    return {
        "token": body["token"],
        "refresh_token": body["refresh_token"],
        "user_id": body["data"]["user_id"],
        "headers": headers,
        "phone": phone,
    }


def token_for(user: User) -> dict[str, str]:
    """Headers of a fresh session for a user made by a factory (skips the OTP round trip)."""

    return auth(session_start(user=user).access_token)


@pytest.fixture
def interests(transactional_db: None) -> list[Any]:

    interests_ensure_defaults()
    return list(Interest.objects.order_by("position"))


def run_task(task: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a Celery task in place, as a worker would, and return its result (raising what it raised).

    Not `task.delay().get()`: Celery's "never join a result inside a task" guard is a process-wide flag
    that eager tasks running at once in several threads (the concurrency tests) can leave set.
    """
    result = task.apply(args=args, kwargs=kwargs)
    if result.failed():
        raise result.result
    return result.result


def superuser_client() -> tuple[Any, Any]:
    """A Django test client signed in to the admin as a new superuser, and that superuser."""

    staff = User.objects.create_superuser(phone_number="+919999999999", password="a-long-admin-password")
    client = Client()
    client.force_login(staff)
    return client, staff


def admin_action(client: Any, changelist: str, action: str, ids: Any) -> Any:
    """Run an admin action on the selected rows through the changelist, as staff do."""
    return client.post(changelist, {"action": action, "_selected_action": [str(i) for i in ids]}, follow=True)


def staff_in(group: str, **fields: Any) -> Any:
    """A staff member in one of the staff groups (staff/groups.py), the groups' permissions applied as the
    migrations apply them (a transactional test starts from an emptied database)."""

    groups_sync(apps)
    events_groups_sync(apps)
    commerce_groups_sync(apps)
    venue_door_groups_sync(apps)
    importlib.import_module("loopin.payments.migrations.0002_finance_permissions").forwards(apps, None)
    staff = UserWithProfileFactory(is_staff=True, **fields)
    staff.groups.add(Group.objects.get(name=group))
    return staff
