"""Temporary files under the data directory, cleaned up on every exit path.

Each process that parses files gets one folder, `<home>/tmp/run-<pid>-<random>/` (0700),
locked with `flock` for as long as the process lives. Its parser workers point `TMPDIR` and
`tempfile.tempdir` at their own sub-folder of it, and multiprocessing's `pymp-*` folder (the
forkserver's socket) is made there too, so nothing of evalkb's lands in the shared system
temp folder. The folder goes at a normal exit, a worker's sub-folder when the worker is
replaced (time-out, crash), and a folder whose process was killed is removed by the next
process that starts: its lock is free. Without a data directory the base is
`<system temp>/evalkb-<uid>/`.
"""

from __future__ import annotations

import contextlib
import fcntl
import multiprocessing.util as mp_util
import os
import shutil
import stat
import tempfile
import threading
import time
from pathlib import Path

LOCK = ".lock"
STALE_UNLOCKED = 60.0  # a run folder with no lock file this old was left mid-creation
MAX_SOCKET_PATH = 100  # bytes of a Unix socket path (the kernel's limit is 107), with room
_runs: dict[Path, Path] = {}
_locks: list[int] = []  # lock descriptors, held until the process ends
_guard = threading.Lock()


def base_dir(home: Path | None) -> Path:
    """`<home>/tmp`, or a per-user folder of the system temp; made 0700 and checked."""
    if home is not None:
        base = Path(home) / "tmp"
    else:
        base = Path(tempfile.gettempdir()) / f"evalkb-{os.getuid()}"
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = base.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise PermissionError(f"{base} is not a folder of this user")
    if stat.S_IMODE(info.st_mode) != 0o700:
        base.chmod(0o700)
    return base


def run_dir(home: Path | None = None) -> Path:
    """This process's locked scratch folder (made once; stale ones of dead processes go)."""
    base = base_dir(home)
    with _guard:
        found = _runs.get(base)
        if found is not None and found.is_dir():
            return found
        clean_stale(base)
        folder = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=base))
        fd = os.open(folder / LOCK, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        _locks.append(fd)
        _runs[base] = folder
        # after multiprocessing's own clean-up (priority -100) of the pymp folder inside
        mp_util.Finalize(None, shutil.rmtree, args=(str(folder), True), exitpriority=-200)
        return folder


def clean_stale(base: Path) -> list[Path]:
    """Remove run folders under `base` whose process is gone (their lock is free)."""
    removed = []
    for folder in base.glob("run-*"):
        if folder in _runs.values() or not folder.is_dir():
            continue
        lock = folder / LOCK
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
        except FileNotFoundError:
            with contextlib.suppress(OSError):
                if time.time() - folder.stat().st_mtime > STALE_UNLOCKED:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(folder)
            continue
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # its process is alive
        finally:
            os.close(fd)  # also drops the lock just taken
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def worker_dir(run: Path, name: str) -> Path:
    """A worker's own sub-folder of the run folder (0700)."""
    folder = run / name
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def claim_multiprocessing_dir(run: Path) -> Path:
    """Make multiprocessing create its `pymp-*` folder (forkserver socket) inside `run`.

    Multiprocessing makes that folder once per process, in the system temp folder, on first
    need; asking for it here, with `tempfile.tempdir` pointing at `run`, puts it under the
    data directory. A socket path holds at most 107 bytes, so under a data directory with a
    long path the folder goes to this process's run folder in `<system temp>/evalkb-<uid>/`
    instead (cleaned the same way). A no-op when the process already has one; returns it.
    """
    if len(os.fsencode(run)) + len("/pymp-xxxxxxxx/listener-xxxxxxxx") > MAX_SOCKET_PATH:
        run = run_dir(None)
    saved = tempfile.tempdir
    tempfile.tempdir = str(run)
    try:
        return Path(mp_util.get_temp_dir())
    finally:
        tempfile.tempdir = saved


def use_in_worker(folder: Path) -> None:
    """Point this (worker) process's temporary files at `folder`, private to the user."""
    os.umask(0o077)
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = str(folder)
