"""`make bench`: the app on PostgreSQL + Redis under load from a separate process, against a bare baseline.

    .venv/bin/python -m bench.run [--runs 3] [--duration 10] [--quick] [--json bench/results/latest.json]
    .venv/bin/python -m bench.run --home-only     # only the home feed, its baseline and the 12 MP upload

Steps: start a redis-server of our own on a spare port; create a fresh database `loopin_bench_<pid>` on the
PostgreSQL at BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres), migrate, seed it
(bench/seed.py, fixed seed); start the app (`python -m loopin.config.serve`, workers = cores) and a Celery
worker (so the SMS leaves the request path); then, each scenario `--runs` times after a warm-up, median:

  feed anonymous / signed in  GET /api/v2/events (20 per page), saturation (closed loop, 32 connections)
                              and half load (open loop at half the saturated rate): rps, p50, p99
  home feed                   GET /api/v2/feed (20 posts, Redis timelines) for 200 signed-in people, same loads
  baseline                    the same for bench/baseline.py (Starlette + asyncpg, one SQL query, same JSON);
                              home baseline: its GET /api/v2/feed for the same 200 tokens (one SQL statement)
  otp                         POST /api/auth/signup and /api/auth/verify-otp latency, 8 at a time
  rush, check-in              scripts/rush.py and scripts/checkin_bench.py when present
  footprint                   worker RSS after warm-up; import-to-ready of a fresh server
  realtime                    bench/realtime.py: the app's Socket.IO chat, a bare python-socketio server and a
                              bare websockets server (`--realtime-only`, or `python -m bench.realtime --quick`)

The global caps and OTP per-IP caps are raised for the run (one load generator is one IP); everything
else is the production configuration (the server runs as ENVIRONMENT=test only because production refuses the
console SMS backend the bench reads codes from). The database, Redis and servers are removed afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import psycopg

from bench.profile import Profiler
from bench.targets import targets_table
from loopin.testing.processes import free_port

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def wait_http(port: int, path: str = "/api/health", timeout: float = 60.0) -> float:
    import urllib.request

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as r:
                if r.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.02)
    raise TimeoutError(f"port {port} did not answer {path}")


def db_url(name: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(ADMIN_URL)
    password = f":{info['password']}" if info.get("password") else ""
    host, port = info.get("host", "127.0.0.1"), info.get("port", 5432)
    return f"postgresql://{info.get('user', 'postgres')}{password}@{host}:{port}/{name}"


def machine() -> dict[str, Any]:
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    with psycopg.connect(ADMIN_URL) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    redis_version = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.split()[2]
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "python": platform.python_version(),
        "postgresql": pg,
        "redis": redis_version.removeprefix("v="),
        "load_average_at_start": os.getloadavg(),
    }


class Proc:
    """A child process with its output in a file; stopped with SIGTERM (then SIGKILL) by its own pid."""

    def __init__(self, args: list[str], env: dict[str, str], logfile: Path) -> None:
        self.logfile = logfile
        self._fh = logfile.open("wb")
        self.p = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self._fh, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self._fh.close()


def load(port: int, *, mode: str, duration: float, warmup: float, **opts: Any) -> dict[str, Any]:
    args = [PY, "-m", "bench.load", "--port", str(port), "--mode", mode, "--duration", str(duration)]
    args += ["--warmup", str(warmup)]
    for key, value in opts.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ["rps", "p50_ms", "p99_ms"]
    out = {k: round(statistics.median(r[k] for r in runs), 2) for k in keys}
    out["runs"] = [{k: r[k] for k in keys} for r in runs]
    out["errors"] = sum(r["errors"] + r["non_2xx"] for r in runs)
    return out


def feed_scenario(port: int, runs: int, duration: float, **opts: Any) -> dict[str, Any]:
    load(port, mode="closed", duration=3, warmup=1, connections=16, **opts)  # warm the workers and pools
    saturated = [load(port, mode="closed", duration=duration, warmup=2, connections=32, **opts) for _ in range(runs)]
    sat = median_of(saturated)
    rate = max(1.0, sat["rps"] / 2)
    half = median_of([load(port, mode="open", duration=duration, warmup=2, rate=rate, **opts) for _ in range(runs)])
    half["rate"] = rate
    return {"saturation": sat, "half_load": half}


def upload_scenario(env: dict[str, str], *, runs: int) -> dict[str, Any]:
    """bench/media.py in its own process on the bench's database and storage: a 12 MP phone photo's pipeline."""
    out = subprocess.run(
        [PY, "-m", "bench.media", "--runs", str(runs), "--json"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        return {"error": out.stderr.strip()[-300:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def rss_of_children(pid: int) -> list[float]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    out = []
    for child in children:
        if b"resource_tracker" in Path(f"/proc/{child}/cmdline").read_bytes():
            continue  # multiprocessing's helper, not a worker
        status = Path(f"/proc/{child}/status").read_text()
        out.append(round(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024, 1))
    return out


async def otp_scenario(port: int, worker_log: Path, phones: int, concurrency: int) -> dict[str, Any]:
    from bench.load import Conn, build_requests

    signup_ms: list[float] = []
    verify_ms: list[float] = []
    failures = 0
    code_re = re.compile(r"SMS to (\+\d+)\] .*?code is (\d+)")

    def code_for(phone: str) -> str | None:
        for line in reversed(worker_log.read_text(errors="replace").splitlines()):
            m = code_re.search(line)
            if m and m.group(1) == phone:
                return m.group(2)
        return None

    def post(path: str, body: dict[str, str]) -> bytes:
        return build_requests("127.0.0.1", port, "POST", path, [], json.dumps(body).encode())[0]

    queue: asyncio.Queue[str] = asyncio.Queue()
    for i in range(phones):
        queue.put_nowait(f"+91987{i:07d}")

    async def worker() -> None:
        nonlocal failures
        conn = await Conn.open("127.0.0.1", port)
        try:
            while not queue.empty():
                phone = queue.get_nowait()
                t0 = time.perf_counter()
                status = await conn.request(post("/api/auth/signup", {"phone_number": phone}))
                signup_ms.append((time.perf_counter() - t0) * 1000)
                if status != 200:
                    failures += 1
                    continue
                deadline = time.monotonic() + 20
                code = None
                while code is None and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                    code = code_for(phone)
                if code is None:
                    failures += 1
                    continue
                t0 = time.perf_counter()
                status = await conn.request(post("/api/auth/verify-otp", {"phone_number": phone, "otp_code": code}))
                verify_ms.append((time.perf_counter() - t0) * 1000)
                if status != 200:
                    failures += 1
        finally:
            conn.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))

    from bench.load import percentile

    def stats(values: list[float]) -> dict[str, float]:
        return {
            "p50_ms": round(percentile(values, 50), 2),
            "p99_ms": round(percentile(values, 99), 2),
            "n": len(values),
        }

    return {"signup": stats(signup_ms), "verify_otp": stats(verify_ms), "failures": failures}


def external_script(
    name: str, base_url: str, env: dict[str, str], extra: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    path = ROOT / "scripts" / name
    if not path.exists():
        return None
    out = subprocess.run(
        [PY, str(path), "--base-url", base_url, *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    lines = [line for line in out.stdout.strip().splitlines() if line.strip()]
    if out.returncode != 0 or not lines:
        return {"error": f"exit {out.returncode}: {out.stderr.strip()[-300:]}"}
    return json.loads(lines[-1])


def rush_scenarios(
    port: int, base_port: int, env: dict[str, str], work: Path, results: dict[str, Any], args: Any, prof: Profiler
) -> None:
    """scripts/rush.py against the app and against the bare hold endpoint, per `--rush-sizes`; then the sold-out
    answers of the largest rush's full event, replayed by its SOLD_OUT buyers (closed loop) against each."""
    out: dict[str, Any] = {}
    results["rush"] = out
    sizes = [tuple(int(n) for n in size.split("/")) for size in args.rush_sizes.split(",") if size.strip()]
    for buyers, seats in sizes:
        key = f"{buyers}/{seats}"
        common = ("--buyers", str(buyers), "--seats", str(seats), "--concurrency", str(min(buyers, 256)))
        runs: dict[str, Any] = {}
        out[key] = runs
        for who, at in (("app", port), ("baseline", base_port)):
            tokens = work / f"sold-out-{who}-{buyers}.txt"
            # The app's rush pays for its holds and checks the tickets (up to 100 seats); the bare endpoint only holds.
            extra = ("--tokens-out", str(tokens)) + (("--holds-only",) if who == "baseline" or seats > 100 else ())
            log(f"rush {key} ({who}): scripts/rush.py {' '.join(common + extra)}")
            with prof.record(f"rush-{buyers}-{seats}") if who == "app" else nullcontext():
                found = external_script("rush.py", f"http://127.0.0.1:{at}", env, common + extra)
            runs[who] = (found or {}).get("metrics") or found
        if (buyers, seats) == max(sizes):
            for who, at in (("app", port), ("baseline", base_port)):
                tokens = work / f"sold-out-{who}-{buyers}.txt"
                event_id = (runs.get(who) or {}).get("event_id")
                if not event_id or not tokens.exists() or not tokens.read_text().strip():
                    continue
                log(f"sold-out answers ({who}): the full event, {args.duration:.0f} s closed loop")
                body = json.dumps({"event_id": event_id, "seats": 1, "provider": "sandbox"})
                with prof.record("sold-out") if who == "app" else nullcontext():
                    runs[f"sold_out_{who}"] = median_of(
                        [
                            load(
                                at,
                                mode="closed",
                                duration=args.duration,
                                warmup=1,
                                connections=32,
                                path="/api/v2/payments/orders",
                                method="POST",
                                body=body,
                                headers_file=tokens,
                            )
                            for _ in range(args.runs)
                        ]
                    )
    log("rush 200/20 in tiers of 5 and 20 (app)")
    # The first tier fills (TIER_SOLD_OUT), then the event (SOLD_OUT); every counter must hold.
    found = external_script("rush.py", f"http://127.0.0.1:{port}", env, ("--tier-seats", "5,20"))
    results["rush_tiers"] = (found or {}).get("metrics") or found


