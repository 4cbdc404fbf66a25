from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.rooms.tests.fake_livekit import KEY, SECRET, FakeLiveKit
from loopin.testing.factories import UserWithProfileFactory


def befriend(a: Any, b: Any) -> None:
    friend_request_accept(user=b, request_id=friend_request_send(user=a, to_user_id=b.id).request.id)


@pytest.fixture
def hana(transactional_db: None, interests: list[Any]) -> Any:
    """Hosts rooms."""
    return UserWithProfileFactory(name="Hana")


@pytest.fixture
def sam(transactional_db: None, interests: list[Any]) -> Any:
    """Goes on stage."""
    return UserWithProfileFactory(name="Sam")


@pytest.fixture
def aya(transactional_db: None, interests: list[Any]) -> Any:
    """Listens."""
    return UserWithProfileFactory(name="Aya")


@pytest.fixture
def livekit(app_settings: Any) -> Iterator[FakeLiveKit]:
    """LiveKit faked at its HTTP boundary, and our settings pointing at it."""
    with FakeLiveKit() as fake:
        app_settings.LIVEKIT_URL = fake.url
        app_settings.LIVEKIT_WS_URL = "wss://rtc.example.com"
        app_settings.LIVEKIT_API_KEY = KEY
        app_settings.LIVEKIT_API_SECRET = SECRET
        yield fake
