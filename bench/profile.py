"""`make bench BENCH_ARGS="--profile DIR"`: py-spy samples one app worker while each scenario loads it.

Each scenario gets `DIR/<scenario>.txt` (py-spy's collapsed stacks: one line per distinct stack, `frame;...
count`; only the thread holding the GIL is sampled, so it is the Python work that bounds a CPU-bound worker), and
the bench prints, per scenario, where the worker's CPU went:

- **by leaf** (self time, sums to 100 %): the library or layer of the innermost frame of every sample, so "Django
  ORM" is time spent inside django/db/models itself (query building, compiling, model instances), not the SQL
  round trip (that is the driver's, "psycopg");
- **hottest of ours** (inclusive): the loopin functions with the largest share of samples that pass through them.

`summarise(path)` reads a collapsed file back, so a profile kept from an earlier run can be read again:
`python -m bench.profile DIR/feed-signed-in.txt`.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PY_SPY = Path(sys.executable).with_name("py-spy")
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^():]*)(?::\d+)?\)$")

# The layer a leaf frame belongs to, first match wins (paths as py-spy prints them: site-packages relative).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Django ORM (query building, compiling, model instances)", ("django/db/models/",)),
    ("Django DB backend wrappers", ("django/db/backends/", "django/db/transaction", "django/db/utils")),
    ("psycopg (driver, protocol, socket waits)", ("psycopg/", "psycopg_pool/", "psycopg_binary", "psycopg_c")),
    ("redis client", ("redis/",)),
    ("pydantic (validation, serialisation)", ("pydantic/", "pydantic_core/")),
    ("FastAPI / Starlette routing and parameters", ("fastapi/", "starlette/")),
    ("uvicorn / HTTP parsing", ("uvicorn/", "h11/", "httptools/")),
    ("asgiref (sync/async thread hops)", ("asgiref/",)),
    ("event loop, threads, queues", ("asyncio/", "uvloop/", "concurrent/", "threading.py", "queue.py", "selectors")),
    ("JSON", ("json/", "orjson")),
    ("logging, structlog, metrics", ("structlog/", "logging/", "prometheus_client/")),
    ("JWT, crypto, hashing", ("jwt/", "cryptography/", "hashlib", "hmac", "secrets.py")),
    ("Django other (settings, signals, cache, timezone)", ("django/",)),
    ("loopin (our code itself)", ("loopin/",)),
)


@dataclass(frozen=True)
class Summary:
    samples: int
    layers: list[tuple[str, float]]  # (layer, % of samples), largest first
    ours: list[tuple[str, float]]  # (loopin function, inclusive %), largest first


def _parse(line: str) -> tuple[list[tuple[str, str]], int] | None:
    stack, _, count = line.rstrip("\n").rpartition(" ")
    if not stack or not count.isdigit():
        return None
    frames = []
    for raw in stack.split(";"):
        m = _FRAME.match(raw)
        frames.append((m.group("func"), m.group("file")) if m else (raw, ""))
    return frames, int(count)


def _layer(file: str) -> str:
    for name, needles in LAYERS:
        if any(n in file for n in needles):
            return name
    return "other (stdlib, C extensions)"


def summarise(path: Path, *, top: int = 12) -> Summary:
    layers: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        parsed = _parse(line)
        if parsed is None:
            continue
        frames, count = parsed
        total += count
        # Skip the process/thread root frames py-spy may add ("process 123:...", "thread (0x...)").
        leaf = next((f for f in reversed(frames) if f[1]), ("", ""))
        layers[_layer(leaf[1])] += count
        seen = set()
        for func, file in frames:
            if "loopin/" in file:
                name = f"{file.split('loopin/', 1)[1]}:{func}"
                if name not in seen:
                    seen.add(name)
                    ours[name] += count
    pct = (lambda n: round(100 * n / total, 1)) if total else (lambda n: 0.0)
    return Summary(
        samples=total,
        layers=[(k, pct(v)) for k, v in layers.most_common()],
        ours=[(k, pct(v)) for k, v in ours.most_common(top)],
    )


def render(name: str, s: Summary) -> str:
    lines = [f"### {name}: {s.samples} on-CPU samples of one worker", "", "| by leaf | % |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in s.layers if v >= 0.5]
    lines += ["", "| hottest of ours (inclusive) | % |", "|---|---|"]
    lines += [f"| `{k}` | {v} |" for k, v in s.ours]
    return "\n".join(lines)


def worker_pid(server_pid: int) -> int | None:
    """The first uvicorn worker under the server process (multiprocessing's resource tracker skipped)."""
    for child in Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split():
        if b"resource_tracker" not in Path(f"/proc/{child}/cmdline").read_bytes():
            return int(child)
    return None


class Profiler:
    """Records one worker of the app with py-spy around each scenario; a no-op without a directory."""

    def __init__(self, directory: str | None, server_pid: int) -> None:
        self.directory = Path(directory) if directory else None
        self.server_pid = server_pid
        self.done: list[tuple[str, Path]] = []

    @contextmanager
    def record(self, name: str) -> Iterator[None]:
        pid = worker_pid(self.server_pid) if self.directory else None
        if self.directory is None or pid is None:
            yield
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        out = self.directory / f"{name}.txt"
        proc = subprocess.Popen(
            [str(PY_SPY), "record", "--pid", str(pid), "--format", "raw", "--output", str(out)]
            + ["--rate", "97", "--gil", "--nonblocking"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            yield
        finally:
            proc.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            if out.exists():
                self.done.append((name, out))

    def report(self) -> str:
        return "\n\n".join(render(name, summarise(path)) for name, path in self.done)


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(render(Path(arg).stem, summarise(Path(arg))))
        print()
