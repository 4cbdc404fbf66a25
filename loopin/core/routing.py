"""The one way the API reads a request: every route is a `LoopinRoute`, every request a `LoopinRequest`.

- One JSON parser (`parse_json`) for every body, including endpoints that read `request.json()` themselves:
  anything it cannot take (bad UTF-8, NaN/Infinity, numbers past 64 bits, nesting deeper than
  `MAX_JSON_DEPTH`, a RecursionError) is a 422 `VALIDATION_ERROR`, never a 500.
- One text rule (`text_problem`) for every string a client sends, checked once here for the query, the path,
  every JSON string and key, and every multipart/urlencoded field name, value and file name: NUL, other
  control characters (tab, CR and LF are allowed) and lone surrogates are refused with a 422. PostgreSQL
  cannot store NUL, and no human text contains the rest.
- One multipart parser: names and values must decode in the declared charset (UTF-8 by default) instead of
  falling back to Latin-1 mojibake, and a body without its closing boundary is refused.

`loopin.config.asgi.create_app` refuses to start if a route bypasses this (`ensure_loopin_routes`).
"""

from __future__ import annotations

import json
import re
import typing
import uuid
from collections.abc import Callable, Coroutine
from functools import lru_cache
from typing import Any

from fastapi import APIRouter as _FastAPIRouter
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute, _IncludedRouter, iter_route_contexts
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.routing import compile_path
from starlette.types import Receive, Scope, Send

try:
    from python_multipart.multipart import parse_options_header
except ModuleNotFoundError:  # pragma: no cover - python-multipart is pinned
    from multipart.multipart import parse_options_header  # type: ignore[no-redef]

MAX_JSON_DEPTH = 32
_MAX_INT = 2**63 - 1
# C0 controls except tab/LF/CR, DEL, C1 controls, and UTF-16 surrogates (a lone one cannot be encoded).
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why a client's string is refused, or None if it is acceptable text."""
    found = _BAD_TEXT.search(value)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "NUL characters are not allowed."
    if "\ud800" <= char <= "\udfff":
        return "Invalid Unicode (a lone surrogate) is not allowed."
    return f"Control characters (U+{ord(char):04X}) are not allowed."


def printable(value: str) -> str:
    """`value` with each character the text rule refuses written as an escape (`\\u001b`): for echoing a
    client's field name back in an error without sending its control characters on."""
    return _BAD_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


def _bad(loc: tuple[Any, ...], kind: str, message: str) -> dict[str, Any]:
    return {"type": kind, "loc": loc, "msg": message}


def _refuse(errors: list[dict[str, Any]]) -> RequestValidationError:
    return RequestValidationError(errors[:20])


# ---------------------------------------------------------------------------------------------- JSON


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows.")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("The number is too large.")
    return value


def _bounded_int(text: str) -> int:
    value = int(text)
    if abs(value) > _MAX_INT:
        raise ValueError("The number is too large.")
    return value


def _walk_json(value: Any) -> list[dict[str, Any]]:
    """Depth and text checks over a parsed document, without recursion."""
    errors: list[dict[str, Any]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, ("body",))]
    while stack:
        node, loc = stack.pop()
        if len(loc) - 1 > MAX_JSON_DEPTH:
            return [_bad(("body",), "json_too_deep", f"The JSON is nested deeper than {MAX_JSON_DEPTH} levels.")]
        if isinstance(node, str):
            if problem := text_problem(node):
                errors.append(_bad(loc, "invalid_character", problem))
        elif isinstance(node, dict):
            for key, item in node.items():
                if problem := text_problem(key):
                    errors.append(_bad(loc, "invalid_character", f"A key: {problem}"))
                stack.append((item, (*loc, key)))
        elif isinstance(node, list):
            stack.extend((item, (*loc, index)) for index, item in enumerate(node))
    return errors


