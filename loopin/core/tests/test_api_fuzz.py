"""Schemathesis over both OpenAPI documents, in-process, with every check on (loopin/testing/fuzz.py):
no 5xx, responses match their schemas and documented statuses, schema-valid input accepted, schema-violating
input refused, auth enforced where documented, wrong methods answered 405 with `Allow`; for a signed-in
caller and an anonymous one, then the stateful phase along the documents' links (create -> read/edit/delete).

One world (a host with a complete profile, their event, another host's event) serves the whole module; each
test signs in afresh, so an operation that ends its session (logout) cannot sign the next one out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from loopin.config.asgi import app
from loopin.core.settings import get_settings
from loopin.testing import fuzz
from loopin.testing.fixtures import token_for

schema = fuzz.load(app, fuzz.APP_DOCUMENT)
schema_v2 = fuzz.load(app, fuzz.V2_DOCUMENT)
anonymous_schema = fuzz.load(app, fuzz.APP_DOCUMENT, anonymous=True)
anonymous_schema_v2 = fuzz.load(app, fuzz.V2_DOCUMENT, anonymous=True)
SETTINGS = get_settings()
SIGNED_IN = fuzz.hypothesis_settings(SETTINGS.FUZZ_MAX_EXAMPLES)
ANONYMOUS = fuzz.hypothesis_settings(SETTINGS.FUZZ_ANON_MAX_EXAMPLES)


@pytest.fixture(scope="module")
def transactional_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's `transactional_db`, once for the module instead of once per test: the database is open
    to every thread for the whole module and emptied at its end (a per-test flush would cost more than the
    fuzzing). Its name tells pytest-django that these tests need the test database."""
    with django_db_blocker.unblock():
        yield
        fuzz.world_remove()


@pytest.fixture(scope="module")
def world(transactional_db: None) -> Any:
    return fuzz.world_create()


@pytest.fixture
def signed_in(world: Any, app_settings: Any) -> dict[str, str]:
    app_settings.RATE_LIMIT_ENABLED = False  # the global caps would answer 429 to a fuzzer
    return token_for(world)


@pytest.fixture
def anonymous(world: Any, app_settings: Any) -> None:
    app_settings.RATE_LIMIT_ENABLED = False


@schema.parametrize()
@SIGNED_IN
def test_app_dialect_signed_in(case: Any, signed_in: dict[str, str]) -> None:
    case.call_and_validate(headers=signed_in)


@schema_v2.parametrize()
@SIGNED_IN
def test_v2_signed_in(case: Any, signed_in: dict[str, str]) -> None:
    case.call_and_validate(headers=signed_in)


@anonymous_schema.parametrize()
@ANONYMOUS
def test_app_dialect_anonymous(case: Any, anonymous: None) -> None:
    case.call_and_validate()


@anonymous_schema_v2.parametrize()
@ANONYMOUS
def test_v2_anonymous(case: Any, anonymous: None) -> None:
    case.call_and_validate()


@pytest.mark.parametrize("document", [schema, schema_v2], ids=["app", "v2"])
def test_stateful_along_the_links(document: Any, signed_in: dict[str, str]) -> None:
    fuzz.run_stateful(document, headers=signed_in)
