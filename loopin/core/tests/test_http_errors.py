"""The error envelope for everything a client can send, the request id, and the access log."""

from __future__ import annotations

import json
import logging

import pytest
from starlette.testclient import TestClient

from loopin.config.asgi import create_app
from loopin.core.logging import configure_logging, get_logger
from loopin.core.throttle import limited_path
from loopin.testing.fixtures import auth, sign_up, signed_in_user


def _is_envelope(body, code):
    assert body["success"] is False
    assert body["error_code"] == code
    assert isinstance(body["error"], str) and body["error"]
    assert "details" in body


def test_unknown_route_is_404_in_the_envelope(api):
    r = api.get("/api/does-not-exist")
    assert r.status_code == 404
    _is_envelope(r.json(), "NOT_FOUND")


def test_wrong_method_is_405_in_the_envelope(api):
    r = api.delete("/api/v2/auth/signup")
    assert r.status_code == 405
    _is_envelope(r.json(), "METHOD_NOT_ALLOWED")


def test_malformed_json_is_422(api):
    r = api.post("/api/v2/auth/signup", content=b'{"phone_number": ', headers={"content-type": "application/json"})
    assert r.status_code == 422
    _is_envelope(r.json(), "VALIDATION_ERROR")
    assert r.json()["details"]["fields"][0]["code"] == "INVALID_JSON"


def test_wrong_json_type_names_the_field(api):
    r = api.post("/api/v2/auth/signup", json={"phone_number": 12345})
    assert r.status_code == 422
    assert r.json()["details"]["fields"][0]["field"] == "phone_number"


def test_body_over_one_megabyte_is_413(api):
    r = api.post(
        "/api/v2/auth/signup",
        content=json.dumps({"phone_number": "x" * (1024 * 1024)}),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413
    _is_envelope(r.json(), "PAYLOAD_TOO_LARGE")


def test_streamed_body_over_the_limit_is_413_even_without_content_length(api):
    def chunks():
        for _ in range(20):
            yield b"x" * 65536

    r = api.post("/api/v2/auth/signup", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_uploads_may_be_larger_than_json_bodies(api):

    headers = auth(sign_up(api, "+916205829376"))
    big = b"\xff\xd8" + b"\0" * (2 * 1024 * 1024)
    r = api.post(
        "/api/v2/auth/complete-profile",
        headers=headers,
        data={"name": "Asha Rao"},
        files=[("profile_pictures", ("a.jpg", big, "image/jpeg"))],
    )
    assert r.status_code == 422  # reached validation: not refused for size


def test_request_id_is_echoed_or_made(api):
    r = api.get("/api/health", headers={"X-Request-ID": "client-abc-123"})
    assert r.headers["X-Request-ID"] == "client-abc-123"
    r = api.get("/api/health", headers={"X-Request-ID": "bad id with spaces\n"})
    assert len(r.headers["X-Request-ID"]) == 32
    assert api.get("/api/nope").headers["X-Request-ID"]


@pytest.fixture
def failing_client(transactional_db):

    app = create_app()

    @app.get("/api/test-boom")
    async def boom():
        raise RuntimeError("secret internals +916205829376")

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_unexpected_errors_are_500_with_the_request_id_and_no_trace(failing_client):
    r = failing_client.get("/api/test-boom", headers={"X-Request-ID": "req-42"})
    assert r.status_code == 500
    body = r.json()
    _is_envelope(body, "INTERNAL_ERROR")
    assert body["details"] == {"request_id": "req-42"}
    assert "secret" not in r.text and "Traceback" not in r.text
    assert r.headers["X-Request-ID"] == "req-42"


def test_one_log_line_per_request_without_phone_numbers(api, caplog):

    caplog.set_level(logging.INFO)
    api.post("/api/v2/auth/signup", json={"phone_number": "+916205829376"}, headers={"X-Request-ID": "log-1"})
    lines = [r.msg for r in caplog.records if r.name == "loopin.request" and isinstance(r.msg, dict)]
    assert [(line["method"], line["path"], line["status"], line["request_id"]) for line in lines] == [
        ("POST", "/api/v2/auth/signup", 200, "log-1")
    ]
    assert lines[0]["duration_ms"] > 0
    assert "6205829376" not in caplog.text
    assert all("6205829376" not in str(r.msg) for r in caplog.records)


def test_log_lines_render_as_json(caplog):

    configure_logging()
    formatter = logging.getLogger().handlers[0].formatter
    caplog.set_level(logging.INFO)
    get_logger("loopin.test").info("hello", answer=42)
    [record] = [r for r in caplog.records if r.name == "loopin.test"]
    line = json.loads(formatter.format(record))
    assert line["event"] == "hello" and line["answer"] == 42 and line["level"] == "info"


def test_a_body_that_is_not_utf8_is_422(api):
    r = api.post("/api/v2/auth/signup", content=b"\xff\xfe\xfd", headers={"content-type": "application/json"})
    assert r.status_code == 422
    _is_envelope(r.json(), "VALIDATION_ERROR")
    assert r.json()["details"]["fields"][0]["code"] == "INVALID_BODY"


@pytest.mark.parametrize("document", ["/api/openapi.json", "/api/v2/openapi.json"])
def test_every_api_operation_documents_the_global_errors(api, document):

    schema = api.get(document).json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert "503" in operation["responses"], (method, path)
            # Everything the global caps cover documents 429; health checks and signed webhooks are exempt.
            assert ("429" in operation["responses"]) == limited_path(path), (method, path)
    assert not limited_path("/api/payments/webhooks/razorpay") and limited_path("/api/v2/events")


def test_too_many_files_is_422_not_400(api):

    user = signed_in_user(api, "+916205829376")
    files = [("profile_pictures", (f"p{i}.jpg", b"x", "image/jpeg")) for i in range(7)]
    r = api.put("/api/v2/auth/profile", files=files, headers=user["headers"])
    assert r.status_code == 422
    _is_envelope(r.json(), "VALIDATION_ERROR")
    assert r.json()["details"]["fields"][0]["message"] == "Too many files. Maximum number of files is 6."


def test_an_offset_beyond_any_list_is_422(api):
    r = api.get("/api/v2/events", params={"offset": 10**25})
    assert r.status_code == 422
    assert r.json()["details"]["fields"][0]["field"] == "offset"
