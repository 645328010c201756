"""Load test of the HTTP API on loopback: today's server next to the new one, one run.

Each server configuration gets a copy of one store and two runs: one client (the baseline)
then N concurrent clients for T seconds, with (on a temp store) a DOCX uploaded during the
load. Printed per configuration: requests/s, p50/p95/p99, errors, server and client CPU per
request, then per endpoint; last, the search p50 of each configuration and their ratio.
Configurations: `torch` = the sentence-transformers encoder, one process (today's server);
`onnx` = the ONNX encoder, one process; `onnx-wN` = the ONNX encoder, N uvicorn workers;
`-nocache` appended turns the search result cache off; `base:` prefixed runs that
configuration on the code of `--base` (a worktree of an older commit: today's path).
Clients speak raw keep-alive HTTP (bench/rawhttp.py): httpx cost as much CPU as the server.
`--queries unique` sends every search with a query never sent before (no result cache hit
possible), `repeated` (the default) draws from ten fixed queries as a reader's mix would.

    python bench/load.py                          # temp store from corpus/: torch, onnx, onnx-w2
    python bench/load.py --home data --configs onnx,onnx-w2   # an existing data dir, read-only
    python bench/load.py --url http://127.0.0.1:8000 --clients 20 --duration 10
    python bench/load.py --home data --configs base:onnx-w2,onnx-w2-nocache,onnx-w2 \
        --base /tmp/evalkb-base --queries unique

`--clients 10,50` (the default) runs 10 then 50 concurrent clients after the 1-client baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
from loadserver import cpu_seconds, prepare_home, print_rows, request_mix, start_server, stop
from rawhttp import Connection, HttpError

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


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
    url: str,
    paths: list[tuple[str, str]],
    until: float,
    stats: Stats,
    rng: random.Random,
    fresh: Iterator[str] | None = None,
) -> None:
    conn = Connection(url)
    try:
        while time.monotonic() < until:
            name, path = rng.choice(paths)
            if name == "search" and fresh is not None:
                path = "/search?" + urlencode({"q": next(fresh), "limit": 10})
            start = time.perf_counter()
            try:
                status, _ = await asyncio.wait_for(conn.get(path), 60)
                ok, why = status < 400, f"HTTP {status}"
            except (HttpError, OSError, TimeoutError) as exc:
                ok, why = False, f"{type(exc).__name__}: {exc}"
                await conn.close()
            stats.add(name, time.perf_counter() - start, ok, why)
    finally:
        await conn.close()


async def run_load(
    url: str,
    paths: list[tuple[str, str]],
    clients: int,
    seconds: float,
    upload: Path | None = None,
    fresh: Iterator[str] | None = None,
) -> tuple[Stats, float, dict[str, object]]:
    stats: Stats = Stats()
    job: dict[str, object] = {}
    start = time.monotonic()
    until = start + seconds
    tasks = [
        asyncio.create_task(client_loop(url, paths, until, stats, random.Random(n), fresh))
        for n in range(clients)
    ]
    uploading = asyncio.create_task(upload_during(url, upload, until)) if upload else None
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - start  # the clients' time, not the upload's tail
    if uploading is not None:
        job = await uploading
    return stats, elapsed, job


async def upload_during(url: str, path: Path, until: float) -> dict[str, object]:
    """Upload a file a second into the run and follow its job while the load goes on."""
    await asyncio.sleep(1)
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
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


def report(label: str, stats: Stats, seconds: float, cpu: tuple[float, float]) -> list[str]:
    values = stats.all()
    n = max(1, len(values))
    return [
        label,
        str(len(values)),
        f"{len(values) / seconds:.1f}",
        f"{pct(values, 0.5):.1f}",
        f"{pct(values, 0.95):.1f}",
        f"{pct(values, 0.99):.1f}",
        str(sum(stats.errors.values())),
        f"{1000 * cpu[0] / n:.2f}",
        f"{1000 * cpu[1] / n:.2f}",
    ]


def unique_queries(url: str, seed: int) -> Iterator[str]:
    """Endless distinct queries of two to four words drawn from the store's item texts
    (a user's words, never the same query twice: no cached answer to find)."""
    items = httpx.get(url + "/items?limit=200", timeout=60).json()["items"]
    words = sorted({w for it in items for w in re.findall(r"[^\W\d_]{4,}", it["text"].lower())})
    rng, sent = random.Random(seed), set()
    while True:
        query = " ".join(rng.sample(words, rng.randint(2, 4)))
        if query not in sent:
            sent.add(query)
            yield query


def measure(
    args: argparse.Namespace, url: str, pids: list[int], upload: Path | None
) -> tuple[list[list[str]], list[tuple[int, Stats]]]:
    """Baseline (1 client) then each concurrent run on one server (the upload during the
    last); table rows and each run's load."""
    paths, note = request_mix(url)
    if note:
        print(note)
    # every configuration gets the same sequence of fresh queries
    fresh = unique_queries(url, 7) if args.queries == "unique" else None
    rows = []
    counts = [int(c) for c in str(args.clients).split(",")]
    runs: list[tuple[int, float, Path | None]] = [(1, args.baseline_duration, None)]
    runs += [(c, args.duration, upload if c == counts[-1] else None) for c in counts]
    loads: list[tuple[int, Stats]] = []
    job: dict[str, object] = {}
    for clients, seconds, file in runs:
        server0, client0 = cpu_seconds(pids), time.process_time()
        load, elapsed, done = asyncio.run(run_load(url, paths, clients, seconds, file, fresh))
        job = done or job
        cpu = (cpu_seconds(pids) - server0, time.process_time() - client0)
        rows.append(report(f"  {clients} client(s), {elapsed:.0f} s", load, elapsed, cpu))
        loads.append((clients, load))
    if job:
        print(
            f"  upload during the load: {upload.name if upload else ''} → {job.get('status')} "
            f"{job.get('outcome', '')} in {job.get('seconds', '?')} s"
            + (f" ({job.get('error')})" if job.get("error") else "")
        )
    return rows, loads


def config_env(name: str) -> tuple[dict[str, str], int]:
    """Environment and worker count of a configuration name: torch, onnx, onnx-wN (N uvicorn
    workers), with `-nobatch` appended to turn query micro-batching off and `-nocache` the
    result cache (a `base:` prefix is read by the caller)."""
    name = name.removeprefix("base:")
    nocache = name.endswith("-nocache")
    base, nobatch, _ = name.removesuffix("-nocache").partition("-nobatch")
    encoder, _, workers = base.partition("-w")
    if encoder not in ("torch", "onnx"):
        raise SystemExit(
            f"unknown configuration {name!r}: [base:]torch, onnx or onnx-wN[-nobatch][-nocache]"
        )
    env = {"EVALKB_ENCODER": encoder, "EVALKB_QUERY_BATCHING": "false" if nobatch else "true"}
    if nocache:
        env["EVALKB_SEARCH__RESULT_CACHE"] = "0"
    return env, int(workers or 1)


def main() -> None:
    """Run every configuration, print the tables and the search p50 side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an already running server (default: start them)")
    parser.add_argument("--home", help="data dir to serve (default: temp store from --corpus)")
    parser.add_argument("--corpus", default="corpus/")
    parser.add_argument("--configs", default="torch,onnx,onnx-w2")
    parser.add_argument("--clients", default="10,50", help="concurrent clients per run")
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--baseline-duration", type=float, default=5)
    parser.add_argument("--queries", choices=("repeated", "unique"), default="repeated")
    parser.add_argument("--base", help="checkout serving the `base:` configurations")
    parser.add_argument(
        "--upload",
        help="file to upload during the load (default: a DOCX "
        "from ../shared/docx when the store is a temp one)",
    )
    args = parser.parse_args()
    header = ["run", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors",
              "server CPU ms/req", "client CPU ms/req"]  # fmt: skip
    search_p50: dict[str, float] = {}
    if args.url:
        rows, loads = measure(args, args.url.rstrip("/"), [], None)
        print_rows([header, *rows])
        per_endpoint(loads)
        return
    with tempfile.TemporaryDirectory(prefix="evalkb-load-") as scratch:
        home, throwaway = prepare_home(args, Path(scratch))
        upload = Path(args.upload) if args.upload else None
        if upload is None and throwaway and (SHARED / "docx").is_dir():
            upload = next(iter(sorted((SHARED / "docx").glob("*.docx"))), None)
        for name in args.configs.split(","):
            env, workers = config_env(name)
            served = home
            if throwaway:  # each server gets the store as built, uploads included
                served = Path(scratch) / f"data-{name}"
                shutil.copytree(home, served)
            root = ROOT
            if name.startswith("base:"):
                if not args.base:
                    raise SystemExit(f"{name}: give --base, a checkout of the baseline code")
                root = Path(args.base).resolve()
            proc, url = start_server(served, env, workers, root)
            try:
                pids = [proc.pid, *children(proc.pid)]
                print(f"\n== {name}: EVALKB_ENCODER={env['EVALKB_ENCODER']}, {workers} worker(s)")
                rows, loads = measure(args, url, pids, upload)
            finally:
                stop(proc)
            print_rows([header, *rows])
            per_endpoint(loads)
            search_p50[name] = pct(loads[-1][1].latencies.get("search", []), 0.5)
    print(f"\n{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    first = next(iter(search_p50), "")
    for name, p50 in search_p50.items():
        ratio = search_p50[first] / p50 if p50 else 0
        print(f"search p50, {loads[-1][0]} clients: {name:10s} {p50:8.1f} ms  ({ratio:.2f}x)")


def per_endpoint(loads: list[tuple[int, Stats]]) -> None:
    """p50/p95 per endpoint for each run (1 client, then each concurrent run)."""
    for clients, load in loads:
        print(f"  per endpoint, {clients} client(s):")
        print_rows(
            [["  endpoint", "requests", "p50 ms", "p95 ms", "errors"]]
            + [
                [
                    f"  {name}",
                    str(len(v)),
                    f"{pct(v, 0.5):.1f}",
                    f"{pct(v, 0.95):.1f}",
                    str(load.errors.get(name, 0)),
                ]  # fmt: skip
                for name, v in sorted(load.latencies.items())
            ]
        )
        for sample in load.samples:
            print("  error sample:", sample)


def children(pid: int) -> list[int]:
    """Child processes of `pid` (uvicorn's workers), from /proc."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return out


if __name__ == "__main__":
    sys.exit(main())
