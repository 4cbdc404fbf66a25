"""The one parser and the one text rule (core.routing): NUL and control characters, deep or odd JSON,
broken multipart, and the method answers (405 with Allow, OPTIONS). 422 in the envelope, never a 500."""

from __future__ import annotations

import pytest
from fastapi import APIRouter as PlainRouter
from fastapi import FastAPI
from fastapi.testclient import TestClient

from loopin.accounts.models import User
from loopin.core.routing import APIRouter, add_routes, ensure_loopin_routes
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import auth, sign_up, token_for

PHONE = "+916205829376"


def _codes(r):
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["success"] is False and body["error_code"] == "VALIDATION_ERROR"
    return [(f["field"], f["code"]) for f in body["details"]["fields"]]


@pytest.fixture
def host(api):
    user = UserWithProfileFactory()
    return user, token_for(user)


# ------------------------------------------------------------------ text: query, path, JSON, multipart


@pytest.mark.parametrize(
    "url,field",
    [
        ("/api/v2/events?q=%00", "q"),
        ("/api/v2/events?city=%00", "city"),
        ("/api/v2/events?lat=1&lng=1&q=a%00b", "q"),
        ("/api/v2/venues?q=%00", "q"),
        ("/api/v2/venues?city=x%1B[31m", "city"),
        ("/api/v2/events/resolve?path=/in/x/events/%00", "path"),
    ],
)
def test_nul_and_control_characters_in_the_query_are_422_without_signing_in(api, url, field):
    assert _codes(api.get(url)) == [(field, "INVALID_CHARACTER")]


def test_nul_in_a_query_names_the_parameter(api):
    assert _codes(api.get("/api/v2/events?city=Pune&q=jam%00")) == [("q", "INVALID_CHARACTER")]


def test_nul_in_a_json_field_is_422_and_nothing_is_stored(api):
    before = User.objects.count()
    r = api.post("/api/v2/hosts/become-a-host", json={"first_name": "As\u0000ha", "phone_number": "+916205829399"})
    assert _codes(r) == [("first_name", "INVALID_CHARACTER")]
    assert User.objects.count() == before


@pytest.mark.parametrize(
    "path,body,field",
    [
        ("/api/v2/venues", {"name": "Hall\u0000", "city": "Pune"}, "name"),
        ("/api/v2/venues", {"name": "Hall", "city": "Pune\u0007"}, "city"),
    ],
)
def test_signed_in_json_strings_are_checked(api, host, path, body, field):
    _, headers = host
    assert _codes(api.post(path, json=body, headers=headers)) == [(field, "INVALID_CHARACTER")]


def test_a_lone_surrogate_is_refused(api, host):
    _, headers = host
    raw = b'{"name": "Hall", "city": "Pune", "address": "\\ud800"}'
    r = api.post("/api/v2/venues", content=raw, headers={**headers, "content-type": "application/json"})
    assert _codes(r) == [("address", "INVALID_CHARACTER")]


def test_a_nul_in_a_json_key_is_refused(api):
    assert _codes(api.post("/api/v2/auth/signup", json={"phone\u0000": "+916205829376"}))[0][1] == "INVALID_CHARACTER"


def test_tabs_and_newlines_are_text(api, host):
    _, headers = host
    r = api.post(
        "/api/v2/venues", json={"name": "The Hall", "city": "Pune", "address": "Line 1\nLine 2\tB"}, headers=headers
    )
    assert r.status_code == 201, r.text
    assert r.json()["data"]["address"] == "Line 1\nLine 2\tB"


def test_nul_in_a_multipart_field_is_422(api):
    headers = auth(sign_up(api, PHONE))
    body, ct = _multipart(b'--XyZ\r\nContent-Disposition: form-data; name="bio"\r\n\r\nhi\x00\r\n--XyZ--\r\n')
    assert _codes(api.put("/api/v2/auth/profile", content=body, headers={**headers, **ct})) == [
        ("bio", "INVALID_CHARACTER")
    ]


def test_nul_in_a_path_parameter_is_422(api):
    assert _codes(api.post("/api/payments/webhooks/sand%00box", content=b"{}"))[0] == ("provider", "INVALID_CHARACTER")


# ------------------------------------------------------------------ JSON the parser cannot take


