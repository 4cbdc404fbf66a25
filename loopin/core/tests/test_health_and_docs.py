from __future__ import annotations

import re

import pytest


def test_health(api):
    r = api.get("/api/health")
    assert r.status_code == 200
    assert r.json() == {"success": True, "message": "Alive", "data": {"status": "ok"}}


def test_ready_checks_the_database_and_redis(api):
    from loopin.config.settings import get_settings

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
