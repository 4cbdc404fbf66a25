"""Notifications test helpers: the log outbox, a fake HTTP transport for OneSignal and FCM."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import firebase_admin
import google.oauth2.credentials
import pytest
import requests
from firebase_admin import credentials

from loopin.notifications.models import Notification
from loopin.notifications.push import FcmPushBackend, OneSignalPushBackend, log_outbox, use_push_backend


@pytest.fixture(autouse=True)
def _clean_push() -> Iterator[None]:
    log_outbox().clear()
    yield
    use_push_backend("onesignal", None)
    use_push_backend("fcm", None)
    log_outbox().clear()


class FakeHttp(requests.adapters.BaseAdapter):
    """A requests transport that answers from a script and records what was sent (nothing leaves the box).

    Each answer is (status, json body) or an exception to raise; the last answer repeats.
    """

    def __init__(self, *answers: Any) -> None:
        super().__init__()
        self.answers = list(answers)
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.encoding = "utf-8"
        response.request = request
        response.url = request.url
        return response

    def close(self) -> None:
        pass

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.requests]


def onesignal_over(fake: FakeHttp) -> Any:
    """The real OneSignal backend whose HTTP session goes to `fake`."""

    session = requests.Session()
    session.mount("https://", fake)
    backend = OneSignalPushBackend(session=session, app_id="app-123", api_key="key-456")
    use_push_backend("onesignal", backend)
    return backend


@pytest.fixture
def fcm_over() -> Iterator[Any]:
    """Make the real FCM backend (firebase-admin) send through a FakeHttp; a static test token signs requests."""

    class StaticToken(credentials.Base):
        def get_credential(self) -> Any:
            return google.oauth2.credentials.Credentials(token="test-access-token")

    apps: list[Any] = []

    def make(fake: FakeHttp) -> Any:
        app = firebase_admin.initialize_app(StaticToken(), {"projectId": "loopin-test"}, name=uuid.uuid4().hex)
        apps.append(app)
        backend = FcmPushBackend(app=app)
        backend.mount_adapter(fake)
        use_push_backend("fcm", backend)
        return backend

    yield make
    for app in apps:
        firebase_admin.delete_app(app)


def notifications_of(user: Any) -> list[tuple[str, str]]:

    return list(Notification.objects.filter(user=user).order_by("created_at").values_list("type", "title"))


def types_by_user() -> dict[Any, list[str]]:

    result: dict[Any, list[str]] = {}
    for user_id, type_ in Notification.objects.order_by("created_at").values_list("user_id", "type"):
        result.setdefault(user_id, []).append(type_)
    return result
