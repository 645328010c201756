"""The parser pool isolates every file: hangs, crashes and memory hogs fail alone."""

from __future__ import annotations

from pathlib import Path

from pool_jobs import misbehave

from ingest.pool import WorkerPool
from ingest.readers import Limits, ReadOptions


def run(names: list[str], tmp_path: Path, seconds: float = 3.0) -> dict[str, str]:
    paths = []
    for name in names:
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(b"x")
        paths.append(path)
    options = ReadOptions(limits=Limits(seconds=seconds, memory_bytes=1024 * 2**20))
    pool = WorkerPool(misbehave, jobs=2, memory_bytes=options.limits.memory_bytes)
    try:
        return {o.path.stem: (o.result if o.ok else o.error) for o in pool.map(paths, options)}
    finally:
        pool.close()


def test_good_files_parse(tmp_path: Path) -> None:
    assert run(["a", "b", "c"], tmp_path) == {"a": "ok:a", "b": "ok:b", "c": "ok:c"}


def test_hang_times_out_and_batch_goes_on(tmp_path: Path) -> None:
    results = run(["hang", "after1", "after2"], tmp_path, seconds=2)
    assert "timed out" in results["hang"]
    assert results["after1"] == "ok:after1" and results["after2"] == "ok:after2"


def test_crash_is_reported_and_worker_replaced(tmp_path: Path) -> None:
    results = run(["segfault", "exit", "x", "y", "z"], tmp_path)
    assert "crashed" in results["segfault"] and "crashed" in results["exit"]
    assert [results[n] for n in "xyz"] == ["ok:x", "ok:y", "ok:z"]


def test_memory_limit(tmp_path: Path) -> None:
    results = run(["memory", "fine"], tmp_path)
    assert "out of memory" in results["memory"]
    assert results["fine"] == "ok:fine"


def test_recursion_and_errors_have_reasons(tmp_path: Path) -> None:
    results = run(["recurse", "bad", "bug"], tmp_path)
    assert "loops" in results["recurse"]
    assert results["bad"] == "bad input"
    assert "KeyError" in results["bug"]


def test_workers_outlive_a_batch(tmp_path: Path) -> None:
    """The pool keeps its workers between batches (spaCy and parsers load once)."""
    paths = []
    for n in range(4):
        path = tmp_path / f"pid{n}.pdf"
        path.write_bytes(b"x")
        paths.append(path)
    pool = WorkerPool(misbehave, jobs=2)
    try:
        first = {o.result for o in pool.map(paths[:2])}
        second = {o.result for o in pool.map(paths[2:])}
    finally:
        pool.close()
    # no new process in the second batch; one worker may take both of its files when
    # the first one it gets is done before the second is handed out
    assert len(first) == 2 and second and second <= first
