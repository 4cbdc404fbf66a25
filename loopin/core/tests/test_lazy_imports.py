"""A worker that never needs the real outside services does not load their libraries (issue 22's footprint)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from loopin.core.lazy import LazyModule, lazy_module

ROOT = Path(__file__).resolve().parents[3]
HEAVY = [
    *("av", "firebase_admin", "httpx", "icalendar", "livekit", "openpyxl", "razorpay", "reportlab"),
    *("sentry_sdk", "stripe", "twilio", "xhtml2pdf"),
]


def test_the_app_starts_without_the_outside_services_libraries() -> None:
    script = (
        "import json, sys\n"
        "import loopin.config.asgi\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "loopin.config.django_settings"
    out = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_a_lazy_module_imports_on_first_use_and_then_is_the_module() -> None:
    name = "xml.dom.pulldom"  # stdlib, not imported by the app
    sys.modules.pop(name, None)
    stand_in = lazy_module(name)
    assert isinstance(stand_in, LazyModule)
    assert stand_in.loaded is False
    assert name not in sys.modules
    assert stand_in.START_ELEMENT == "START_ELEMENT"
    assert stand_in.loaded is True
    assert stand_in.parseString is sys.modules[name].parseString


def test_a_missing_library_fails_at_first_use_with_the_import_error() -> None:
    stand_in = lazy_module("loopin_no_such_library")
    with pytest.raises(ModuleNotFoundError) as raised:
        getattr(stand_in, "anything")  # noqa: B009 (the attribute read is what is tested)
    assert raised.value.name == "loopin_no_such_library"
