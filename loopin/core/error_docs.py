"""Error documentation generated from the code, so it cannot drift from what the API answers.

- `document_errors(schema, routes)`: each operation lists the `error_code`s it can return, with one real
  example per code, found by reading the endpoint and every project function it calls (services, selectors,
  dependencies, error classes) for registered codes (`XErrorCode.NAME`) and error classes with fixed codes.
- `human_summaries(schema, routes)`: an operation's summary is the first line of its docstring ("Hold seats and
  open an order"), not its function name.
- `catalogue_markdown()`: docs/ERRORS.md, every registered code with its status and meaning
  (`python -m loopin.core.error_docs > docs/ERRORS.md`; a test keeps the file current).

Both schema functions take any route list, so every OpenAPI document we serve uses them.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import routing as fastapi_routing
from fastapi.openapi.utils import _get_api_route_for_openapi

from loopin.core.error_codes import CoreErrorCode, ErrorCode, error_code_catalogue
from loopin.core.errors import LoopinError

_CODE_REF = re.compile(r"\b(\w*ErrorCode)\.([A-Z][A-Z0-9_]*)\b")
_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")  # foo(...)
_DOTTED = re.compile(r"\b([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)")  # services.order_create, passed or called
_REF = re.compile(r"\b(?:run_sync|Depends)\(\s*([A-Za-z_]\w*)")  # run_sync(helper, ...)
_MAX_DEPTH = 6
_METHODS = {"get", "put", "post", "patch", "delete"}


def _resolve(name: str, namespace: dict[str, Any]) -> Any:
    head, *rest = name.split(".")
    obj = namespace.get(head)
    for part in rest:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _ours(obj: Any) -> bool:
    return (getattr(obj, "__module__", "") or "").startswith("loopin.")


_GRAPH: dict[Any, tuple[frozenset[ErrorCode], tuple[Any, ...]]] = {}


def _node(fn: Any) -> tuple[frozenset[ErrorCode], tuple[Any, ...]]:
    """The codes `fn`'s own source names, and the project functions and error classes it refers to (cached)."""
    if fn in _GRAPH:
        return _GRAPH[fn]
    codes: set[ErrorCode] = set()
    children: list[Any] = []
    if isinstance(fn, type) and issubclass(fn, LoopinError):
        if fn.error_code not in _GENERIC:
            codes.add(fn.error_code)
        children.append(fn.__init__)
    else:
        try:
            source = inspect.getsource(fn)
        except (OSError, TypeError):
            source = ""
        namespace = getattr(fn, "__globals__", None) or vars(inspect.getmodule(fn) or object)
        for enum_name, member in _CODE_REF.findall(source):
            enum = namespace.get(enum_name)
            if isinstance(enum, type) and issubclass(enum, ErrorCode) and member in enum.__members__:
                codes.add(enum[member])
        for name in {*_CALL.findall(source), *_DOTTED.findall(source), *_REF.findall(source)}:
            target = _resolve(name, namespace)
            if target is not None and _ours(target) and (inspect.isfunction(target) or isinstance(target, type)):
                children.append(target)
    _GRAPH[fn] = (frozenset(codes), tuple(children))
    return _GRAPH[fn]


def codes_raised(fn: Callable[..., Any]) -> set[ErrorCode]:
    """The registered codes `fn` can answer with: named in its source or in any project code it reaches."""
    found: set[ErrorCode] = set()
    seen = {fn}
    level = [fn]
    for _ in range(_MAX_DEPTH + 1):
        following = []
        for item in level:
            codes, children = _node(item)
            found |= codes
            following += [c for c in children if c not in seen and not seen.add(c)]
        level = following
    return found


# The error classes' own defaults; an endpoint "raising NotFound" says little until it names a code.
_GENERIC = {
    CoreErrorCode.BAD_REQUEST,
    CoreErrorCode.NOT_FOUND,
    CoreErrorCode.CONFLICT,
    CoreErrorCode.FORBIDDEN,
    CoreErrorCode.VALIDATION_ERROR,
}
_ALWAYS = {422: [CoreErrorCode.VALIDATION_ERROR], 401: [CoreErrorCode.NOT_AUTHENTICATED]}