def parse_json(body: bytes) -> Any:
    """The API's JSON body parser: the document, or RequestValidationError (422)."""
    try:
        text = body.decode("utf-8")
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except UnicodeDecodeError:
        raise _refuse([_bad(("body",), "invalid_body", "The body is not UTF-8.")]) from None
    except RecursionError:
        raise _refuse(
            [_bad(("body",), "json_too_deep", f"The JSON is nested deeper than {MAX_JSON_DEPTH} levels.")]
        ) from None
    except json.JSONDecodeError as exc:
        raise _refuse([_bad(("body",), "json_invalid", f"The body is not valid JSON ({exc.msg}).")]) from None
    except ValueError as exc:  # a refused constant, an overlong number
        raise _refuse([_bad(("body",), "json_invalid", str(exc))]) from None
    errors = _walk_json(value)
    if errors:
        raise _refuse(errors)
    return value


# ---------------------------------------------------------------------------------------------- forms


def _strict_decode(raw: bytes | bytearray, charset: str, what: str) -> str:
    try:
        return bytes(raw).decode(charset)
    except (UnicodeDecodeError, LookupError):
        raise MultiPartException(f"A multipart {what} is not valid {charset}.") from None


class StrictMultiPartParser(MultiPartParser):
    """Starlette's parser, minus its Latin-1 fallback, plus a check for the closing boundary."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._complete = False

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._current_part.content_disposition)
        for key, what in ((b"name", "field name"), (b"filename", "file name")):
            if key in options:
                _strict_decode(options[key], self._charset, what)
        super().on_headers_finished()

    def on_part_end(self) -> None:
        if self._current_part.file is None:
            _strict_decode(self._current_part.data, self._charset, "field value")
        super().on_part_end()

    def on_end(self) -> None:
        self._complete = True

    async def parse(self) -> FormData:
        form = await super().parse()
        if not self._complete:
            await form.close()
            raise MultiPartException("The multipart body is incomplete (no closing boundary).")
        return form


def _form_errors(form: FormData) -> list[dict[str, Any]]:
    errors = []
    for key, value in form.multi_items():
        if problem := text_problem(key):
            errors.append(_bad(("body", key), "invalid_character", f"A field name: {problem}"))
        if isinstance(value, str) and (problem := text_problem(value)):
            errors.append(_bad(("body", key), "invalid_character", problem))
        elif isinstance(value, UploadFile) and value.filename and (problem := text_problem(value.filename)):
            errors.append(_bad(("body", key), "invalid_character", f"The file name: {problem}"))
    return errors


class LoopinRequest(Request):
    """A Request whose `json()` and `form()` are the API's one parser of each kind."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json(await self.body())
        return self._json

    async def _get_form(
        self, *, max_files: int | float = 1000, max_fields: int | float = 1000, max_part_size: int = 1024 * 1024
    ) -> FormData:
        if self._form is None:
            content_type, _ = parse_options_header(self.headers.get("Content-Type"))
            parser_class: type[MultiPartParser] | type[FormParser] | None = None
            options: dict[str, Any] = {"max_fields": max_fields, "max_part_size": max_part_size}
            if content_type == b"multipart/form-data":
                parser_class, options["max_files"] = StrictMultiPartParser, max_files
            elif content_type == b"application/x-www-form-urlencoded":
                parser_class = FormParser
            if parser_class is None:
                self._form = FormData()
                return self._form
            try:
                form = await parser_class(self.headers, self.stream(), **options).parse()
            except MultiPartException as exc:
                raise HTTPException(status_code=400, detail=exc.message) from None
            errors = _form_errors(form)
            if errors:
                await form.close()
                raise _refuse(errors)
            self._form = form
        return self._form


def _param_errors(request: Request) -> list[dict[str, Any]]:
    errors = []
    for name, value in request.path_params.items():
        if isinstance(value, str) and (problem := text_problem(value)):
            errors.append(_bad(("path", name), "invalid_character", problem))
    for name, value in request.query_params.multi_items():
        if problem := text_problem(name) or text_problem(value):
            errors.append(_bad(("query", name), "invalid_character", problem))
    return errors


_CONVERTORS: dict[type, str] = {uuid.UUID: "uuid", int: "int"}


