"""Every router of the app's dialect, in the order they must be matched (literal paths before `{event_id}`)."""

from __future__ import annotations

from loopin.app_v1.auth import router as auth_router

routers = [auth_router]
