"""Shared set-up of the schemathesis runs over both OpenAPI documents (loopin/core/tests/test_api_fuzz*.py).

Every check schemathesis has is on, in every phase (explicit examples, coverage, fuzzing, stateful), for a
signed-in caller and for an anonymous one. What the documents cannot say in JSON Schema is said here once:

- custom string formats (`phone`, `person-name`, `event-title`): the rule is the API's (its description in the
  document); the fuzzer draws values that follow it, so "schema-valid" means valid;
- a documented business-rule refusal (400, CONTRACT.md) of a well-formed request is an accepted answer to
  positive data, exactly like the 404/409 schemathesis already accepts (the request was understood; the state
  of the world said no). 422 stays a failure: a schema-valid request must never be invalid input.

The example counts per phase come from settings (FUZZ_MAX_EXAMPLES, FUZZ_ANON_MAX_EXAMPLES,
FUZZ_STATEFUL_MAX_EXAMPLES, FUZZ_STATEFUL_MAX_STEPS) so CI can raise them.
"""

from __future__ import annotations

import json
from typing import Any

import phonenumbers
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from starlette.testclient import TestClient

from loopin.accounts.models import Interest
from loopin.accounts.services import interests_ensure_defaults
from loopin.core.settings import get_settings
from loopin.events.models import Venue
from loopin.testing.factories import PublishedEventFactory, UserWithProfileFactory, VenueFactory

APP_DOCUMENT = "/api/openapi.json"  # the mobile app's dialect
V2_DOCUMENT = "/api/v2/openapi.json"  # the designed API

_METHODS = ("get", "put", "post", "patch", "delete")
_POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429"]

# ---------------------------------------------------------------------------------------------- formats

_PHONES = [
    "+916205829376",
    "+91 98765 43210",
    "9876543210",
    "+91-70000-12345",
    "(080) 2345 6789",
    "+447911123456",
    "+14155552671",
    "+4915123456789",
]
assert all(  # a list of numbers libphonenumber accepts (read in region IN without a "+")
    phonenumbers.is_valid_number(phonenumbers.parse(p, None if p.startswith("+") else "IN")) for p in _PHONES
)
_LETTERS = st.characters(categories=["Lu", "Ll", "Lo"], exclude_characters="ªº")
_WORD = st.text(_LETTERS, min_size=1, max_size=12)

FORMATS: dict[str, st.SearchStrategy[str]] = {
    "phone": st.sampled_from(_PHONES),
    # 2-100 characters of letters, spaces, hyphens, apostrophes and full stops, at least one letter
    "person-name": st.lists(_WORD, min_size=1, max_size=4).map(" ".join).filter(lambda v: 2 <= len(v) <= 100),
    # 3-200 characters once runs of white space are one space
    "event-title": st.lists(_WORD, min_size=1, max_size=6).map(" ".join).filter(lambda v: 3 <= len(v) <= 200),
}


def register_formats() -> None:
    for name, strategy in FORMATS.items():
        schemathesis.openapi.format(name, strategy)


# ---------------------------------------------------------------------------------------------- references
#
# A body may name rows by id (interests, a venue). JSON Schema can say "an integer", never "one that exists";
# positive cases are sent with ids of rows that do exist (a schema-valid request naming a missing row is refused with a
# 422 by contract, so drawing random ids would only test that). Negative cases keep what they drew.

_INTEREST_LISTS = ("interest_ids", "event_interests")