def _param_convertors(endpoint: Callable[..., Any]) -> dict[str, str]:
    """The Starlette path convertor of each UUID or integer parameter of an endpoint."""
    hints = typing.get_type_hints(endpoint, include_extras=True)
    found = {}
    for name, hint in hints.items():
        while typing.get_origin(hint) is typing.Annotated:
            hint = typing.get_args(hint)[0]
        if hint in _CONVERTORS:
            found[name] = _CONVERTORS[hint]
    return found


def _typed_path(path: str, endpoint: Callable[..., Any]) -> str:
    """`{event_id}` becomes `{event_id:uuid}` when the endpoint takes a UUID (`{event_id:int}` for an integer),
    so `/notifications/read-all` never matches `/notifications/{notification_id}` and `/api/events/my-foo`
    never matches `/api/events/{event_id}`: a wrong method there is a 405 and an unknown literal a 404, not a 422."""
    kinds = _param_convertors(endpoint)
    return re.sub(
        r"\{(\w+)\}", lambda m: f"{{{m.group(1)}:{kinds[m.group(1)]}}}" if m.group(1) in kinds else m.group(0), path
    )


@lru_cache(maxsize=1024)
def _path_regex(path: str) -> re.Pattern[str]:
    return compile_path(path)[0]


def allowed_methods(scope: Scope) -> list[str]:
    """Every method some API route answers on this request's path (for `Allow`)."""
    methods: set[str] = set()
    for context in iter_route_contexts(scope["app"].routes):
        route, path = context.original_route, context.path
        if isinstance(route, APIRoute) and path and _path_regex(path).match(scope["path"]):
            methods |= route.methods
    return sorted(methods | {"OPTIONS"})


class LoopinRoute(APIRoute):
    """Every API route: input read by the one parser, text checked once, before any endpoint code;
    OPTIONS and wrong methods answered with the path's full `Allow` list."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(_typed_path(path, endpoint), endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def loopin_handler(request: Request) -> Response:
            request = LoopinRequest(request.scope, request.receive)
            errors = _param_errors(request)
            if errors:
                raise _refuse(errors)
            try:
                return await handler(request)
            except HTTPException as exc:
                # FastAPI answers 400 for any exception while reading the body; ours carry the reason.
                if exc.status_code == 400 and isinstance(exc.__cause__, RequestValidationError):
                    raise exc.__cause__ from None
                raise

        return loopin_handler

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in self.methods:
            allow = ", ".join(allowed_methods(scope))
            if scope["method"] == "OPTIONS":
                await Response(status_code=204, headers={"Allow": allow})(scope, receive, send)
                return
            raise HTTPException(status_code=405, headers={"Allow": allow})
        await super().handle(scope, receive, send)


class APIRouter(_FastAPIRouter):
    """FastAPI's router with `LoopinRoute` as its route class; every API module uses this one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("route_class", LoopinRoute)
        super().__init__(*args, **kwargs)


def add_routes(app: FastAPI, router: _FastAPIRouter) -> None:
    """Put `router`'s routes on the app as they were built at decoration: what `app.include_router(router)`
    gives with no options of its own (the router's prefix, tags, dependencies and response class are part
    of each route already), without FastAPI building every route a second time for the inclusion.

    That second build was half of a worker's start-up (≈2,500 more pydantic type adapters for the same
    parameters and responses) and their memory, and a request then found its route through every included
    router's cached contexts instead of one list. What inclusion adds and these routes do without:
    `app.dependency_overrides` (nothing here overrides dependencies; tests run the real ones).
    """
    if any(isinstance(route, _IncludedRouter) for route in router.routes):
        raise RuntimeError(f"add_routes takes a router of routes, not of included routers: {router.prefix}")
    app.router.routes.extend(router.routes)


def ensure_loopin_routes(app: FastAPI) -> None:
    """Refuse to build an app with a route that would read input some other way."""
    stray = [
        str(c.path)
        for c in iter_route_contexts(app.routes)
        if isinstance(c.original_route, APIRoute) and not isinstance(c.original_route, LoopinRoute)
    ]
    if stray:
        raise RuntimeError(f"routes not built with loopin.core.routing.APIRouter: {', '.join(stray)}")
