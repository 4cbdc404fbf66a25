"""The error-code registry is complete: every code the source can raise is registered, with a meaning and the
HTTP status it is raised with, and every registered code is raised somewhere."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from loopin.core.error_codes import error_code_catalogue, error_code_lookup
from loopin.core.errors import BusinessRuleError, Conflict, LoopinError, NotFound
from loopin.events import errors as _events_errors  # noqa: F401  (their classes join ERROR_CLASSES)
from loopin.events.error_codes import EventErrorCode
from loopin.marketplace.error_codes import MarketplaceErrorCode
from loopin.parking.error_codes import ParkingErrorCode
from loopin.payments import errors as _payments_errors  # noqa: F401
from loopin.tickets import errors as _tickets_errors  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


def _subclasses(cls: type[LoopinError]) -> list[type[LoopinError]]:
    return [cls, *(s for sub in cls.__subclasses__() for s in _subclasses(sub))]


ERROR_CLASSES = {cls.__name__: cls for cls in _subclasses(LoopinError)}


def _sources() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]


def _enum_refs(node: ast.AST) -> list[ast.Attribute]:
    return [
        n
        for n in ast.walk(node)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id.endswith("ErrorCode")
    ]


def _looks_like_code(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.isupper()
        and " " not in node.value
    )


def _scan() -> tuple[set[tuple[str, str]], list[str], list[tuple[str, str, str]], list[tuple[str, str]]]:
    """(enum, member) referenced; string literals where a code belongs; (class, member, line) raise sites;
    (member, line) of the raise sites that give no message (the code's meaning is the message)."""
    refs: set[tuple[str, str]] = set()
    literals: list[str] = []
    raised_with: list[tuple[str, str, str]] = []
    unworded: list[tuple[str, str]] = []
    for path in _sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        if path.name != "error_codes.py":
            refs |= {(a.value.id, a.attr) for a in _enum_refs(tree)}  # type: ignore[attr-defined]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            values = [k.value for k in node.keywords if k.arg == "code"] if name in ERROR_CLASSES else []
            if name in ("error_body", "_body"):  # the envelope builders: the code is the one all-caps argument
                values += [a for a in node.args if isinstance(a, ast.Attribute) or _looks_like_code(a)]
            for value in values:
                where = f"{path.relative_to(ROOT)}:{value.lineno}"
                if isinstance(value, ast.Constant):
                    literals.append(f"{where} {value.value!r}")
                elif isinstance(value, ast.Attribute) and name in ERROR_CLASSES:
                    raised_with.append((name, value.attr, where))
                    if not node.args and not any(k.arg == "message" for k in node.keywords):
                        unworded.append((value.attr, where))
    return refs, literals, raised_with, unworded


REFS, LITERALS, RAISED_WITH, UNWORDED = _scan()
CATALOGUE = {info.code: info for info in error_code_catalogue()}


def test_codes_are_raised_as_registry_members_not_strings():
    assert LITERALS == []


def test_every_code_referenced_in_the_source_is_registered():
    unknown = sorted(f"{enum}.{member}" for enum, member in REFS if member not in CATALOGUE)
    assert unknown == []


def test_every_registered_code_is_raised_somewhere():
    used = {member for _, member in REFS}
    assert sorted(set(CATALOGUE) - used) == []


def test_every_code_has_a_meaning_and_one_owner():
    assert [code for code, info in CATALOGUE.items() if len(info.meaning) < 10] == []
    assert len(CATALOGUE) == len(error_code_catalogue())  # no code registered by two domains


def test_a_code_is_raised_with_an_http_status_the_registry_gives_it():
    wrong = [
        f"{where}: {cls} ({ERROR_CLASSES[cls].status}) raises {member} {CATALOGUE[member].statuses}"
        for cls, member, where in RAISED_WITH
        if ERROR_CLASSES[cls].status not in CATALOGUE[member].statuses
    ]
    assert wrong == []


def test_each_error_class_default_code_has_its_status():
    for cls in ERROR_CLASSES.values():
        assert cls.status in cls.error_code.statuses, cls


@pytest.mark.parametrize(
    ("exc", "code", "status"),
    [
        (NotFound("Event not found.", code=EventErrorCode.EVENT_NOT_FOUND), "EVENT_NOT_FOUND", 404),
        (NotFound(), "NOT_FOUND", 404),
        (BusinessRuleError("No."), "BAD_REQUEST", 400),
    ],
)
def test_an_error_carries_the_member_and_its_wire_string(exc, code, status):
    assert exc.code == code
    assert type(exc.code) is str
    assert exc.error_code.value == code
    assert exc.status == status


def test_an_error_given_a_code_and_no_message_says_what_the_code_means():
    assert Conflict(code=MarketplaceErrorCode.LISTING_NOT_FOR_SALE).message == (
        "The listing is sold, removed, or another buyer is paying."
    )
    assert NotFound(code=ParkingErrorCode.QUOTE_NOT_FOUND).message == "No price quote of yours has this id."
    assert Conflict("Sold to someone else.", code=MarketplaceErrorCode.LISTING_NOT_FOR_SALE).message == (
        "Sold to someone else."
    )
    assert Conflict().message == "This conflicts with the current state."  # no code named: the class's sentence


def test_a_code_raised_without_a_message_has_a_meaning_fit_to_show_people():
    # Its meaning is the answer's `error`: a sentence for the person, not documentation of `details`.
    assert [where for _, where in UNWORDED] != []
    unfit = [f"{where} {member}" for member, where in UNWORDED if "`" in CATALOGUE[member].meaning]
    assert unfit == []


def test_the_catalogue_lists_code_status_meaning_and_domain():
    info = error_code_lookup("EVENT_NOT_FOUND")
    assert info is not None
    assert (info.status, info.domain) == (404, "event")
    assert info.meaning.startswith("No event with this id")
    assert error_code_lookup("RATE_LIMITED").statuses == (429,)
    assert error_code_lookup("NO_SUCH_CODE") is None
