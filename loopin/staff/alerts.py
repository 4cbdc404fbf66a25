"""Staff alerts: things someone must look at now, shown at the top of the admin's index and dashboard.

A domain registers a source in its AppConfig.ready():

    register_alert_source(AlertSource(key="looppay.reconciliation", permission="looppay.view_reconciliationrun",
                                      build=reconciliation_alerts))

`build()` returns the open alerts (empty when all is well). A source is asked only for staff holding its
`permission`; a source that fails shows one alert saying it could not be checked, never an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from loopin.core.logging import get_logger

if TYPE_CHECKING:
    from loopin.accounts.models import User

log = get_logger("loopin.staff")


@dataclass(frozen=True)
class Alert:
    title: str
    message: str
    url: str = ""


@dataclass(frozen=True)
class AlertSource:
    key: str
    permission: str
    build: Callable[[], list[Alert]]


_sources: dict[str, AlertSource] = {}


def register_alert_source(source: AlertSource) -> None:
    _sources[source.key] = source


def alerts_for(user: User) -> list[Alert]:
    """The open alerts of every source this staff member may see, in registration order."""
    found: list[Alert] = []
    for source in _sources.values():
        if not user.has_perm(source.permission):
            continue
        try:
            found += source.build()
        except Exception:  # one broken source must not take the admin's front page down
            log.exception("staff_alert_source_failed", source=source.key)
            found.append(Alert(title=source.key, message="This check could not be run; see the error log."))
    return found
