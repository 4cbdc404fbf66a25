"""Browser tests: the app served by a real uvicorn on a free port (in this process, on the test database),
driven by the system's Chromium (Debian's `chromium`) through Playwright. No browser is downloaded.

Screenshots land in var/browser/ (the CI log names them).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from loopin.accounts.services import interests_ensure_defaults
from loopin.config.asgi import app

SHOTS = Path(__file__).resolve().parents[1] / "var" / "browser"


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("The browser tests need Chromium: apt-get install -y chromium (or set CHROMIUM_PATH)")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_url(transactional_db: None) -> Iterator[str]:
    """http://127.0.0.1:<port> serving the whole ASGI app (API, public pages, admin) until the test ends."""
    interests_ensure_defaults()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """A Chromium; open pages with `browser.new_page(...)`.

    Playwright's sync API keeps an asyncio loop in this thread, which Django's ORM takes for async code; the
    test's own ORM calls (creating its data) are plain sync code, so they are allowed here.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


def shot(page: object, name: str) -> Path:
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    print(f"screenshot: {path}")
    return path