@pytest.mark.parametrize("path,method", [("/api/v2/auth/complete-profile", "post"), ("/api/v2/auth/profile", "put")])
def test_deeply_nested_json_is_422_on_the_profile_endpoints(api, path, method):
    headers = {**auth(sign_up(api, PHONE)), "content-type": "application/json"}
    r = getattr(api, method)(path, content=b"[" * 1000 + b"]" * 1000, headers=headers)
    assert _codes(r) == [("body", "JSON_TOO_DEEP")]
    r = getattr(api, method)(path, content=b'{"a":' * 100_000, headers=headers)
    assert r.status_code == 422


def test_nesting_past_the_limit_is_422_even_where_json_loads_copes(api):
    body = b'{"phone_number": ' + b"[" * 40 + b"]" * 40 + b"}"
    r = api.post("/api/v2/auth/signup", content=body, headers={"content-type": "application/json"})
    assert _codes(r) == [("body", "JSON_TOO_DEEP")]


@pytest.mark.parametrize(
    "raw",
    [b'{"phone_number": NaN}', b'{"phone_number": -Infinity}', b'{"n": 1e999}', b'{"n": ' + b"9" * 30 + b"}"],
)
def test_numbers_json_or_our_columns_cannot_hold_are_422(api, raw):
    r = api.post("/api/v2/auth/signup", content=raw, headers={"content-type": "application/json"})
    assert _codes(r) == [("body", "INVALID_JSON")]


# ------------------------------------------------------------------ multipart


def _multipart(parts: bytes, boundary: bytes = b"XyZ") -> tuple[bytes, dict[str, str]]:
    return parts, {"content-type": f"multipart/form-data; boundary={boundary.decode()}"}


def test_an_unterminated_multipart_body_is_refused_and_nothing_is_changed(api):
    headers = auth(sign_up(api, PHONE))
    body, ct = _multipart(b'--XyZ\r\nContent-Disposition: form-data; name="bio"\r\n\r\nnew bio\r\n--XyZ\r\n')
    r = api.put("/api/v2/auth/profile", content=body, headers={**headers, **ct})
    assert _codes(r) == [("body", "INVALID_BODY")]
    assert "closing boundary" in r.json()["details"]["fields"][0]["message"]
    assert User.objects.get(phone_number=PHONE).bio == ""


def test_a_multipart_name_that_is_not_utf8_is_refused(api):
    headers = auth(sign_up(api, PHONE))
    body, ct = _multipart(b'--XyZ\r\nContent-Disposition: form-data; name="b\xe9o"\r\n\r\nhi\r\n--XyZ--\r\n')
    r = api.put("/api/v2/auth/profile", content=body, headers={**headers, **ct})
    assert _codes(r) == [("body", "INVALID_BODY")]


def test_a_multipart_value_that_is_not_utf8_is_refused_not_stored_as_mojibake(api):
    headers = auth(sign_up(api, PHONE))
    body, ct = _multipart(b'--XyZ\r\nContent-Disposition: form-data; name="bio"\r\n\r\nZo\xeb\r\n--XyZ--\r\n')
    r = api.put("/api/v2/auth/profile", content=body, headers={**headers, **ct})
    assert _codes(r) == [("body", "INVALID_BODY")]
    assert User.objects.get(phone_number=PHONE).bio == ""


def test_utf8_multipart_text_is_decoded_correctly(api):
    headers = auth(sign_up(api, PHONE))
    value = "Zoë – café 🎶"
    body, ct = _multipart(
        b'--XyZ\r\nContent-Disposition: form-data; name="bio"\r\n\r\n' + value.encode() + b"\r\n--XyZ--\r\n"
    )
    r = api.put("/api/v2/auth/profile", content=body, headers={**headers, **ct})
    assert r.status_code == 200, r.text
    assert User.objects.get(phone_number=PHONE).bio == value


# ------------------------------------------------------------------ methods


def test_a_wrong_method_on_a_static_path_is_405_not_a_422_for_the_id_beside_it(api, host):
    _, headers = host
    r = api.delete("/api/v2/notifications/read-all", headers=headers)
    assert r.status_code == 405
    assert r.json()["error_code"] == "METHOD_NOT_ALLOWED"
    assert r.headers["allow"] == "OPTIONS, POST"


@pytest.mark.parametrize("path", ["/api/v2/auth/signup", "/api/auth/signup"])
def test_a_refused_key_is_named_without_echoing_its_control_characters(api, path):
    r = api.post(path, json={"phone_number": "+916205829376", "a\x1b[31mb": "x\x01"})  # the value names the key
    assert r.status_code == 422
    assert "\x1b" not in str(r.json())  # the decoded answer holds no control character
    assert "a\\u001b[31mb" in r.json()["error"]  # written out as an escape the reader can see


