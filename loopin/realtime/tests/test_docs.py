"""docs/REALTIME.md stays current: every socket handler, emitted event, realtime setting and refusal is on it,
and its event tables name nothing the code lacks (the way docs/ERRORS.md is kept by its test)."""

from __future__ import annotations

import re
from pathlib import Path

from loopin.config.asgi import create_app
from loopin.core.settings import Settings
from loopin.realtime.error_codes import RealtimeErrorCode
from loopin.realtime.server import sio

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "REALTIME.md").read_text()
# emit(<room expression without a comma>, "<event>" ...: loopin.realtime.emit and the managers' own emits.
EMIT = re.compile(r"\bemit\(\s*[^,()]*(?:\([^()]*\))?[^,()]*,\s*\"([a-z][a-z:_]*)\"")
BUILT_IN = {"connect", "disconnect"}


def _section(title: str) -> str:
    start = DOC.index(f"## {title}\n")
    end = DOC.find("\n## ", start + 1)
    return DOC[start : end if end != -1 else None]


def _table_names(title: str) -> set[str]:
    return set(re.findall(r"^\| `([^`]+)` \|", _section(title), flags=re.MULTILINE))


def _registered_handlers() -> set[str]:
    create_app()  # imports every domain's socket handlers
    return set(sio.handlers["/"]) - BUILT_IN


def _emitted_events() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "loopin").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        names.update(EMIT.findall(path.read_text()))
    return names


def test_the_scan_finds_the_known_emits():
    """A guard on the regex itself: if it stopped matching, the tests below would pass vacuously."""
    assert {"message", "receipt", "typing", "notification", "seats", "session_ended"} <= _emitted_events()


def test_every_client_event_handler_is_documented_and_nothing_else():
    assert _table_names("Client → server events") == _registered_handlers()


def test_every_emitted_event_is_documented_and_nothing_else():
    assert _table_names("Server → client events") == _emitted_events()


def test_every_realtime_and_chat_setting_is_documented():
    names = [n for n in Settings.model_fields if n.startswith(("REALTIME_", "CHAT_"))]
    assert names
    missing = [n for n in names if f"`{n}`" not in DOC]
    assert missing == []


def test_every_realtime_error_code_is_documented():
    missing = [c.value for c in RealtimeErrorCode if f"`{c.value}`" not in DOC]
    assert missing == []
