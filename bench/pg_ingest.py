"""Ingest throughput: 2 worker processes on one PostgreSQL against one process on SQLite.

Run: .venv/bin/python bench/pg_ingest.py [FILES_OR_FOLDERS…] [--url postgresql://…]

Both sides use the real default model and the same files (default: corpus/), in one run,
each on a fresh store, with the ONNX encoder exported beforehand into one shared models
folder (so no side pays the one-time export). The SQLite side is `evalkb ingest --jobs 2`
(its best on this machine: one writer, two parser processes). The PostgreSQL side queues
the files (`evalkb ingest --enqueue`), then two `evalkb worker --jobs 1` processes share the
queue, as two machines would. Wall time includes every process's start-up (model and spaCy
loading). Without `--url` a throwaway server is started with pgserver.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from pgtemp import temp_database  # noqa: E402
from tempdirs import scratch_dir  # noqa: E402

EVALKB = [sys.executable, "-m", "api.main"]


def run(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """Start one evalkb command."""
    return subprocess.Popen(
        [*EVALKB, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(*procs: subprocess.Popen[str]) -> str:
    """Wait for every process; the joined output (raises if one failed)."""
    outputs = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"{proc.args} failed:\n{out}")
        outputs.append(out)
    return "\n".join(outputs)


def stored(line_start: str, output: str) -> int:
    return sum(line.startswith(line_start) for line in output.splitlines())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=[str(ROOT / "corpus")])
    ap.add_argument("--url", default="", help="an empty Postgres database (default: pgserver)")
    args = ap.parse_args()
    work = scratch_dir("evalkb-bench-ingest-")
    server = None
    url = args.url
    if not url:
        url, server = temp_database(work / "pg", "bench_ingest")
    models = {"EVALKB_MODELS_DIR": str(work / "models")}
    # export the ONNX encoder once, outside the timings
    warm = work / "warm.txt"
    warm.write_text("# Warm-up\n\nOne paragraph to embed.\n", encoding="utf-8")
    finish(run({**models, "EVALKB_HOME": str(work / "warm")}, "ingest", "--quiet", str(warm)))

    sqlite_env = {**models, "EVALKB_HOME": str(work / "sqlite")}
    start = time.perf_counter()
    sqlite_out = finish(run(sqlite_env, "ingest", "--jobs", "2", "--quiet", *args.paths))
    sqlite_s = time.perf_counter() - start

    pg_env = {**models, "EVALKB_DATABASE_URL": url, "EVALKB_FILES_DIR": str(work / "shared")}
    start = time.perf_counter()
    finish(run({**pg_env, "EVALKB_HOME": str(work / "q")}, "ingest", "--enqueue", *args.paths))
    workers = [
        run({**pg_env, "EVALKB_HOME": str(work / f"w{n}")}, "worker", "--jobs", "1") for n in (1, 2)
    ]
    outputs = [finish(w) for w in workers]
    pg_s = time.perf_counter() - start
    pg_out = "\n".join(outputs)
    per_worker = [stored("ingested", out) for out in outputs]

    files = stored("ingested", sqlite_out)
    report = {
        "files": files,
        "sqlite_1_process_jobs2_s": round(sqlite_s, 1),
        "postgres_2_workers_s": round(pg_s, 1),
        "postgres_files_ingested": stored("ingested", pg_out),
        "postgres_files_per_worker": per_worker,
        "files_per_min": {
            "sqlite": round(60 * files / sqlite_s, 2),
            "postgres_2_workers": round(60 * stored("ingested", pg_out) / pg_s, 2),
        },
        "ratio_postgres_over_sqlite_throughput": round(sqlite_s / pg_s, 2),
    }
    print(json.dumps(report, indent=1))
    if server is not None:
        server.cleanup()


if __name__ == "__main__":
    main()
