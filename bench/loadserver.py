"""The servers and store behind bench/load.py: build a temp store, start and stop uvicorn,
read CPU time from /proc, choose the request mix, print aligned tables."""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    home: Path, env: dict[str, str] | None = None, workers: int = 1, root: Path = ROOT
) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn on the app factory over `home`, on a free loopback port; waits for /health.

    `root` is the checkout whose code serves (another worktree gives a baseline)."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "api.http.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "error"]
    if workers > 1:
        command += ["--workers", str(workers)]
    proc = subprocess.Popen(
        command,
        cwd=root,
        env={**os.environ, **(env or {}), "EVALKB_HOME": str(home.resolve())},
        start_new_session=True,  # its workers stop with it (see `stop`)
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.3)
    stop(proc)
    raise SystemExit("the server did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server and its workers (its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait()


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU time of processes (Linux /proc), 0 for unknown ones."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            continue
    return total


def request_mix(url: str) -> tuple[list[tuple[str, str]], str]:
    """GET paths weighted like a reader's session; search only when the build has it.

    The first search also loads the encoder, so the runs start on a warm server."""
    items = httpx.get(url + "/items?limit=200", timeout=60).json()["items"]
    docs = httpx.get(url + "/documents", timeout=60).json()
    paths: list[tuple[str, str]] = [("health", "/health"), ("documents", "/documents")]
    paths += [("items", "/items?kind=recommendation&limit=50"), ("items", "/items?limit=20")]
    paths += [("item", f"/items/{it['id']}") for it in items[:40]]
    paths += [("document", f"/documents/{d['id']}") for d in docs[:5]]
    note = ""
    for query in QUERIES:  # every worker process should see one search before the runs
        probe = httpx.get(url + "/search", params={"q": query}, timeout=300)
        if probe.status_code != 200:
            note = f"search left out of the mix: HTTP {probe.status_code} {probe.text[:120]}"
            break
    if not note:
        paths += [("search", "/search?" + urlencode({"q": q, "limit": 10})) for q in QUERIES] * 3
    return paths, note


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


def print_rows(rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
