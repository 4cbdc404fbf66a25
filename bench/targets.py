"""Issue 22's targets, each figure beside its bare baseline from the same run, with PASS or FAIL.

`targets(results)` reads bench/run.py's results dict; a scenario that was not run (see `--only`) is left out.
A ratio target compares like with like: our endpoint against bench/baseline.py doing the same database work
with the same guarantees, measured minutes apart on the same machine, data and worker count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    name: str
    ours: float | None
    theirs: float | None  # the baseline's figure; None for an absolute target
    limit: float
    at_least: bool  # True: ours (or the ratio) must be >= limit; False: <= limit
    unit: str

    @property
    def is_ratio(self) -> bool:
        return self.unit == "x"

    @property
    def value(self) -> float | None:
        """The ratio to the baseline, or the absolute figure; None when either side was not measured."""
        if self.ours is None:
            return None
        if not self.is_ratio:
            return self.ours
        return self.ours / self.theirs if self.theirs else None

    @property
    def passed(self) -> bool | None:
        """None: not measured (the scenario did not run); a ratio whose baseline failed to answer is a FAIL."""
        if self.ours is None:
            return None
        value = self.value
        if value is None:
            return False
        return value >= self.limit if self.at_least else value <= self.limit


def _ratio(name: str, ours: float | None, theirs: float | None, limit: float, *, at_least: bool = True) -> Target:
    return Target(name, ours, theirs, limit, at_least, "x")


def _absolute(name: str, ours: float | None, limit: float, unit: str, *, at_least: bool = False) -> Target:
    return Target(name, ours, None, limit, at_least, unit)


def _get(d: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def targets(results: dict[str, Any]) -> list[Target]:
    out: list[Target] = []
    feed = results.get("feed") or {}
    if "baseline" in feed:
        base = feed["baseline"]
        for name, label in (("anonymous", "GET /api/v2/events"),):
            if name in feed:
                out.append(
                    _ratio(
                        f"feed anonymous {label}, saturation rps",
                        feed[name]["saturation"]["rps"],
                        base["saturation"]["rps"],
                        0.7,
                    )
                )
                out.append(
                    _ratio(
                        f"feed anonymous {label}, half-load p99",
                        feed[name]["half_load"]["p99_ms"],
                        base["half_load"]["p99_ms"],
                        1.5,
                        at_least=False,
                    )
                )
    for name, label in (("signed_in", "GET /api/v2/events"), ("signed_in_v1", "GET /api/events")):
        if name not in feed or "baseline_signed_in" not in feed:
            continue
        mine, base = feed[name], feed["baseline_signed_in"]
        out.append(
            _ratio(f"feed signed in {label}, saturation rps", mine["saturation"]["rps"], base["saturation"]["rps"], 0.5)
        )
        out.append(
            _ratio(
                f"feed signed in {label}, half-load p99",
                mine["half_load"]["p99_ms"],
                base["half_load"]["p99_ms"],
                1.5,
                at_least=False,
            )
        )
    for size, runs in (results.get("rush") or {}).items():
        app, base = runs.get("app") or {}, runs.get("baseline") or {}
        out.append(_ratio(f"rush {size}: holds/s", _get(app, "holds_per_s"), _get(base, "holds_per_s"), 0.5))
        out.append(_absolute(f"rush {size}: oversold (app)", _get(app, "oversold"), 0, ""))
        out.append(_absolute(f"rush {size}: oversold (bare)", _get(base, "oversold"), 0, ""))
        if "sold_out_app" in runs:
            out.append(
                _ratio(
                    f"rush {size}: sold-out answers rps",
                    _get(runs, "sold_out_app", "rps"),
                    _get(runs, "sold_out_baseline", "rps"),
                    0.5,
                )
            )
    for scanners, runs in (results.get("checkin") or {}).items():
        app, base = runs.get("app") or {}, runs.get("baseline") or {}
        out.append(
            _ratio(f"check-in {scanners} scanners: scans/s", _get(app, "scans_per_s"), _get(base, "scans_per_s"), 0.5)
        )
        out.append(_absolute(f"check-in {scanners} scanners: double entries", _get(app, "double_entries"), 0, ""))
    otp = results.get("otp")
    if otp:
        for step in ("signup", "verify_otp"):
            out.append(_absolute(f"otp {step} p50", otp[step]["p50_ms"], 15, "ms"))
            out.append(_absolute(f"otp {step} p99", otp[step]["p99_ms"], 50, "ms"))
    fp = results.get("footprint") or {}
    if fp.get("worker_rss_mib"):
        out.append(_absolute("worker RSS (largest)", max(fp["worker_rss_mib"]), 150, "MiB"))
    if fp.get("import_to_ready_s") is not None:
        out.append(_absolute("import-to-ready", fp["import_to_ready_s"], 2, "s"))
    return out


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:g} {unit}".rstrip()


def targets_table(results: dict[str, Any]) -> str:
    rows = [("target", "ours", "bare", "ratio / figure", "goal", "")]
    for t in targets(results):
        mark = {True: "PASS", False: "FAIL", None: "n/a"}[t.passed]
        goal = ("≥ " if t.at_least else "≤ ") + _fmt(t.limit, t.unit)
        theirs = ("none" if t.is_ratio else "") if t.theirs is None else f"{t.theirs:g}"
        ours = "n/a" if t.ours is None else f"{t.ours:g}"
        rows.append((t.name, ours, theirs, _fmt(t.value, t.unit), goal, mark))
    if len(rows) == 1:
        return "Targets: none measured in this run."
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["Targets (issue 22), each against its bare baseline from this run:"]
    for r in rows:
        lines.append("  ".join(r[i].ljust(widths[i]) for i in range(5)) + "  " + r[5])
    return "\n".join(lines)
