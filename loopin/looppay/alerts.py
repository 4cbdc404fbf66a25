"""LoopPay's staff alert: failed reconciliation runs nobody has acknowledged yet (see reconciliation.py)."""

from __future__ import annotations

from django.urls import reverse

from loopin.core.time import display_zone
from loopin.looppay.models import ReconciliationRun
from loopin.staff.alerts import Alert, AlertSource, register_alert_source


def reconciliation_alerts() -> list[Alert]:
    """One alert while any failed run is unacknowledged, pointing at the latest of them."""
    open_runs = ReconciliationRun.objects.filter(ok=False, acknowledged_at__isnull=True).order_by("-ran_at")
    count = open_runs.count()
    latest = open_runs.first()
    if latest is None:
        return []
    problems = latest.problems if isinstance(latest.problems, list) else []
    checks = sorted({str(p.get("check", "unknown")) for p in problems if isinstance(p, dict)})
    when = latest.ran_at.astimezone(display_zone()).strftime("%Y-%m-%d %H:%M %Z")
    runs = "1 failed run" if count == 1 else f"{count} failed runs"
    return [
        Alert(
            title="LoopPay reconciliation",
            message=f"{runs} not acknowledged. The latest, at {when}, found {len(problems)} problem(s): "
            f"{', '.join(checks) or 'see the run'}.",
            url=reverse("admin:looppay_reconciliationrun_change", args=[latest.pk]),
        )
    ]


def register_looppay_alerts() -> None:
    register_alert_source(
        AlertSource(
            key="looppay.reconciliation",
            permission="looppay.view_reconciliationrun",
            build=reconciliation_alerts,
        )
    )
