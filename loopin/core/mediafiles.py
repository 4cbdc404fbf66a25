"""Uploaded files on local disk, served so that no browser runs them: a Content-Type from a short list of
picture and video types (anything else downloads as application/octet-stream), `nosniff`, and a sandbox
CSP in case a file is ever opened as a page. Range requests work (Starlette's FileResponse)."""

from __future__ import annotations

import os
from typing import Any

from starlette.responses import Response
from starlette.staticfiles import StaticFiles

SAFE_CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
}
MEDIA_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
    "cross-origin-resource-policy": "cross-origin",
}


class MediaFiles(StaticFiles):
    """StaticFiles for MEDIA_ROOT with safe headers on every file it answers with."""

    def file_response(
        self, full_path: Any, stat_result: os.stat_result, scope: Any, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        content_type = SAFE_CONTENT_TYPES.get(os.path.splitext(str(full_path))[1].lower())
        response.headers["content-type"] = content_type or "application/octet-stream"
        if content_type is None:
            response.headers["content-disposition"] = "attachment"
        response.headers.update(MEDIA_HEADERS)
        return response
