"""Schemathesis over the whole OpenAPI schema, in-process: no 5xx, responses match their schemas,
and every status code is a documented one. `FUZZ_MAX_EXAMPLES` bounds the examples per operation."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from loopin.config.asgi import app
from loopin.config.settings import get_settings
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory
from loopin.testing.fixtures import token_for

schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)  # the mobile app's dialect
schema_v2 = schemathesis.openapi.from_asgi("/api/v2/openapi.json", app)  # the designed API
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]


@pytest.fixture
def fuzz_headers(api, app_settings):
    """A signed-in user with a complete profile, hosting one event; global caps off so fuzzing isn't throttled."""
    app_settings.RATE_LIMIT_ENABLED = False
    user = UserWithProfileFactory()
    PublishedEventFactory(host=user)
    PublishedEventFactory()
    return token_for(user)


@schema.parametrize()
@settings(
    max_examples=get_settings().FUZZ_MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, fuzz_headers):
    case.call_and_validate(headers=fuzz_headers, checks=CHECKS)


@schema_v2.parametrize()
@settings(
    max_examples=get_settings().FUZZ_MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_v2_api_conforms_to_its_schema(case, fuzz_headers):
    case.call_and_validate(headers=fuzz_headers, checks=CHECKS)
