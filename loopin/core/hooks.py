"""Cross-domain hooks for the account lifecycle.

Each domain registers its part in its AppConfig.ready(), so accounts never imports events or payments:
- a deletion blocker returns a reason why a user may not delete their account now (or None);
- an erasure step runs inside the deletion transaction (cancel what is pending, anonymise what is kept);
- an export section returns JSON-serialisable data about the user for `GET /api/me/export`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DeletionBlocker = Callable[[Any], str | None]
ErasureStep = Callable[[Any], None]
ExportSection = Callable[[Any], Any]

_blockers: dict[str, DeletionBlocker] = {}
_erasure_steps: dict[str, ErasureStep] = {}
_export_sections: dict[str, ExportSection] = {}


def register_deletion_blocker(name: str, fn: DeletionBlocker) -> None:
    _blockers[name] = fn


def register_erasure_step(name: str, fn: ErasureStep) -> None:
    _erasure_steps[name] = fn


def register_export_section(name: str, fn: ExportSection) -> None:
    _export_sections[name] = fn


def deletion_blockers() -> dict[str, DeletionBlocker]:
    return dict(_blockers)


def erasure_steps() -> dict[str, ErasureStep]:
    return dict(_erasure_steps)


def export_sections() -> dict[str, ExportSection]:
    return dict(_export_sections)
