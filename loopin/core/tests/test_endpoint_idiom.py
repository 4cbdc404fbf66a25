"""The endpoint idiom (issue 20), kept by parsing every API module: an endpoint makes its `run_sync` call of a
named module-level function (a selector, a service, or an api-module function that calls one service and then
one read). Refused: a lambda, a call (a wrapper factory such as `_then_detail(service)`), a function defined
inside another, or a service handed over as a keyword (`service=`, `fn=`) for a generic helper to run; and a
`run_sync` call inside a nested function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
API_MODULES = sorted({*PACKAGE.glob("*/api.py"), *PACKAGE.glob("*/*_api.py"), *(PACKAGE / "app_v1").glob("*.py")})
FUNCTION_KEYWORDS = {"service", "fn", "func", "callback"}


def _is_run_sync(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Name) and func.id == "run_sync") or (
        isinstance(func, ast.Attribute) and func.attr == "run_sync"
    )


def idiom_breaches(source: str) -> list[str]:
    """Every `run_sync` call in `source` that breaks the idiom, as "line: why"."""
    tree = ast.parse(source)
    breaches: list[str] = []

    def visit(node: ast.AST, enclosing: list[ast.AST]) -> None:
        functions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
        if isinstance(node, functions):
            enclosing = [*enclosing, node]
        if isinstance(node, ast.Call) and _is_run_sync(node):
            local = {
                inner.name
                for outer in enclosing
                for inner in ast.walk(outer)
                if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)) and inner is not outer
            }
            target = node.args[0] if node.args else None
            if isinstance(target, ast.Lambda):
                breaches.append(f"{node.lineno}: a lambda passed to run_sync")
            elif isinstance(target, ast.Call):
                breaches.append(f"{node.lineno}: a call ({ast.unparse(target.func)}(...)) passed to run_sync")
            elif isinstance(target, ast.Name) and target.id in local:
                breaches.append(f"{node.lineno}: a nested function ({target.id}) passed to run_sync")
            elif not isinstance(target, (ast.Name, ast.Attribute)):
                breaches.append(f"{node.lineno}: run_sync of something other than a named function")
            for keyword in node.keywords:
                if keyword.arg in FUNCTION_KEYWORDS:
                    breaches.append(f"{node.lineno}: a {keyword.arg}= keyword passed to run_sync")
                elif isinstance(keyword.value, ast.Lambda):
                    breaches.append(f"{node.lineno}: a lambda keyword ({keyword.arg}=) passed to run_sync")
            if len(enclosing) > 1:
                breaches.append(f"{node.lineno}: run_sync inside a nested function")
        for child in ast.iter_child_nodes(node):
            visit(child, enclosing)

    visit(tree, [])
    return breaches


def test_the_api_modules_are_found():
    names = {str(p.relative_to(PACKAGE)) for p in API_MODULES}
    assert {"events/api.py", "events/tiers_api.py", "payments/api.py", "payments/promo_api.py"} <= names
    assert "app_v1/events.py" in names


@pytest.mark.parametrize("module", API_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_run_sync_call_follows_the_endpoint_idiom(module: Path):
    assert idiom_breaches(module.read_text()) == []


@pytest.mark.parametrize(
    ("source", "breach"),
    [
        ("async def e(caller):\n    await run_sync(lambda *, user: f(user), user=caller)\n", "a lambda"),
        ("async def e(caller):\n    await run_sync(_then_detail(f), user=caller)\n", "a call (_then_detail(...))"),
        (
            "async def e(caller):\n    def inner(*, user):\n        return f(user)\n\n"
            "    await run_sync(inner, user=caller)\n",
            "a nested function (inner)",
        ),
        ("async def e(caller):\n    await run_sync(_one, user=caller, service=tier_create)\n", "a service= keyword"),
        ("async def e(caller):\n    await run_sync(_member, fn=stage.hand_set, user=caller)\n", "a fn= keyword"),
        (
            "async def e(caller):\n    async def inner():\n        await run_sync(f, user=caller)\n",
            "run_sync inside a nested function",
        ),
    ],
)
def test_each_breach_is_caught(source: str, breach: str):
    breaches = idiom_breaches(source)
    assert len(breaches) == 1 and breach in breaches[0], breaches


def test_the_idiom_itself_passes():
    source = (
        "def event_create_and_read(*, user, data):\n    return read(user=user, event_id=create(user, data).id)\n\n"
        "async def endpoint(body, caller):\n"
        "    return ok(await run_sync(event_create_and_read, user=caller, data=body), 'Created')\n"
        "async def other(caller):\n    return ok(await run_sync(services.event_delete, actor=caller))\n"
    )
    assert idiom_breaches(source) == []