def checkin_scenarios(
    port: int, base_port: int, env: dict[str, str], results: dict[str, Any], args: Any, prof: Profiler
) -> None:
    """scripts/checkin_bench.py against the app and against the bare scan endpoint, per `--scanners`."""
    out: dict[str, Any] = {}
    results["checkin"] = out
    for scanners in (int(n) for n in args.scanners.split(",") if n.strip()):
        runs: dict[str, Any] = {}
        out[str(scanners)] = runs
        for who, at in (("app", port), ("baseline", base_port)):
            log(f"check-in ({who}): {scanners} scanners, {args.tickets} tickets scanned twice each")
            extra = ("--scanners", str(scanners), "--tickets", str(args.tickets))
            with prof.record(f"check-in-{scanners}") if who == "app" else nullcontext():
                found = external_script("checkin_bench.py", f"http://127.0.0.1:{at}", env, extra)
            runs[who] = (found or {}).get("metrics") or found


def make_tokens(env: dict[str, str], count: int, path: Path) -> None:
    code = (
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'loopin.config.django_settings')\n"
        "import django; django.setup()\n"
        "from loopin.accounts.models import User\n"
        "from loopin.accounts.services import session_start\n"
        f"users = list(User.objects.filter(phone_number__startswith='+9190').order_by('phone_number')[:{count}])\n"
        f"open({str(path)!r}, 'w').write('\\n'.join('Authorization: Bearer ' + session_start(user=u).access_token"
        " for u in users))\n"
    )
    subprocess.run([PY, "-c", code], cwd=ROOT, env=env, check=True)


