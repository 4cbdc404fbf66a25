"""Every router of the app's dialect, in the order they must be matched (literal paths before `{event_id}`)."""

from __future__ import annotations

from loopin.app_v1.auth import router as auth_router
from loopin.app_v1.events import router as events_router
from loopin.app_v1.payments import routers as payment_routers

routers = [auth_router, events_router, *payment_routers]
