"""The one ASGI application: Socket.IO at /socket.io/, FastAPI for the rest, Django (admin, static) at /django."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loopin.config.django_settings")
django.setup()

from django.conf import settings as django_settings  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.middleware.cors import CORSMiddleware  # noqa: E402
from fastapi.openapi.utils import get_openapi  # noqa: E402
from fastapi.responses import JSONResponse  # noqa: E402
from starlette.staticfiles import StaticFiles  # noqa: E402

import loopin.calls.sockets  # noqa: E402  (its handlers register on loopin.realtime.server.sio)
import loopin.chat.sockets  # noqa: E402  (its handlers register on loopin.realtime.server.sio)
import loopin.events.sockets  # noqa: E402  (its handlers register on loopin.realtime.server.sio)
import loopin.venuecommerce.sockets  # noqa: E402, F401  (its handlers register on loopin.realtime.server.sio)
from loopin.accounts.api import router as auth_router  # noqa: E402
from loopin.accounts.me_api import router as me_router  # noqa: E402
from loopin.accounts.schemas import ProfileCompleteIn, ProfileUpdateIn  # noqa: E402
from loopin.albums.api import router as album_router  # noqa: E402
from loopin.app_v1.api import routers as app_routers  # noqa: E402
from loopin.calls.api import routers as call_routers  # noqa: E402
from loopin.chat.api import routers as chat_routers  # noqa: E402
from loopin.core.docs import install_docs  # noqa: E402
from loopin.core.error_docs import document_errors, human_summaries  # noqa: E402
from loopin.core.handlers import install_error_handlers  # noqa: E402
from loopin.core.health import router as health_router  # noqa: E402
from loopin.core.logging import configure_logging  # noqa: E402
from loopin.core.mediafiles import MediaFiles  # noqa: E402
from loopin.core.metrics import MetricsMiddleware, install_query_counter, metrics_endpoint  # noqa: E402
from loopin.core.middleware import DjangoContextMiddleware, RequestMiddleware  # noqa: E402
from loopin.core.openapi import (  # noqa: E402
    add_global_responses,
    document_closed_bodies,
    document_optional_auth,
    document_text_rule,
)
from loopin.core.route_index import install_route_index  # noqa: E402
from loopin.core.routing import add_routes, ensure_loopin_routes  # noqa: E402
from loopin.core.sentry import sentry_init  # noqa: E402
from loopin.core.settings import get_settings  # noqa: E402
from loopin.core.throttle import RateLimitMiddleware  # noqa: E402
from loopin.events.api import routers as event_routers  # noqa: E402
from loopin.events.api import routers_after_ticket_reads as event_routers_after_ticket_reads  # noqa: E402
from loopin.invoices.api import routers as invoice_routers  # noqa: E402
from loopin.looppay.api import routers as looppay_routers  # noqa: E402
from loopin.marketplace.api import routers as marketplace_routers  # noqa: E402
from loopin.media.api import router as media_router  # noqa: E402
from loopin.notifications.api import router as notifications_router  # noqa: E402
from loopin.organisations.api import routers as organisation_routers  # noqa: E402
from loopin.parking.api import routers as parking_routers  # noqa: E402
from loopin.participation.api import routers as participation_routers  # noqa: E402
from loopin.participation.ticket_api import events as ticket_reads_router  # noqa: E402
from loopin.payments.api import routers as payment_routers  # noqa: E402
from loopin.people.api import routers as people_routers  # noqa: E402
from loopin.posts.api import routers as post_routers  # noqa: E402
from loopin.realtime.server import asgi_app  # noqa: E402
from loopin.rooms.api import routers as room_routers  # noqa: E402
from loopin.stories.api import routers as story_routers  # noqa: E402
from loopin.tickets.api import routers as ticket_routers  # noqa: E402
from loopin.venuecommerce.api import routers as venue_commerce_routers  # noqa: E402
from loopin.wallet.api import routers as wallet_routers  # noqa: E402
from loopin.web.routes import public_routes  # noqa: E402

API_DESCRIPTION = """
**The designed Loopin API** (`/api/v2/...`, UUID ids): the API for every new client and everything built from
now on. The existing mobile app speaks its own dialect at `/api/...` (document `/api/openapi.json`).
Every response uses the envelope `{"success", "message", "data"}` (lists add `meta`); errors are
`{"success": false, "error", "error_code", "details"}` with the real HTTP status.
Authenticated calls send `Authorization: Bearer <token>` (from verify-otp or verify-login).
"""


def _routers() -> list[Any]:
    return [
        health_router,
        *app_routers,
        auth_router,
        me_router,
        *event_routers,
        ticket_reads_router,  # where the events router's ticket reads were (same OpenAPI order)
        *event_routers_after_ticket_reads,
        *participation_routers,
        *ticket_routers,
        *wallet_routers,
        *payment_routers,
        *invoice_routers,
        *looppay_routers,
        notifications_router,
        *chat_routers,
        *call_routers,
        *room_routers,
        media_router,
        *post_routers,
        *story_routers,
        album_router,
        *people_routers,
        *venue_commerce_routers,
        *parking_routers,
        *marketplace_routers,
        *organisation_routers,
    ]


@dataclass(frozen=True)
class ApiDoc:
    """One OpenAPI document: the routes of one dialect plus the unversioned ones both share."""

    title: str
    version: str
    description: str
    openapi_url: str
    docs_url: str
    redoc_url: str
    dialect: str  # "app" | "v2"

    def includes(self, path: str) -> bool:
        if not path.startswith("/api/") or path.startswith(("/api/docs", "/api/redoc", "/api/openapi", "/api/v2/docs",
                                                             "/api/v2/redoc", "/api/v2/openapi")):  # fmt: skip
            return False
        shared = path.startswith(SHARED_PREFIXES)
        if self.dialect == "v2":
            return path.startswith("/api/v2/") or shared
        return not path.startswith("/api/v2/")


# Unversioned and shared by both dialects (CONTRACT.md): health and the payment providers' callbacks.
SHARED_PREFIXES = (
    "/api/health",
    "/api/payments/webhooks/",
    "/api/payments/sandbox/",
    "/api/payments/payu/",
    "/api/wallet/",  # Apple's pass web service
)

APP_DESCRIPTION = """
**The existing Loopin mobile app's dialect** (`/api/...`), kept so the published Flutter app works unchanged:
integer ids, its field names, nesting and flows, call by call as `CLIENT.md` describes them. Errors carry
`detail` and `message` (the sentence the app shows) beside `error_code`. New clients use the designed API
at `/api/v2` (its document: `/api/v2/openapi.json`, Swagger UI at `/api/v2/docs`).
"""

DOCS = (
    ApiDoc(
        "Loopin API: the mobile app's dialect",
        "1.0.0",
        APP_DESCRIPTION,
        "/api/openapi.json",
        "/api/docs",
        "/api/redoc",
        "app",
    ),  # fmt: skip
    ApiDoc(
        "Loopin API v2: the designed API",
        "2.0.0",
        API_DESCRIPTION,
        "/api/v2/openapi.json",
        "/api/v2/docs",
        "/api/v2/redoc",
        "v2",
    ),  # fmt: skip
)


def _extra_schemas() -> list[Any]:
    return [ProfileCompleteIn, ProfileUpdateIn]


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.LOG_LEVEL, settings.LOG_FORMAT)
    app = FastAPI(
        title="Loopin API",
        version="2.0.0",
        description=API_DESCRIPTION,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    # Two documents, each with its Swagger UI and ReDoc: the designed API and the existing app's dialect.
    for doc in DOCS:
        install_docs(app, title=doc.title, openapi_url=doc.openapi_url, docs_url=doc.docs_url, redoc_url=doc.redoc_url)
    install_error_handlers(app)
    sentry_init()
    install_query_counter()
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    for router in _routers():
        add_routes(app, router)
    ensure_loopin_routes(app)

    schemas: dict[str, dict[str, Any]] = {}

    def document(doc: ApiDoc) -> dict[str, Any]:
        if doc.openapi_url not in schemas:
            schema = get_openapi(title=doc.title, version=doc.version, description=doc.description, routes=app.routes)
            schema["paths"] = {path: item for path, item in schema.get("paths", {}).items() if doc.includes(path)}
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in _extra_schemas():
                model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(model_schema.pop("$defs", {}))
                components[model.__name__] = model_schema
            schema = add_global_responses(schema)
            document_optional_auth(schema, app.routes)
            document_text_rule(schema)
            document_closed_bodies(schema)
            document_errors(schema, app.routes)  # the codes each operation can return, an example each
            human_summaries(schema, app.routes)
            schemas[doc.openapi_url] = schema
        return schemas[doc.openapi_url]

    for doc in DOCS:

        async def serve(doc: ApiDoc = doc) -> JSONResponse:
            return JSONResponse(document(doc))

        app.add_api_route(doc.openapi_url, serve, methods=["GET"], include_in_schema=False)
    app.openapi = lambda: document(DOCS[1])  # type: ignore[method-assign]  # the designed API

    # Django: admin and its static files, and uploaded media when stored on local disk.
    os.makedirs(django_settings.STATIC_ROOT, exist_ok=True)
    app.mount(
        "/django/static",
        StaticFiles(
            directory=str(django_settings.STATIC_ROOT), packages=[("django.contrib.admin", "static")], check_dir=False
        ),
        name="django-static",
    )
    if settings.STORAGE_BACKEND == "local":
        os.makedirs(django_settings.MEDIA_ROOT, exist_ok=True)
        app.mount(settings.MEDIA_URL.rstrip("/"), MediaFiles(directory=str(django_settings.MEDIA_ROOT)), name="media")
    django_app = get_asgi_application()
    app.router.routes.extend(public_routes(django_app))  # share pages, sitemap, robots, app links
    app.mount("/django", django_app, name="django")
    install_route_index(app)

    if settings.CORS_ORIGINS:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.CORS_ORIGINS,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.add_middleware(DjangoContextMiddleware)
    app.add_middleware(RateLimitMiddleware)  # after the request id and client IP are known
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(RequestMiddleware)  # outermost: sees every response, including errors
    return app


def create_asgi_app() -> Any:
    """The served application: Socket.IO in front of the FastAPI app."""
    return asgi_app(create_app())


app = create_asgi_app()
