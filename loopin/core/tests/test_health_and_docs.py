from __future__ import annotations

import re
from pathlib import Path

import pytest

from loopin.core.error_codes import error_code_lookup
from loopin.core.error_docs import catalogue_markdown
from loopin.core.settings import get_settings


def test_health(api):
    r = api.get("/api/health")
    assert r.status_code == 200
    assert r.json() == {"success": True, "message": "Alive", "data": {"status": "ok"}}


def test_ready_checks_the_database_and_redis(api):

    r = api.get("/api/health/ready")
    assert r.status_code == 200
    checks = r.json()["data"]["checks"]
    assert checks["database"] == "ok"
    assert checks["redis"] == ("ok" if get_settings().uses_redis else "not_configured")


def test_ready_names_a_dependency_that_is_down(api, app_settings):
    app_settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    r = api.get("/api/health/ready")
    assert r.status_code == 503
    body = r.json()
    assert body["error_code"] == "DEPENDENCY_UNAVAILABLE"
    assert body["details"]["down"] == ["redis"]


@pytest.mark.parametrize(
    ("document", "own_path", "other_path", "says"),
    [
        ("/api/v2/openapi.json", "/api/v2/auth/signup", "/api/auth/signup", "designed API"),
        ("/api/openapi.json", "/api/auth/signup", "/api/v2/auth/signup", "mobile app's dialect"),
    ],
)
def test_each_dialect_has_its_document_saying_which_it_is(api, document, own_path, other_path, says):
    spec = api.get(document).json()
    assert says in spec["info"]["title"]
    assert own_path in spec["paths"] and other_path not in spec["paths"]
    assert "/api/health" in spec["paths"] and "/api/payments/webhooks/{provider}" in spec["paths"]


@pytest.mark.parametrize("document", ["/api/openapi.json", "/api/v2/openapi.json"])
def test_openapi_documents_every_endpoint(api, document):
    r = api.get(document)
    assert r.status_code == 200
    spec = r.json()
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            assert op.get("summary"), f"{method} {path} has no summary"
            assert op.get("description"), f"{method} {path} has no one-line description"
            assert {"200", "201"} & set(op["responses"]), f"{method} {path} documents no success"
    assert "ProfileCompleteIn" in spec["components"]["schemas"]
    assert api.get(document.replace("openapi.json", "docs")).status_code == 200


def test_operations_where_signing_in_is_optional_say_so_and_answer_anonymous_callers(api):
    spec = api.get("/api/v2/openapi.json").json()
    feed, create = spec["paths"]["/api/v2/events"]["get"], spec["paths"]["/api/v2/events"]["post"]
    assert feed["security"] == [{}, {"HTTPBearer": []}]  # OptionalUser
    assert create["security"] == [{"HTTPBearer": []}]  # CurrentUser
    assert api.get("/api/v2/events").status_code == 200
    assert api.get("/api/v2/events", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert api.post("/api/v2/events", json={}).status_code == 401


@pytest.mark.parametrize(
    ("document", "create", "target", "expression"),
    [
        ("/api/v2/openapi.json", "/api/v2/events", "~1api~1v2~1events~1{event_id}/get", "$response.body#/data/id"),
        ("/api/v2/openapi.json", "/api/v2/venues", "~1api~1v2~1venues~1{venue_id}/get", "$response.body#/data/id"),
        ("/api/v2/openapi.json", "/api/v2/posts", "~1api~1v2~1posts~1{post_id}/delete", "$response.body#/data/id"),
        ("/api/openapi.json", "/api/events", "~1api~1events~1{event_id}/put", "$response.body#/id"),
    ],
)
def test_a_create_links_its_id_to_the_operations_that_take_it(api, document, create, target, expression):
    spec = api.get(document).json()
    found = spec["paths"][create]["post"]["responses"]["201"]["links"]
    (link,) = [v for v in found.values() if v["operationRef"] == f"#/paths/{target}"]
    assert list(link["parameters"].values()) == [expression]
    path, method = target.replace("~1", "/").rsplit("/", 1)
    assert method in spec["paths"][path]  # the link names an operation of the same document


def test_admin_and_its_static_files_are_served_under_django(api):
    r = api.get("/django/admin/login/")
    assert r.status_code == 200
    assert "Loopin operations" in r.text
    assert api.get("/django/static/admin/css/base.css").status_code == 200
    r = api.get("/django/admin/", follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"].startswith("/django/admin/login/")


@pytest.mark.parametrize(
    ("page", "assets"), [("/api/docs", 2), ("/api/redoc", 1), ("/api/v2/docs", 2), ("/api/v2/redoc", 1)]
)
def test_the_docs_pages_load_their_scripts_from_this_server(api, page, assets):

    r = api.get(page)
    assert r.status_code == 200
    urls = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert not [u for u in urls if u.startswith(("http://", "https://", "//"))], urls
    local = [u for u in urls if u.startswith("/api/docs-assets/") and not u.endswith(".png")]
    assert len(local) == assets
    for url in local:
        served = api.get(url)
        assert served.status_code == 200 and len(served.content) > 100_000, url


def test_each_operation_documents_the_codes_its_services_raise_with_an_example_each(api):

    spec = api.get("/api/v2/openapi.json").json()  # the designed API's document
    buy = spec["paths"]["/api/v2/payments/orders"]["post"]
    assert buy["summary"] == "Hold seats for 10 minutes and open an order (a repeat call returns the open one)"
    examples = buy["responses"]["409"]["content"]["application/json"]["examples"]
    assert examples["SOLD_OUT"]["value"] == {
        "success": False,
        "error": error_code_lookup("SOLD_OUT").meaning,
        "error_code": "SOLD_OUT",
        "details": None,
    }
    assert {"TOO_MANY_SEATS", "EVENT_STARTED", "OWN_EVENT"} <= set(
        buy["responses"]["400"]["content"]["application/json"]["examples"]
    )
    assert "`SOLD_OUT`" in buy["responses"]["409"]["description"]
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for status, response in op["responses"].items():
                if not status.isdigit() or int(status) < 400:
                    continue
                listed = response["content"]["application/json"]["examples"]
                assert listed, f"{method} {path} {status} has no example"
                for code, example in listed.items():
                    info = error_code_lookup(code)
                    assert info is not None and int(status) in info.statuses, f"{method} {path}: {code} at {status}"
                    assert example["value"]["error_code"] == code


def test_the_error_catalogue_in_docs_is_current():

    current = (Path(__file__).resolve().parents[3] / "docs" / "ERRORS.md").read_text()
    assert current == catalogue_markdown(), "regenerate: python -m loopin.core.error_docs > docs/ERRORS.md"
