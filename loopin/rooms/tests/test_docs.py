"""docs/ROOMS.md's "who may do what to whom" table is the code's (loopin.rooms.rules.ACTIONS)."""

from __future__ import annotations

import re
from pathlib import Path

from loopin.rooms import rules

DOC = (Path(__file__).resolve().parents[3] / "docs" / "ROOMS.md").read_text()


def _table() -> dict[str, dict[str, frozenset[str]]]:
    start = DOC.index("## Who may do what to whom")
    section = DOC[start : DOC.index("\n## ", start + 1)]
    table: dict[str, dict[str, frozenset[str]]] = {}
    for action, *cells in re.findall(r"^\| `([a-z-]+)` \| ([^|]+) \| ([^|]+) \|$", section, flags=re.MULTILINE):
        by_role = {}
        for role, cell in zip(("host", "moderator"), cells, strict=True):
            targets = frozenset(t.strip() for t in cell.split(",")) - {"—"}
            if targets:
                by_role[role] = targets
        table[action.replace("-", "_")] = by_role
    return table


def test_the_documented_table_is_the_code():
    assert _table() == rules.ACTIONS
