"""The parser pool's life cycle: workers die with their owner, keep their own time limit and
their temporary files under the data directory, share the pool among callers, and report
pages read."""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import lifecycle_jobs as jobs

from ingest import scratch, worker
from ingest.options import Limits, ReadOptions
from ingest.pool import WorkerPool

HERE = Path(__file__).resolve().parent


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        return int(handle.read().rsplit(")", 1)[1].split()[1])


def files(folder: Path, *names: str) -> list[Path]:
    out = []
    for name in names:
        path = folder / f"{name}.pdf"
        path.write_bytes(b"x")
        out.append(path)
    return out


def wait_for(predicate, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_workers_die_when_their_owner_is_killed(tmp_path: Path) -> None:
    """SIGKILL the pool's owner: workers, the forkserver and OCR children are gone in 5 s,
    and the next process on the same data directory removes the dead one's temp folder."""
    home = tmp_path / "home"
    inputs = files(tmp_path, "one", "two")
    owner = subprocess.Popen(
        [sys.executable, str(HERE / "lifecycle_jobs.py"), str(home), *map(str, inputs)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert owner.stdout is not None and owner.stdout.readline().strip() == "ready"
        pid_files = [p.with_suffix(".pids") for p in inputs]
        assert wait_for(lambda: all(p.exists() and p.read_text() for p in pid_files), 30)
        facts = [p.read_text().split() for p in pid_files]
        workers = [int(f[0]) for f in facts]
        children = [int(f[1]) for f in facts]
        temps = [Path(f[2]) for f in facts]
        forkserver = parent_of(workers[0])
        assert forkserver != owner.pid and all(alive(p) for p in workers + children)
        assert all(t.exists() and home / "tmp" in t.parents for t in temps)
        owner.send_signal(signal.SIGKILL)
        owner.wait(5)
        gone = wait_for(lambda: not any(map(alive, [*workers, *children, forkserver])), 5)
        assert gone, [p for p in [*workers, *children, forkserver] if alive(p)]
    finally:
        owner.kill()
        owner.wait()
    left = list((home / "tmp").glob("run-*"))
    assert left  # the killed owner could not clean up…
    scratch.run_dir(home)  # …the next process on this data directory does
    assert not any(p.exists() for p in left)


def _alarm_child(conn: object) -> None:
    worker.GRACE = 0.5
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    options = ReadOptions(limits=Limits(seconds=1))
    worker.run_one(conn, jobs.sleeper, Path("sleep-30.pdf"), options, 0)  # type: ignore[arg-type]


def test_worker_enforces_its_own_time_limit() -> None:
    """Even with no pool left to kill it, a worker ends itself past its file's budget."""
    parent, child = mp.get_context("fork").Pipe()
    process = mp.get_context("fork").Process(target=_alarm_child, args=(child,))
    started = time.monotonic()
    process.start()
    process.join(10)
    assert process.exitcode == -signal.SIGALRM
    assert time.monotonic() - started < 5


def test_temp_files_live_under_the_data_directory(tmp_path: Path) -> None:
    home = tmp_path / "home"
    pool = WorkerPool(jobs.temp_facts, jobs=1, home=home)
    try:
        (outcome,) = pool.map(files(tmp_path, "a"))
    finally:
        pool.close()
    facts = outcome.result
    folder = Path(str(facts["tempdir"]))
    assert home / "tmp" in folder.parents and facts["TMPDIR"] == str(folder)
    assert facts["file_mode"] == 0o600 and facts["dir_mode"] == 0o700
    assert oct((home / "tmp").stat().st_mode & 0o777) == "0o700"
    assert not folder.exists()  # the worker's folder went with the worker
    assert facts["cache_dir"] == str(home / "cache" / "pages")


def test_multiprocessing_folder_is_under_the_data_directory(tmp_path: Path) -> None:
    """A fresh process's pymp-* folder (the forkserver socket) lands in <home>/tmp, or, when
    the data directory's path is too long for a socket, in the per-user system folder."""
    short = Path(tempfile.mkdtemp(prefix="ek"))
    try:
        assert owner_temp_dir(short / "home", tmp_path).parents[1] == short / "home" / "tmp"
        assert not list((short / "home" / "tmp").glob("run-*"))  # removed at a normal exit
    finally:
        shutil.rmtree(short)
    long_home = tmp_path / ("x" * 60) / "home"
    pymp = owner_temp_dir(long_home, tmp_path)
    assert pymp.parents[1] == scratch.base_dir(None) and not pymp.exists()


def owner_temp_dir(home: Path, tmp_path: Path) -> Path:
    """Run a pool in a fresh process; the multiprocessing folder it used."""
    code = (
        "import sys, multiprocessing.util as u; from pathlib import Path; "
        "from ingest.pool import WorkerPool; from lifecycle_jobs import sleeper\n"
        "if __name__ == '__main__':\n"
        "    pool = WorkerPool(sleeper, 1, home=Path(sys.argv[1]))\n"
        "    print(list(pool.map([Path(sys.argv[2])]))[0].result, u.get_temp_dir())\n"
        "    pool.close()\n"
    )
    script = tmp_path / "owner.py"
    script.write_text(code)
    (path,) = files(tmp_path, "plain")
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    done = subprocess.run(
        [sys.executable, str(script), str(home), str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result, pymp = done.stdout.split()
    assert result == "plain"
    return Path(pymp)


def test_a_timed_out_workers_temp_files_are_removed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    pool = WorkerPool(jobs.tmp_then_hang, jobs=1, home=home)
    options = ReadOptions(limits=Limits(seconds=1.5))
    try:
        (outcome,) = pool.map(files(tmp_path, "hang"), options)
    finally:
        pool.close()
    assert "timed out" in outcome.error
    assert not list((home / "tmp").glob("run-*/worker-*"))
    assert not list((home / "tmp").rglob("evalkb-test-*"))


def test_a_slow_file_holds_up_no_other_caller(tmp_path: Path) -> None:
    """Two callers share two workers: the quick files pass the slow one."""
    pool = WorkerPool(jobs.sleeper, jobs=2)
    slow_path, *quick_paths = files(tmp_path, "sleep-4", "q1", "q2", "q3", "q4")
    try:
        slow = pool.submit(slow_path)
        time.sleep(0.2)
        finished: list[str] = []

        def other_caller() -> None:
            finished.extend(o.result for o in pool.map(quick_paths))

        thread = threading.Thread(target=other_caller)
        thread.start()
        thread.join(30)
        assert sorted(finished) == ["q1", "q2", "q3", "q4"]
        assert not slow.done()  # all four were read while the slow file still ran
        assert slow.result(30).result == "sleep-4"
    finally:
        pool.close()


def test_time_limit_grows_with_pages_and_progress_is_reported(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    pool = WorkerPool(jobs.paged, jobs=1)
    options = ReadOptions(limits=Limits(seconds=1.0, seconds_per_page=0.5))
    try:
        (path,) = files(tmp_path, "pages-8")
        outcome = pool.submit(path, options, lambda d, t: seen.append((d, t))).result(30)
    finally:
        pool.close()
    assert outcome.result == "read 8 pages" and outcome.seconds > 1.0  # past the base limit
    assert seen[0] == (0, 8) and seen[-1] == (8, 8) and len(seen) >= 3


def test_timeout_names_the_page_allowance(tmp_path: Path) -> None:
    pool = WorkerPool(jobs.paged, jobs=1)
    options = ReadOptions(limits=Limits(seconds=0.5, seconds_per_page=0.05))
    try:
        (path,) = files(tmp_path, "pages-40")
        outcome = pool.submit(path, options).result(30)
    finally:
        pool.close()
    assert "timed out after 2 s" in outcome.error and "× 40 pages" in outcome.error


def test_cancel_stops_a_running_file(tmp_path: Path) -> None:
    pool = WorkerPool(jobs.sleeper, jobs=1)
    try:
        running = pool.submit(files(tmp_path, "sleep-60")[0])
        queued = pool.submit(files(tmp_path, "sleep-61")[0])
        time.sleep(0.5)
        assert pool.cancel(queued) and queued.cancelled()
        assert pool.cancel(running)
        assert running.result(10).error == "cancelled"
        assert pool.submit(files(tmp_path, "after")[0]).result(30).result == "after"
    finally:
        pool.close()
