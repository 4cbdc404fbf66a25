from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from loopin.accounts.services import session_start
from loopin.chat.models import Conversation
from loopin.chat.services.groups import event_chat_open
from loopin.participation.attendance import attendance_confirm
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.live import ThreadServer


@pytest.fixture
def live(transactional_db: None, interests: list[Any]) -> Iterator[ThreadServer]:
    """The whole app under uvicorn on a free port (in-process manager, or Redis when the run has it)."""
    with ThreadServer() as server:
        yield server


@pytest.fixture
def party(transactional_db: None, interests: list[Any]) -> dict[str, Any]:
    """A published event whose chat has the host and one guest with a ticket; a stranger outside it."""

    host, guest, stranger = UserWithProfileFactory(), UserWithProfileFactory(), UserWithProfileFactory()
    event = PublishedEventFactory(host=host)
    event_chat_open(event_id=event.id)
    attendance_confirm(user=guest, event_id=event.id)
    return {
        "event": event,
        "conversation": Conversation.objects.get(event=event),
        "host": host,
        "guest": guest,
        "stranger": stranger,
        "tokens": {
            name: session_start(user=u).access_token
            for name, u in (("host", host), ("guest", guest), ("stranger", stranger))
        },
    }
