from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from loopin.people.services.friends import friend_request_accept, friend_request_send
from loopin.testing.factories import UserWithProfileFactory
from loopin.testing.live import ThreadServer


def befriend(a: Any, b: Any) -> None:
    friend_request_accept(user=b, request_id=friend_request_send(user=a, to_user_id=b.id).request.id)


@pytest.fixture
def ana(transactional_db: None, interests: list[Any]) -> Any:
    return UserWithProfileFactory(name="Ana")


@pytest.fixture
def ben(transactional_db: None, ana: Any) -> Any:
    """Ana's friend."""
    ben = UserWithProfileFactory(name="Ben")
    befriend(ana, ben)
    return ben


@pytest.fixture
def cleo(transactional_db: None, interests: list[Any]) -> Any:
    """A stranger to both."""
    return UserWithProfileFactory(name="Cleo")


@pytest.fixture
def session() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture
def live(transactional_db: None, interests: list[Any]) -> Iterator[ThreadServer]:
    with ThreadServer() as server:
        yield server
