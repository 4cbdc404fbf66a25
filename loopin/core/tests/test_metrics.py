"""/metrics: latency by route template and status, DB queries per request, task outcomes, access rules."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from loopin.audit.tasks import purge_expired
from loopin.config.asgi import app
from loopin.core import metrics
from loopin.testing.fixtures import signed_in_user


def _sample(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        match = re.fullmatch(re.escape(name) + r"\{(.*)\} (\S+)", line)
        if not match:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(match.group(2))
    return total


@pytest.fixture
def metrics_token(app_settings):
    app_settings.METRICS_TOKEN = "m" * 40
    return {"Authorization": "Bearer " + "m" * 40}


def _scrape(client, headers) -> str:
    r = client.get("/metrics", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return r.text


def test_request_latency_is_labelled_by_route_template_and_status(api, metrics_token):
    user = signed_in_user(api, "+916205829376")
    before = _scrape(api, metrics_token)
    name = "loopin_http_request_duration_seconds_count"
    labels = {"method": "GET", "route": "/api/v2/events/{event_id}", "status": "404"}
    start = _sample(before, name, **labels)
    api.get("/api/v2/events/6f1c0b8e-0000-4000-8000-000000000001", headers=user["headers"])
    api.get("/api/v2/events/6f1c0b8e-0000-4000-8000-000000000002", headers=user["headers"])
    after = _scrape(api, metrics_token)
    assert _sample(after, name, **labels) == start + 2


def test_unknown_paths_share_one_label(api, metrics_token):
    start = _sample(
        _scrape(api, metrics_token), "loopin_http_request_duration_seconds_count", route="unmatched", status="404"
    )
    api.get("/api/nope-1")
    api.get("/api/nope-2")
    after = _scrape(api, metrics_token)
    assert _sample(after, "loopin_http_request_duration_seconds_count", route="unmatched", status="404") == start + 2
    assert "nope-1" not in after


def test_db_queries_per_request_are_counted(api, metrics_token):
    name = "loopin_db_queries_per_request"
    before = _scrape(api, metrics_token)
    count0 = _sample(before, name + "_count", route="/api/v2/auth/event-interests")
    sum0 = _sample(before, name + "_sum", route="/api/v2/auth/event-interests")
    assert api.get("/api/v2/auth/event-interests").status_code == 200
    after = _scrape(api, metrics_token)
    assert _sample(after, name + "_count", route="/api/v2/auth/event-interests") == count0 + 1
    assert _sample(after, name + "_sum", route="/api/v2/auth/event-interests") >= sum0 + 1


def test_task_outcomes_are_counted(api, metrics_token):

    name = "loopin_celery_tasks_total"
    start = _sample(_scrape(api, metrics_token), name, task="audit.purge_expired", outcome="success")
    purge_expired.delay()
    after = _scrape(api, metrics_token)
    assert _sample(after, name, task="audit.purge_expired", outcome="success") == start + 1


def test_metrics_refuse_a_stranger(api, app_settings):
    app_settings.METRICS_TOKEN = "m" * 40

    with TestClient(app, raise_server_exceptions=False, client=("203.0.113.9", 5000)) as stranger:
        r = stranger.get("/metrics")
        assert r.status_code == 403
        assert r.json()["error_code"] == "FORBIDDEN"
        assert stranger.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
        assert stranger.get("/metrics", headers={"Authorization": "Bearer " + "m" * 40}).status_code == 200


def test_metrics_open_to_allowed_networks_without_a_token(api, app_settings):
    app_settings.METRICS_ALLOWED_NETWORKS = ["198.51.100.0/24"]
    metrics._allowed.cache_clear()

    try:
        with TestClient(app, raise_server_exceptions=False, client=("198.51.100.20", 5000)) as ops:
            assert ops.get("/metrics").status_code == 200
        with TestClient(app, raise_server_exceptions=False, client=("198.51.101.20", 5000)) as other:
            assert other.get("/metrics").status_code == 403
    finally:
        metrics._allowed.cache_clear()


def test_an_empty_token_setting_opens_nothing(app_settings):
    app_settings.METRICS_TOKEN = ""
    assert metrics.metrics_allowed(authorization="Bearer ", ip="203.0.113.9") is False