def test_an_app_literal_path_never_reaches_the_integer_id_route_beside_it(api, host):
    _, headers = host
    r = api.get("/api/events/my-anything", headers=headers)  # not an event number: no such route
    assert r.status_code == 404
    assert r.json()["error_code"] == "NOT_FOUND"
    r = api.delete("/api/events/my-tickets", headers=headers)  # a literal path, the wrong method
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, OPTIONS"
    r = api.post("/api/events/my-requests/requests", headers=headers, json={})
    assert r.status_code == 404


@pytest.mark.parametrize("number", [2**53, 2**62, 10**18])
def test_an_app_id_past_what_javascript_reads_exactly_is_a_422(api, host, number):
    _, headers = host
    r = api.get(f"/api/events/{number}", headers=headers)
    assert r.status_code == 422
    assert r.json()["error_code"] == "VALIDATION_ERROR"
    r = api.post("/api/payments/orders", headers=headers, json={"event_id": number})
    assert r.status_code == 422
    r = api.get(f"/api/events/{2**53 - 1}", headers=headers)  # the largest one is only unknown
    assert r.status_code == 404


def test_405_lists_every_method_of_the_path(api):
    event = PublishedEventFactory()
    r = api.put(f"/api/v2/events/{event.id}")
    assert r.status_code == 405
    assert r.headers["allow"] == "DELETE, GET, OPTIONS, PATCH"


def test_options_answers_204_with_allow(api):
    r = api.options("/api/v2/events")
    assert r.status_code == 204
    assert r.headers["allow"] == "GET, OPTIONS, POST"


def test_an_id_that_is_not_a_uuid_is_no_such_resource(api):
    r = api.get("/api/v2/events/not-a-uuid")
    assert r.status_code == 404
    assert r.json()["error_code"] == "NOT_FOUND"


def test_an_app_with_a_route_outside_the_one_parser_refuses_to_start():
    app = FastAPI()
    ours, theirs = APIRouter(prefix="/a"), PlainRouter(prefix="/b")
    ours.get("/x")(lambda: None)
    theirs.get("/y")(lambda: None)
    app.include_router(ours)
    ensure_loopin_routes(app)
    app.include_router(theirs)
    with pytest.raises(RuntimeError, match="/b/y"):
        ensure_loopin_routes(app)


def _echo(n: str) -> dict[str, str]:
    return {"n": n}


def test_add_routes_serves_a_routers_routes_as_built_and_refuses_a_router_of_routers():
    app = FastAPI()
    router = APIRouter(prefix="/a")
    router.get("/x/{n}")(_echo)
    add_routes(app, router)
    ensure_loopin_routes(app)
    assert app.routes[-1] is router.routes[0]  # the route built at decoration, not a second build of it
    with TestClient(app) as client:
        assert client.get("/a/x/7").json() == {"n": "7"}
        assert client.get("/a/x/%01").status_code == 422  # the one text rule comes with the route
        assert client.get("/x/7").status_code == 404
    outer = APIRouter(prefix="/o")
    outer.include_router(router)
    with pytest.raises(RuntimeError, match="/o"):
        add_routes(FastAPI(), outer)


def test_every_operation_that_reads_a_token_documents_401_and_403(api):
    schema = api.get("/api/openapi.json").json()
    with_token = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and op.get("security")
    ]
    assert len(with_token) > 20
    for path, method, op in with_token:
        assert {"401", "403"} <= set(op["responses"]), (method, path)


def test_an_optional_sign_in_endpoint_answers_its_documented_401_for_a_bad_token(api):
    op = api.get("/api/v2/openapi.json").json()["paths"]["/api/v2/events"]["get"]
    assert "401" in op["responses"]
    r = api.get("/api/v2/events", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401
    assert r.json()["error_code"] == "INVALID_TOKEN"
    assert api.get("/api/v2/events").status_code == 200


def test_deep_nesting_inside_a_multipart_field_is_422(api):
    headers = auth(sign_up(api, PHONE))
    nested = b"[" * 5000 + b"]" * 5000
    body, ct = _multipart(
        b'--XyZ\r\nContent-Disposition: form-data; name="event_interests"\r\n\r\n' + nested + b"\r\n--XyZ--\r\n"
    )
    r = api.put("/api/v2/auth/profile", content=body, headers={**headers, **ct})
    assert r.status_code == 422, r.text
