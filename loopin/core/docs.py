"""Interactive API docs served by the app itself: Swagger UI and ReDoc from the pinned `fastapi-offline`
package's files, so /api/docs works with no internet. One function for every OpenAPI document we serve.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from loopin.core.routing import LoopinRoute

ASSETS_PATH = "/api/docs-assets"
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"


def _mount_assets(app: FastAPI) -> None:
    if not any(isinstance(r, Mount) and r.path == ASSETS_PATH for r in app.router.routes):
        app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS_DIR), name="docs-assets")


def install_docs(app: FastAPI, *, title: str, openapi_url: str, docs_url: str, redoc_url: str) -> None:
    """Swagger UI at `docs_url` and ReDoc at `redoc_url` for the document at `openapi_url`, assets local.

    Call it once per document (the designed API's, the existing app's): the assets are mounted once.
    """
    _mount_assets(app)

    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title}: Swagger UI",
            swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_PATH}/favicon.png",
            swagger_ui_parameters={"persistAuthorization": True, "displayRequestDuration": True},
        )

    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{title}: ReDoc",
            redoc_js_url=f"{ASSETS_PATH}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_PATH}/favicon.png",
            with_google_fonts=False,
        )

    for path, page in ((docs_url, swagger_ui), (redoc_url, redoc)):
        app.router.add_api_route(path, page, methods=["GET"], include_in_schema=False, route_class_override=LoopinRoute)
