"""Load test of the HTTP API on loopback: N concurrent clients for T seconds.

Prints requests/s, p50/p95/p99 latency and errors for one client (the baseline) next to N
clients, per endpoint, and (with an upload) the latency of reads while a document ingests.

    python bench/load.py                      # temp store from corpus/, 50 clients, 30 s
    python bench/load.py --home data          # an existing data dir (read-only load)
    python bench/load.py --url http://127.0.0.1:8000 --clients 20 --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
QUERIES = [
    "coordination des acteurs",
    "recommandations justice",
    "formation des juges",
    "lessons learned sustainability",
    "dialogue social",
    "budget",
    "traite des personnes",
    "protection des enfants",
    "suivi et évaluation",
    "renforcement des capacités",
]


@dataclass
class Stats:
    """Latencies (seconds) and errors, per endpoint."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)  # a few error messages

    def add(self, name: str, seconds: float, ok: bool, why: str = "") -> None:
        self.latencies.setdefault(name, []).append(seconds)
        if not ok:
            self.errors[name] = self.errors.get(name, 0) + 1
            if len(self.samples) < 5:
                self.samples.append(f"{name}: {why}")

    def all(self) -> list[float]:
        return [x for values in self.latencies.values() for x in values]


def pct(values: list[float], q: float) -> float:
    """The q-quantile in milliseconds (0 when empty)."""
    if not values:
        return 0.0
    values = sorted(values)
    return 1000 * values[min(len(values) - 1, int(q * len(values)))]


async def client_loop(
    http: httpx.AsyncClient,
    paths: list[tuple[str, str]],
    until: float,
    stats: Stats,
    rng: random.Random,
) -> None:
    while time.monotonic() < until:
        name, path = rng.choice(paths)
        start = time.perf_counter()
        try:
            response = await http.get(path)
            ok, why = response.status_code < 400, f"HTTP {response.status_code}"
            await response.aread()
        except httpx.HTTPError as exc:
            ok, why = False, f"{type(exc).__name__}: {exc}"
        stats.add(name, time.perf_counter() - start, ok, why)


async def run_load(
    url: str, paths: list[tuple[str, str]], clients: int, seconds: float, upload: Path | None = None
) -> tuple[Stats, float, dict[str, object]]:
    stats, job = Stats(), {}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as http:
        start = time.monotonic()
        until = start + seconds
        tasks = [
            asyncio.create_task(client_loop(http, paths, until, stats, random.Random(n)))
            for n in range(clients)
        ]
        uploading = asyncio.create_task(upload_during(http, upload, until)) if upload else None
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - start  # the clients' time, not the upload's tail
        if uploading is not None:
            job = await uploading
    return stats, elapsed, job


async def upload_during(http: httpx.AsyncClient, path: Path, until: float) -> dict[str, object]:
    """Upload a file a second into the run and follow its job while the load goes on."""
    await asyncio.sleep(1)
    started = time.monotonic()
    response = await http.post("/documents", files={"file": (path.name, path.read_bytes())})
    if response.status_code != 202:
        return {"status": f"upload refused: HTTP {response.status_code} {response.text[:200]}"}
    job = response.json()
    while job["status"] in ("queued", "running"):
        await asyncio.sleep(0.5)
        job = (await http.get(job["url"])).json()
    job["seconds"] = round(time.monotonic() - started, 1)
    job["finished_before_end"] = time.monotonic() < until
    return dict(job)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "EVALKB_HOME": str(home)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.http.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start")


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process (Linux /proc), 0 when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def request_mix(url: str) -> tuple[list[tuple[str, str]], str]:
    """GET paths weighted like a reader's session; search only when the build has it."""
    items = httpx.get(url + "/items?limit=200", timeout=60).json()["items"]
    docs = httpx.get(url + "/documents", timeout=60).json()
    paths: list[tuple[str, str]] = [("health", "/health"), ("documents", "/documents")]
    paths += [("items", "/items?kind=recommendation&limit=50"), ("items", "/items?limit=20")]
    paths += [("item", f"/items/{it['id']}") for it in items[:40]]
    paths += [("document", f"/documents/{d['id']}") for d in docs[:5]]
    probe = httpx.get(url + "/search", params={"q": QUERIES[0]}, timeout=120)
    note = ""
    if probe.status_code == 200:
        paths += [("search", f"/search?q={q}&limit=10") for q in QUERIES] * 3
    else:
        note = f"search left out of the mix: HTTP {probe.status_code} {probe.text[:120]}"
    return paths, note