def wait_port(port: int, timeout: float = 30.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(1)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"port {port} did not open")


REALTIME_KINDS = {
    "app": "Loopin (Socket.IO chat: auth, storage, sequence numbers, Redis manager)",
    "sio": "bare python-socketio broadcast (no auth, no storage)",
    "baseline": "bare websockets broadcast (the Python ceiling)",
}


def realtime_scenario(env: dict[str, str], work: Path, *, idle: int, seconds: float) -> dict[str, Any]:
    """bench/realtime.py against one app process, a bare python-socketio server and a bare websockets one."""
    chat = work / "chat.json"
    subprocess.run(
        [PY, "-m", "bench.realtime", "seed", "--members", "1000", "--out", str(chat)],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    out: dict[str, Any] = {}
    servers = {
        "app": [
            *(PY, "-m", "uvicorn", "loopin.config.asgi:app", "--ws-per-message-deflate", "false", "--lifespan", "off"),
            *("--no-access-log", "--log-level", "warning", "--loop", "uvloop", "--http", "httptools"),
        ],
        "sio": [PY, "-m", "bench.realtime", "bare-sio"],
        "baseline": [PY, "-m", "bench.realtime", "baseline"],
    }
    for kind, command in servers.items():
        port = free_port()
        extra = ["--host", "127.0.0.1", "--port", str(port)] if kind == "app" else ["--port", str(port)]
        proc = Proc([*command, *extra], env, work / f"realtime-{kind}.log")
        try:
            if kind == "app":
                wait_http(port)
            else:
                wait_port(port)
            drive = [PY, "-m", "bench.realtime", "drive", "--port", str(port), "--pid", str(proc.p.pid)]
            drive += ["--kind", kind, "--tokens", str(chat), "--idle", str(idle), "--seconds", str(seconds)]
            try:
                done = subprocess.run(drive, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
            except subprocess.TimeoutExpired:
                out[kind] = {"error": "drive timed out after 300 s"}
                continue
            if done.returncode != 0:
                out[kind] = {"error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
            else:
                out[kind] = json.loads(done.stdout.strip().splitlines()[-1])
        finally:
            proc.stop()
    return out


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "n/a"


def realtime_rows(rt: dict[str, Any]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    app = rt.get("app") or {}
    for kind in REALTIME_KINDS:
        r = rt.get(kind) or {}
        if "error" in r or not r:
            rows.append((f"realtime {kind}", "", "", "", f"error: {r.get('error')}"))
            continue
        idle, fan, sus = r["idle"], r["fanout"], r["sustained"]
        vs = ""
        if kind != "app" and app.get("sustained"):
            a_sus, a_fan = app["sustained"], app["fanout"]
            vs = (
                f"; app/this: messages/s {_ratio(a_sus['messages_per_s'], sus['messages_per_s'])}, "
                f"deliveries/s {_ratio(a_sus['deliveries_per_s'], sus['deliveries_per_s'])}, "
                f"fan-out p50 {_ratio(a_fan['p50_ms'], fan['p50_ms'])}, p99 {_ratio(a_fan['p99_ms'], fan['p99_ms'])}"
            )
        rows.append(
            (
                f"realtime {kind}",
                sus["messages_per_s"],
                fan["p50_ms"],
                fan["p99_ms"],
                f"{REALTIME_KINDS[kind]}: {sus['messages_per_s']} messages/s = {sus['deliveries_per_s']} "
                f"deliveries/s ({sus['deliveries']}/{sus['expected']} received); fan-out to {fan['members']} "
                f"members ({fan['deliveries']} received); {idle['connections']} idle connections "
                f"{idle['kib_per_connection']} KiB each (RSS {idle['rss_before_mib']} -> {idle['rss_after_mib']} MiB)"
                f"{vs}",
            )
        )
    return rows


def table(results: dict[str, Any]) -> str:
    rows = [("scenario", "rps", "p50 ms", "p99 ms", "note")]
    feed = results.get("feed", {})
    base = feed.get("baseline")
    names = ("anonymous", "signed_in", "signed_in_v1", "home_feed", "baseline", "baseline_signed_in", "home_baseline")
    for name in names:
        if name not in feed:
            continue
        signed = feed.get("baseline_signed_in")
        against = {"home_feed": feed.get("home_baseline"), "signed_in": signed, "signed_in_v1": signed}.get(name, base)
        for load_name in ("saturation", "half_load"):
            r = feed[name][load_name]
            note = ""
            if load_name == "saturation" and against and not name.endswith("baseline") and "baseline_" not in name:
                which = {"home_feed": "home baseline", "anonymous": "baseline"}.get(name, "signed-in baseline")
                note = f"{r['rps'] / against['saturation']['rps']:.2f}x {which} rps"
            if load_name == "half_load":
                note = f"open loop at {r['rate']:.0f} rps"
                if name == "home_feed" and against:
                    theirs = against["half_load"]
                    p50, p99 = r["p50_ms"] / theirs["p50_ms"], r["p99_ms"] / theirs["p99_ms"]
                    note += f"; p50 {p50:.2f}x, p99 {p99:.2f}x the home baseline's"
            if r["errors"]:
                note += f" ({r['errors']} errors/non-2xx)"
            rows.append((f"feed {name} {load_name.replace('_', ' ')}", r["rps"], r["p50_ms"], r["p99_ms"], note))
    otp = results.get("otp")
    if otp:
        for step in ("signup", "verify_otp"):
            rows.append((f"otp {step}", "", otp[step]["p50_ms"], otp[step]["p99_ms"], f"n={otp[step]['n']}"))
    for size, runs in (results.get("rush") or {}).items():
        for who in ("app", "baseline"):
            rows.append((f"rush {size} {who}", "", "", "", json.dumps(runs.get(who))))
        for who in ("app", "baseline"):
            r = runs.get(f"sold_out_{who}")
            if r:
                note = f"sold-out answers, 32 connections ({r['errors']} errors/non-2xx: SOLD_OUT is a 409)"
                rows.append((f"sold out {who}", r["rps"], r["p50_ms"], r["p99_ms"], note))
    if results.get("rush_tiers"):
        rows.append(("rush tiers 5,20 app", "", "", "", json.dumps(results["rush_tiers"])))
    for scanners, runs in (results.get("checkin") or {}).items():
        for who in ("app", "baseline"):
            r = runs.get(who) or {}
            if "scans_per_s" in r:
                note = f"{r['scans']} scans, {r['scans_per_s']} scans/s, double entries {r['double_entries']}"
                rows.append((f"check-in {scanners} {who}", r["scans_per_s"], r["p50_ms"], r["p99_ms"], note))
            else:
                rows.append((f"check-in {scanners} {who}", "", "", "", json.dumps(r)))
    if "realtime" in results:
        rows.extend(realtime_rows(results["realtime"]))
    upload = results.get("upload")
    if upload and "error" in upload:
        rows.append(("upload 12 MP photo", "", "", "", f"error: {upload['error']}"))
    elif upload:
        note = (
            f"{upload['megapixels']} MP JPEG, {upload['mb']} MB, median of {upload['runs']}: decode + 3 WebP sizes"
            f" + blurhash {upload['render_ms']} ms; media_upload (+ storage writes + row) {upload['upload_ms']} ms"
        )
        rows.append(("upload 12 MP photo", "", upload["upload_ms"], "", note))
    fp = results.get("footprint")
    if fp:
        ready = fp.get("import_to_ready_s")
        note = f"worker RSS {fp['worker_rss_mib']} MiB" + (f"; import-to-ready {ready} s" if ready else "")
        rows.append(("footprint", "", "", "", note))
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    lines = []
    for r in rows:
        lines.append("  ".join(str(r[i]).ljust(widths[i]) for i in range(4)) + "  " + str(r[4]))
    return "\n".join(lines)


SCENARIOS = ("feed", "home", "rush", "checkin", "otp", "upload", "ready", "realtime")


class _Done(Exception):
    """--realtime-only: the section ran; skip the rest."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="one run of 5 s per scenario")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "latest.json"))
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--realtime-idle", type=int, default=None, help="idle Socket.IO connections to hold (2,000; 1,000 --quick)"
    )
    parser.add_argument(
        "--only",
        default=",".join(SCENARIOS),
        help=f"comma-separated scenarios to run, of {','.join(SCENARIOS)} (default: all)",
    )
    parser.add_argument("--realtime-only", action="store_true", help="= --only realtime")
    parser.add_argument("--home-only", action="store_true", help="= --only home,upload")
    parser.add_argument("--rush-only", action="store_true", help="= --only rush")
    parser.add_argument(
        "--rush-sizes", default="200/20,2000/500", help="buyers/seats of each rush (app and bare baseline)"
    )
    parser.add_argument("--scanners", default="8,32", help="concurrent scanners of each check-in run")
    parser.add_argument("--tickets", type=int, default=0, help="tickets per check-in run (2,000; 400 --quick)")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="py-spy one app worker during each scenario: DIR/<scenario>.txt and a where-the-CPU-went table",
    )
    args = parser.parse_args(argv)
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    if args.realtime_only:
        only = {"realtime"}
    elif args.home_only:
        only = {"home", "upload"}
    elif args.rush_only:
        only = {"rush"}
    if unknown := only - set(SCENARIOS):
        parser.error(f"unknown scenarios {sorted(unknown)}; choose from {','.join(SCENARIOS)}")
    if not args.tickets:
        args.tickets = 400 if args.quick else 2000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # thousands of sockets (inherited by children)
    # SIGTERM (a background job ignores SIGINT) unwinds through the `finally` below: servers stopped,
    # the database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        args.runs, args.duration = 1, 5.0
    if args.realtime_idle is None:
        args.realtime_idle = 1000 if args.quick else 2000
    results: dict[str, Any] = {"label": args.label, "machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    work = Path(tempfile.mkdtemp(prefix="loopin-bench-"))
    name = f"loopin_bench_{os.getpid()}"
    procs: list[Proc] = []
    prof: Profiler | None = None
    try:
        redis_port = free_port()
        procs.append(
            Proc(
                ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                dict(os.environ),
                work / "redis.log",
            )
        )
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "PROMETHEUS_"))},
            # Production's settings except the SMS check: production refuses the console backend the bench
            # reads codes from, so the server runs as "test" with production's other switches set below.
            "ENVIRONMENT": "test",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "STAFF_TOTP_REQUIRED": "true",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PUBLIC_BASE_URL": "http://127.0.0.1",  # the bench follows no links
            "DATABASE_URL": db_url(name),
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "REDIS_KEY_PREFIX": "bench",
            "DATA_DIR": str(work / "var"),
            "LOG_LEVEL": "WARNING",
            "SMS_BACKEND": "console",
            # The rush pays through the sandbox provider, which production turns off unless asked.
            "PAYMENT_SANDBOX_ENABLED": "true",
            "RATE_LIMIT_ANON": "100000000/minute",
            "RATE_LIMIT_USER": "100000000/minute",
            "REALTIME_SEND_RATE_SOCKET": "100000000/minute",
            "REALTIME_SEND_RATE_USER": "100000000/minute",
            "REALTIME_EVENT_RATE": "100000000/minute",
            "OTP_IP_SENDS_PER_HOUR": "1000000",
            "OTP_IP_VERIFICATIONS_PER_HOUR": "1000000",
            "PROMETHEUS_MULTIPROC_DIR": str(work / "prom"),
        }
        log("migrating and seeding")
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        if only == {"realtime"}:
            # The chat seed (bench/realtime.py) is all the section needs.
            results["data"] = "realtime chat seed only (1,000-member event chat)"
            log("realtime: Socket.IO chat, a bare python-socketio server and a bare websockets server")
            results["realtime"] = realtime_scenario(env, work, idle=args.realtime_idle, seconds=args.duration)
            raise _Done
        tokens = work / "tokens.txt"
        if only & {"feed", "home"}:
            seeded = subprocess.run(
                [PY, "-m", "bench.seed"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
            )
            results["data"] = json.loads(seeded.stdout.strip().splitlines()[-1])
            make_tokens(env, 200, tokens)
        else:
            results["data"] = "no seed (no feed scenario selected)"

        port = free_port()
        app = Proc(
            [
                PY,
                "-m",
                "loopin.config.serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env,
            work / "app.log",
        )
        procs.append(app)
        worker = Proc(
            [PY, "-m", "celery", "-A", "loopin.config.celery", "worker", "-P", "solo", "--loglevel", "WARNING"],
            env,
            work / "worker.log",
        )
        procs.append(worker)
        wait_http(port)
        prof = Profiler(args.profile, app.p.pid)
        base_port = free_port()
        baseline = Proc(
            [
                *(PY, "-m", "bench.baseline", "--host", "127.0.0.1", "--port", str(base_port)),
                *("--workers", str(args.workers)),
            ],
            {**env, "BASELINE_DSN": db_url(name)},
            work / "baseline.log",
        )
        procs.append(baseline)
        wait_http(base_port, "/api/v2/events")

        feed: dict[str, Any] = {}
        results["feed"] = feed
        sc = (args.runs, args.duration)
        if "feed" in only:
            log("feed, anonymous")
            with prof.record("feed-anonymous"):
                feed["anonymous"] = feed_scenario(port, *sc, path="/api/v2/events")
            log("feed, signed in (200 users' tokens, rotating; /api/v2/events, then the app dialect's /api/events)")
            with prof.record("feed-signed-in"):
                feed["signed_in"] = feed_scenario(port, *sc, path="/api/v2/events", headers_file=tokens)
            # The app dialect's feed is signed in only; 20 a page like the others (its default is 100).
            with prof.record("feed-signed-in-app-dialect"):
                feed["signed_in_v1"] = feed_scenario(port, *sc, path="/api/events?limit=20", headers_file=tokens)
            results["footprint"] = {"worker_rss_mib": rss_of_children(app.p.pid)}
            log("feed, baselines (anonymous; signed in with the same tokens)")
            feed["baseline"] = feed_scenario(base_port, *sc, path="/api/v2/events")
            feed["baseline_signed_in"] = feed_scenario(base_port, *sc, path="/api/v2/events", headers_file=tokens)
        if "home" in only:
            log("home feed, signed in (200 users' tokens, rotating; ~30 friends, ~20 follows, ~6 tickets each)")
            with prof.record("home-feed"):
                feed["home_feed"] = feed_scenario(port, *sc, path="/api/v2/feed", headers_file=tokens)
            results.setdefault("footprint", {"worker_rss_mib": rss_of_children(app.p.pid)})
            log("home feed, baseline (the same tokens)")
            feed["home_baseline"] = feed_scenario(base_port, *sc, path="/api/v2/feed", headers_file=tokens)
        if "rush" in only:
            rush_scenarios(port, base_port, env, work, results, args, prof)
        if "checkin" in only:
            checkin_scenarios(port, base_port, env, results, args, prof)
        baseline.stop()
        procs.remove(baseline)
        if "otp" in only:
            log("otp")
            with prof.record("otp"):
                results["otp"] = asyncio.run(otp_scenario(port, worker.logfile, phones=40 * args.runs, concurrency=8))
        if "footprint" not in results and "ready" in only:
            results["footprint"] = {"worker_rss_mib": rss_of_children(app.p.pid)}
        app.stop()
        procs.remove(app)
        if "upload" in only:
            log("upload pipeline: a 12 MP photo (bench/media.py)")
            results["upload"] = upload_scenario(env, runs=max(3, args.runs))
        if "ready" in only:
            log("import-to-ready")
            ready = []
            for _ in range(3):
                p2 = free_port()
                started = time.monotonic()
                proc = Proc(
                    [PY, "-m", "loopin.config.serve", "--host", "127.0.0.1", "--port", str(p2), "--workers", "1"],
                    env,
                    work / "ready.log",
                )
                try:
                    wait_http(p2)
                    ready.append(time.monotonic() - started)
                finally:
                    proc.stop()
            results["footprint"]["import_to_ready_s"] = round(statistics.median(ready), 2)
        if "realtime" in only:
            log("realtime: Socket.IO chat, a bare python-socketio server and a bare websockets server")
            results["realtime"] = realtime_scenario(env, work, idle=args.realtime_idle, seconds=args.duration)
    except _Done:
        pass
    finally:
        for proc in reversed(procs):
            proc.stop()
        try:
            with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.Error as exc:
            log(f"could not drop {name}: {exc}")
        shutil.rmtree(work, ignore_errors=True)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    m = results["machine"]
    print(
        f"Machine: {m['cores']} cores, {m['memory_gib']} GiB, {m['cpu']}; Python {m['python']}, "
        f"PostgreSQL {m['postgresql']}, Redis {m['redis']}; load average at start {m['load_average_at_start']}"
    )
    print(
        f"Data: {results['data']}; {args.runs} run(s) x {args.duration:.0f} s per figure, median;"
        f" workers={args.workers}"
    )
    print(table(results))
    print()
    print(targets_table(results))
    if profiled := prof.report() if prof is not None else "":
        print()
        print(f"## Where one worker's CPU went (py-spy, {args.profile})")
        print()
        print(profiled)
    print(f"(full results: {out})")


if __name__ == "__main__":
    main()