def api_routes(routes: Iterable[Any]) -> list[Any]:
    """The operations of a route list as the OpenAPI generator sees them (included routers flattened, each
    with the APIRoute's attributes: path_format, methods, endpoint, dependant, summary, description)."""
    found = []
    for context in fastapi_routing.iter_route_contexts(list(routes)):
        route = _get_api_route_for_openapi(context)
        if route is not None and route.include_in_schema:
            found.append(route)
    return found


def _route_codes(route: Any) -> set[ErrorCode]:
    found = codes_raised(route.endpoint)
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if dep.call is not None and _ours(dep.call):
            found |= codes_raised(dep.call)
        stack.extend(dep.dependencies)
    return found


def _example(code: ErrorCode, status: int) -> dict[str, Any]:
    details: Any = None
    if code == CoreErrorCode.VALIDATION_ERROR:
        details = {
            "fields": [{"field": "body.title", "code": "invalid_title", "message": "The title is 3 to 200 characters."}]
        }
    elif code == CoreErrorCode.RATE_LIMITED:
        details = {"retry_after": 30}
    return {
        "summary": f"{code.value} ({status})",
        "description": code.meaning,
        "value": {"success": False, "error": code.meaning, "error_code": code.value, "details": details},
    }


def document_errors(schema: dict[str, Any], routes: Iterable[Any]) -> dict[str, Any]:
    """Give every operation's error responses the codes it can return, one example each (in place)."""
    error_ref = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for route in api_routes(routes):
        item = schema.get("paths", {}).get(route.path_format, {})
        codes = _route_codes(route)
        for method in route.methods:
            operation = item.get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            by_status: dict[int, list[ErrorCode]] = {}
            for code in codes:
                for status in code.statuses:
                    by_status.setdefault(status, []).append(code)
            for key in list(responses):
                if key.isdigit() and int(key) >= 400:
                    by_status.setdefault(int(key), [])
            for status, listed in sorted(by_status.items()):
                listed = sorted(set(listed) | set(_ALWAYS.get(status, [])), key=lambda c: c.value)
                if not listed:
                    listed = [c for c in CoreErrorCode if c.status == status][:1]
                response = responses.setdefault(str(status), {"description": "Error"})
                # Copies: generated responses may share one content dict between operations.
                response["content"] = {k: dict(v) for k, v in response.get("content", {}).items()}
                content = response["content"].setdefault("application/json", {"schema": error_ref})
                content["examples"] = {c.value: _example(c, status) for c in listed}
                base = response.get("description", "Error").split(": `", 1)[0]
                response["description"] = f"{base}: " + ", ".join(f"`{c.value}`" for c in listed)
            operation["x-error-codes"] = sorted({c.value for cs in by_status.values() for c in cs})
    return schema


def human_summaries(schema: dict[str, Any], routes: Iterable[Any]) -> dict[str, Any]:
    """An operation's summary is its docstring's first line unless the route names one (in place)."""
    for route in api_routes(routes):
        if route.summary or not route.description:
            continue
        first = route.description.strip().splitlines()[0].split("; ")[0].split(". ")[0].strip().rstrip(".")
        for method in route.methods:
            operation = schema.get("paths", {}).get(route.path_format, {}).get(method.lower())
            if operation is not None and first:
                operation["summary"] = first
    return schema


def catalogue_markdown() -> str:
    """docs/ERRORS.md: every error code the API can answer with, by domain, with status and meaning."""
    lines = [
        "# Error codes",
        "",
        'Every error answers `{"success": false, "error", "error_code", "details"}` with the real HTTP status.',
        "`error` is the sentence the service gave, or else the code's meaning below.",
        "Generated from the registry (`loopin/*/error_codes.py`): `python -m loopin.core.error_docs > docs/ERRORS.md`.",
        "Each operation in `/api/docs` lists the codes it can return, with an example each.",
        "",
    ]
    infos = error_code_catalogue()
    for domain in sorted({i.domain for i in infos}, key=lambda d: (d != "core", d)):
        lines += [f"## {domain}", "", "| code | HTTP | meaning |", "|---|---|---|"]
        for info in (i for i in infos if i.domain == domain):
            statuses = ", ".join(str(s) for s in info.statuses)
            lines.append(f"| `{info.code}` | {statuses} | {info.meaning.replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - the docs generator
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loopin.config.django_settings")
    django.setup()
    print(catalogue_markdown(), end="")