def report(label: str, stats: Stats, seconds: float) -> list[str]:
    values = stats.all()
    return [
        label,
        str(len(values)),
        f"{len(values) / seconds:.1f}",
        f"{pct(values, 0.5):.1f}",
        f"{pct(values, 0.95):.1f}",
        f"{pct(values, 0.99):.1f}",
        str(sum(stats.errors.values())),
    ]


def print_rows(rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def prepare_home(args: argparse.Namespace, scratch: Path) -> tuple[Path, bool]:
    """The data dir to serve, and whether it is a throwaway one (uploads allowed)."""
    if args.home:
        return Path(args.home), False
    home = scratch / "data"
    print(f"building a temp store from {args.corpus} …", flush=True)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "api.main", "ingest", "--quiet", args.corpus],
        cwd=ROOT,
        env={**os.environ, "EVALKB_HOME": str(home)},
        check=False,
        stdout=subprocess.DEVNULL,
    )
    print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
    return home, True


def main() -> None:
    """Run the baseline and the concurrent load, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an already running server (default: start one)")
    parser.add_argument("--home", help="data dir to serve (default: temp store from --corpus)")
    parser.add_argument("--corpus", default="corpus/")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--baseline-duration", type=float, default=5)
    parser.add_argument(
        "--upload",
        help="file to upload during the load (default: a DOCX from "
        "../shared/docx when the store is a temp one)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="evalkb-load-") as scratch:
        proc = None
        throwaway = False
        if args.url:
            url = args.url.rstrip("/")
        else:
            home, throwaway = prepare_home(args, Path(scratch))
            proc, url = start_server(home)
        try:
            paths, note = request_mix(url)
            upload = Path(args.upload) if args.upload else None
            if upload is None and throwaway and (SHARED / "docx").is_dir():
                upload = next(iter(sorted((SHARED / "docx").glob("*.docx"))), None)
            pid = proc.pid if proc else None
            cpu0 = cpu_seconds(pid)
            base, base_s, _ = asyncio.run(run_load(url, paths, 1, args.baseline_duration))
            cpu1 = cpu_seconds(pid)
            load, load_s, job = asyncio.run(
                run_load(url, paths, args.clients, args.duration, upload)
            )
            cpu2 = cpu_seconds(pid)
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=20)

    print(
        f"\nevalkb load test on {url} — GET mix of {len(paths)} paths"
        + (f"\n{note}" if note else "")
    )
    print_rows(
        [
            ["run", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"],
            report(f"baseline: 1 client, {base_s:.0f} s", base, base_s),
            report(f"{args.clients} clients, {load_s:.0f} s", load, load_s),
        ]
    )
    if pid:
        per = [
            1000 * (b - a) / max(1, len(st.all()))
            for a, b, st in ((cpu0, cpu1, base), (cpu1, cpu2, load))
        ]
        print(
            f"server CPU per request: {per[0]:.2f} ms (1 client), {per[1]:.2f} ms "
            f"({args.clients} clients{', incl. the upload' if job else ''}); "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        )
    print("\nper endpoint (concurrent run):")
    print_rows(
        [["endpoint", "requests", "p50 ms", "p95 ms", "errors"]]
        + [
            [
                name,
                str(len(v)),
                f"{pct(v, 0.5):.1f}",
                f"{pct(v, 0.95):.1f}",
                str(load.errors.get(name, 0)),
            ]
            for name, v in sorted(load.latencies.items())
        ]
    )
    if job:
        print(
            f"\nupload during the load: {upload.name if upload else ''} → status "
            f"{job.get('status')} {job.get('outcome', '')} in {job.get('seconds', '?')} s"
            + (f" ({job.get('error')})" if job.get("error") else "")
        )
    for sample in load.samples + base.samples:
        print("error sample:", sample)


if __name__ == "__main__":
    main()