def _existing_references(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or not isinstance(case.body, dict):
        return
    body = case.body
    for name in _INTEREST_LISTS:
        if isinstance(body.get(name), list) and body[name]:
            active = list(Interest.objects.filter(is_active=True).order_by("position").values_list("id", flat=True))
            body[name] = active[: min(len(body[name]), 5)]
    if isinstance(body.get("event_interest_ids"), str):  # the app's multipart creation: a JSON array in a field
        body["event_interest_ids"] = json.dumps(list(Interest.objects.values_list("id", flat=True)[:2]))
    if body.get("venue_id") is not None:
        body["venue_id"] = str(Venue.objects.order_by("created_at").values_list("id", flat=True).first())


_registered: list[str] = []


def register_hooks() -> None:
    if not _registered:
        # At call time, not generation time: coverage cases are built while pytest collects, before any database.
        schemathesis.hook("before_call")(_existing_references)
        _registered.append("before_call")


# ---------------------------------------------------------------------------------------------- config


def _document(app: Any, path: str) -> dict[str, Any]:
    with TestClient(app) as client:
        return client.get(path).json()


# (METHOD path, check): why that one check is off for that one operation. Each entry is a known gap (the
# check is right; the operation or its schema is not yet), listed so it is fixed, not forgotten; the ones
# marked "by design" are checks that do not apply to the operation.
_POS, _NEG = "positive_data_acceptance", "negative_data_rejection"
_CROSS_FIELD = "a rule across fields the schema does not state yet (one of / not both / at least one)"
_TIME_WINDOW = "times are refused outside 2000-2099 (ApiTime) or in the past; the schema says only date-time"
_DECIMAL = "a decimal string the schema allows (pydantic's Decimal pattern) is refused"
_FILES = "any bytes are a schema-valid file; only readable images/videos/PDFs are accepted"
_NOT_NULL = "fields documented nullable refuse null ('cannot be cleared')"
_IGNORES_UNKNOWN = "by design: the app's dialect ignores unknown fields the published app sends (CLIENT.md)"
_LAX = "pydantic's lax mode accepts what the schema forbids (unknown fields, numbers for dates, strings for bools)"
KNOWN_GAPS: dict[tuple[str, str], str] = {
    ("POST /api/v2/events", _POS): _CROSS_FIELD + ": end_at or duration_hours",
    ("PATCH /api/v2/events/{event_id}", _POS): _NOT_NULL + "; " + _TIME_WINDOW,
    ("POST /api/v2/events/{event_id}/postpone", _POS): _TIME_WINDOW,
    ("GET /api/v2/events", _POS): _CROSS_FIELD + ": lat and lng",
    ("GET /api/v2/events/{event_id}/check-in/revoked", _POS): _TIME_WINDOW,
    ("POST /api/v2/events/{event_id}/invitations", _POS): _TIME_WINDOW,
    ("POST /api/v2/events/{event_id}/invite-links", _POS): _TIME_WINDOW,
    ("POST /api/v2/events/{event_id}/staff", _POS): _CROSS_FIELD + ": user_id or phone_number",
    ("DELETE /api/v2/events/{event_id}/staff", _POS): _CROSS_FIELD + ": user_id or phone_number",
    ("POST /api/v2/events/{event_id}/co-hosts", _POS): _CROSS_FIELD + ": phone_number or handle",
    ("POST /api/v2/events/{event_id}/check-in", _POS): _CROSS_FIELD + ": qr or code",
    ("POST /api/v2/events/{event_id}/check-in/batch", _POS): _CROSS_FIELD + ": qr or code",
    ("POST /api/v2/events/{event_id}/check-in/keys/rotate", _POS): "an undocumented open body is parsed",
    ("POST /api/v2/events/{event_id}/images", _POS): _FILES,
    ("POST /api/v2/events/{event_id}/invitations/by-phone", _POS): "phone_number has no `phone` format yet",
    ("POST /api/v2/events/{event_id}/tiers", _POS): _DECIMAL,
    ("PATCH /api/v2/events/{event_id}/tiers/{tier_id}", _POS): _DECIMAL,
    ("POST /api/v2/venues", _POS): _DECIMAL,
    ("GET /api/v2/feed", _POS): "a cursor is opaque: only one the server issued is valid",
    ("PATCH /api/v2/me/social-profile", _POS): _CROSS_FIELD + ": cover_media_id or cover_url",
    ("POST /api/v2/auth/complete-profile", _POS): "the multipart form schema is hand-written, not the JSON model's",
    ("POST /api/auth/complete-profile", _POS): "the multipart form schema is hand-written, not the JSON model's",
    ("PUT /api/v2/auth/profile", _POS): _NOT_NULL + "; the multipart form schema is hand-written",
    ("PUT /api/auth/profile", _POS): _NOT_NULL + "; the multipart form schema is hand-written",
    ("POST /api/events", _POS): "the multipart creation form is documented with no fields yet",
    ("POST /api/events/{event_id}/invitations", _POS): "by design: the host cannot invite themselves (the only user)",
    ("POST /api/payouts/bank-accounts", _POS): "IFSC and account-number rules are not patterns in the schema",
    ("POST /api/v2/payouts/bank-accounts", _POS): "IFSC and account-number rules are not patterns in the schema",
    ("PUT /api/v2/invoices/tax-profile", _POS): "a GSTIN's check character and the list of GST state codes are not "
    "in the schema's patterns",
    ("POST /api/v2/conversations/{conversation_id}/attachments", _POS): _FILES,
    ("POST /api/v2/conversations/{conversation_id}/messages", _POS): _CROSS_FIELD + ": text or an attachment",
    ("POST /api/v2/media", _POS): _FILES,
    ("POST /api/v2/payments/orders/{order_id}/verify", _POS): "an undocumented open body is parsed",
    ("POST /api/v2/posts", _POS): _CROSS_FIELD + ": text or media",
    ("POST /api/v2/reports", _POS): _CROSS_FIELD + ": the target must exist",
    ("POST /api/v2/stories", _POS): "media ids must name the caller's uploads",
    ("PUT /api/v2/me/close-friends", _POS): "user ids must name the caller's friends",
    ("PUT /api/v2/me/handle", _POS): "the handle rule (no dot first, last or twice) is not a pattern yet",
    ("PUT /api/v2/notifications/preferences", _POS): "an open map of preference names is documented",
    ("POST /api/v2/organisations", _POS): "the handle rule and a GSTIN's check character are not patterns yet",
    ("PATCH /api/v2/organisations/{organisation_id}", _POS): "the handle rule and a GSTIN's check character are "
    "not patterns yet",
    ("POST /api/v2/organisations/{organisation_id}/members", _POS): _CROSS_FIELD + ": phone_number or handle",
    ("POST /api/auth/signup", _NEG): _IGNORES_UNKNOWN,
    ("POST /api/notifications/devices/register", _NEG): _IGNORES_UNKNOWN,
    ("PUT /api/events/{event_id}", _NEG): _IGNORES_UNKNOWN,
    ("POST /api/auth/complete-profile", _NEG): _LAX,
    ("POST /api/v2/auth/complete-profile", _NEG): _LAX,
    ("PATCH /api/v2/me/privacy", _NEG): _LAX,
    ("POST /api/v2/notifications/devices", _NEG): _LAX,
    ("POST /api/v2/payouts/bank-accounts", _NEG): _LAX,
    ("PUT /api/v2/me/close-friends", _NEG): _LAX,
    ("PUT /api/v2/me/handle", _NEG): _LAX,
    ("PUT /api/v2/notifications/preferences", _NEG): _LAX,
}


def _operation_overrides(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Per-operation check settings derived from the document itself (see the module docstring)."""
    overrides = []
    for path, item in document["paths"].items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            checks: dict[str, Any] = {}
            if "400" in operation.get("responses", {}):
                checks["positive_data_acceptance"] = {"expected-statuses": [*_POSITIVE_STATUSES, "400"]}
            for (label, check), _why in KNOWN_GAPS.items():
                if label == f"{method.upper()} {path}":
                    checks[check] = {"enabled": False}
            if checks:
                overrides.append({"include-path": path, "include-method": method.upper(), "checks": checks})
    return overrides


def fuzz_config(document: dict[str, Any], *, anonymous: bool = False) -> SchemathesisConfig:
    """Every check in every phase. The anonymous run leaves out the coverage phase: the signed-in run's coverage
    cases already send each operation without its Authorization header (missing_required_header, ignored_auth),
    and the anonymous run's own examples and fuzzing cost a fraction of it."""
    s = get_settings()
    return SchemathesisConfig.from_dict(
        {
            "seed": s.FUZZ_SEED,
            "generation": {"deterministic": True, "allow-x00": False},
            "phases": {"coverage": {"enabled": not anonymous}, "stateful": {"max-steps": s.FUZZ_STATEFUL_MAX_STEPS}},
            "operations": _operation_overrides(document),
        }
    )


def load(app: Any, path: str, *, anonymous: bool = False) -> Any:
    """One OpenAPI document of the app as a schemathesis schema with the shared configuration."""
    register_formats()
    register_hooks()
    return schemathesis.openapi.from_asgi(path, app, config=fuzz_config(_document(app, path), anonymous=anonymous))


def hypothesis_settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )


# ---------------------------------------------------------------------------------------------- world


def world_create() -> Any:
    """The fuzzers' world: a signed-up host with a complete profile, their event and another host's event."""
    interests_ensure_defaults()
    user = UserWithProfileFactory()
    VenueFactory()
    PublishedEventFactory(host=user)
    PublishedEventFactory()
    return user


def world_remove() -> None:
    """Empty every table, as a transactional test's teardown does."""
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False, inhibit_post_migrate=False)


# ---------------------------------------------------------------------------------------------- stateful


def run_stateful(schema: Any, *, headers: dict[str, str]) -> None:
    """The stateful phase: scenarios along the document's links, every check on each step."""
    s = get_settings()

    class Scenario(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            # The sign-in headers are the caller's own (explicit), not generated: say so to the auth checks.
            case.validate_response(response, headers=headers, transport_kwargs=kwargs or None, recorder=self.recorder)

    Scenario.run(
        settings=settings(
            hypothesis_settings(s.FUZZ_STATEFUL_MAX_EXAMPLES), stateful_step_count=s.FUZZ_STATEFUL_MAX_STEPS
        )
    )
