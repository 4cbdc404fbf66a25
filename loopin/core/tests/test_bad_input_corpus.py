"""Every operation in both OpenAPI documents (the app's dialect and the designed API), fed the bad-input
corpus: NUL and control characters, deep nesting, huge numbers, extreme dates, a JSON bomb, wrong content
types, broken multipart. Each answer is below 500 and an error is the envelope with an `error_code`; a NUL or
a control character is a 422."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from loopin.config.asgi import app
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for

with TestClient(app) as _client:
    DOCUMENTS = [_client.get("/api/openapi.json").json(), _client.get("/api/v2/openapi.json").json()]
COMPONENTS = {name: s for doc in DOCUMENTS for name, s in doc["components"]["schemas"].items()}
METHODS = {"get", "put", "post", "patch", "delete"}
OPERATIONS = list(
    {
        (path, method): (path, method, op)
        for doc in DOCUMENTS
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }.values()
)

NUL, CONTROL = "a\x00b", "a\x1b[31mb"
HUGE = "9" * 400
EXTREME_DATES = ["9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-12:00", "0"]
BAD_TEXT = [NUL, CONTROL]
OTHER_VALUES = [HUGE, "1e400", *EXTREME_DATES, "x" * 5000]
DEEP = b"[" * 5000 + b"]" * 5000
BOMB = b"[" + b"0," * 300_000 + b"0]"
MULTIPART = "multipart/form-data; boundary=X"  # 600 kB of one array: under the body limit, far past any field's


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[1]]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [_resolve(s) for s in schema[key] if s.get("type") != "null"]
            if options:
                return options[0]
    return schema


def _sample(schema: dict[str, Any], bad: Any) -> Any:
    """A value of the schema's shape with `bad` in every string (and number) slot."""
    schema = _resolve(schema)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: _sample(sub, bad) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [_sample(schema.get("items", {}), bad)]
    if kind in ("integer", "number"):
        return bad if not isinstance(bad, str) else 10**30
    if kind == "boolean":
        return True
    return bad


def _envelope_or_success(r) -> None:
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        body = r.json()
        assert body["success"] is False and isinstance(body["error_code"], str) and body["error_code"], r.text


@pytest.fixture
def world(api, app_settings):
    app_settings.RATE_LIMIT_ENABLED = False
    user = UserWithProfileFactory()
    event = PublishedEventFactory(host=user)
    return {"headers": token_for(user), "event": event}


def _fill_path(path: str, op: dict[str, Any], world: dict[str, Any], override: dict[str, str] | None = None) -> str:
    for param in op.get("parameters", []):
        if param["in"] != "path":
            continue
        name = param["name"]
        value = (override or {}).get(name)
        if value is None:
            schema = _resolve(param.get("schema", {}))
            if schema.get("format") == "uuid":
                value = str(world["event"].id) if name == "event_id" else str(uuid.uuid4())
            elif schema.get("type") == "integer":
                value = "1"
            else:
                value = "sandbox"
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS])
def test_every_operation_survives_the_bad_input_corpus(api, world, path, method, op):
    headers = world["headers"]
    call = api.request

    # Query and path parameters: every bad value in every one.
    for param in op.get("parameters", []):
        if param["in"] not in ("query", "path"):
            continue
        for value in [*BAD_TEXT, *OTHER_VALUES]:
            if param["in"] == "query":
                url, query = _fill_path(path, op, world), {param["name"]: value}
            else:
                url, query = _fill_path(path, op, world, {param["name"]: value}), {}
            r = call(method, url, params=query, headers=headers)
            _envelope_or_success(r)
            if value in BAD_TEXT and r.status_code != 404:  # a path segment with NUL may match no route
                assert r.status_code == 422, (param["name"], r.text)

    url = _fill_path(path, op, world)
    content = op.get("requestBody", {}).get("content", {})
    # Bodies: the corpus in every slot of the JSON schema, and bodies no parser should take.
    if "application/json" in content:
        schema = content["application/json"].get("schema", {})
        for bad in [*BAD_TEXT, HUGE, EXTREME_DATES[0], 1e308, -(2**70)]:
            body = _sample(schema, bad)
            r = call(method, url, json=body, headers=headers)
            _envelope_or_success(r)
            if bad in BAD_TEXT and bad in json.dumps(body, ensure_ascii=False):  # the body has a string slot
                assert r.status_code == 422, r.text
    if content:
        for raw, ctype in [
            (DEEP, "application/json"),
            (BOMB, "application/json"),
            (b'{"a": NaN}', "application/json"),
            (b"\xff\xfe\x00", "application/json"),
            (json.dumps({"a": HUGE}).encode(), "text/plain"),
            (b"<a/>", "application/xml"),
            (b'--X\r\nContent-Disposition: form-data; name="a"\r\n\r\nb', "multipart/form-data; boundary=X"),
            (
                b'--X\r\nContent-Disposition: form-data; name="\xe9"\r\n\r\nb\r\n--X--\r\n',
                "multipart/form-data; boundary=X",
            ),
            (
                b'--X\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\x00\r\n--X--\r\n',
                "multipart/form-data; boundary=X",
            ),
        ]:
            r = call(method, url, content=raw, headers={**headers, "content-type": ctype})
            _envelope_or_success(r)
            assert r.status_code >= 400, (ctype, raw[:40], r.text)


def test_the_corpus_reaches_every_operation_of_both_documents():
    assert {(p, m) for p, m, _ in OPERATIONS} == {
        (p, m) for doc in DOCUMENTS for p, item in doc["paths"].items() for m in item if m in METHODS
    }
    assert {"/api/events/{event_id}", "/api/v2/events/{event_id}"} <= {p for p, _, _ in OPERATIONS}
    assert {m for _, m, _ in OPERATIONS} == METHODS
