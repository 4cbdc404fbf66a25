"""A client nobody here wrote proves the protocol: the official JavaScript socket.io-client, driven by node."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from loopin.testing.live import Client

JS = Path(__file__).parent / "js"


def _client_installed() -> None:
    """`.ci/run` installs it; a developer's first run installs it here (npm, pinned in package-lock.json)."""
    if (JS / "node_modules" / "socket.io-client").is_dir():
        return
    npm = shutil.which("npm")
    assert npm, "node and npm are needed for this test (apt-get install -y nodejs npm)"
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=JS, check=True, timeout=300)  # noqa: S603


def test_the_official_js_client_connects_sends_syncs_and_receives(live, party):
    _client_installed()
    node = shutil.which("node")
    assert node
    conv = str(party["conversation"].id)

    async def scenario() -> tuple[dict[str, Any], list[Any]]:
        host = await Client(live.url, party["tokens"]["host"]).connect()
        proc = await asyncio.create_subprocess_exec(
            node,
            str(JS / "client.mjs"),
            live.url,
            party["tokens"]["guest"],
            conv,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=60)
        assert proc.returncode == 0, stderr.decode()
        got = await host.wait_for("message")
        await host.close()
        return json.loads(stdout.decode().strip().splitlines()[-1]), got

    out, host_got = asyncio.run(scenario())
    assert out["refused"] == {
        "message": "The access token is invalid.",
        "data": {
            "success": False,
            "error": "The access token is invalid.",
            "error_code": "INVALID_TOKEN",
            "details": None,
        },
    }
    assert out["connected"] is True
    assert out["sent"]["success"] is True
    assert out["sent"]["data"]["message"]["seq"] == 1
    assert out["bad"]["success"] is False
    assert out["bad"]["error_code"] == "VALIDATION_ERROR"
    assert [m["body"] for m in out["sync"]["data"]["conversations"][0]["messages"]] == ["from node"]
    assert out["received"]["body"] == "from node"
    assert [m["body"] for m in host_got] == ["from node"]
