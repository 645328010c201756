"""The parser worker process: reads files sent by its pool, and never outlives the pool.

A worker runs `job(path, options)` for each `(path, options)` message and answers
`("ok", result)` or `("error", reason)`, with `("progress", pages done, pages)` messages in
between. It dies with the process that owns the pool, whatever way that process ends:

- a watchdog thread waits on a "lifeline" pipe whose only writing end the owner holds; the
  kernel closes it when the owner dies (even by SIGKILL), and the worker exits at once;
- `prctl(PR_SET_PDEATHSIG, SIGKILL)` kills it if its direct parent (the forkserver) dies;
- its own alarm (SIGALRM, default action: terminate) fires a little after the file's time
  budget, so a file can never run on past its limit even if nobody is left to kill it.

Tesseract processes it starts carry their own parent-death signal (`pdf.ocr`). Its
temporary files go to its own folder under the data directory (`scratch`).
"""

from __future__ import annotations

import ctypes
import math
import os
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from . import scratch
from .errors import IngestError
from .options import ReadOptions
from .progress import Progress, tracking

GRACE = 10.0  # seconds past its budget before a worker's own alarm ends it
PR_SET_PDEATHSIG = 1

Job = Callable[[Path, ReadOptions], Any]


def worker_main(
    conn: Connection, lifeline: Connection, job: Job, memory_bytes: int, folder: str
) -> None:
    """Worker loop: receive (path, options), send progress, then the result or the reason."""
    die_with_parent(lifeline)
    scratch.use_in_worker(Path(folder))
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        path, options = message
        reply = run_one(conn, job, path, options, memory_bytes)
        try:
            conn.send(reply)
        except (OSError, EOFError):
            return
        except Exception as exc:  # noqa: BLE001 - a result that cannot be pickled
            conn.send(("error", f"unreadable file: the result could not be sent ({exc})"[:500]))


def run_one(
    conn: Connection, job: Job, path: Path, options: ReadOptions, memory_bytes: int
) -> tuple[str, Any]:
    """One file, under the worker's own alarm; the reply to send back."""
    limits = options.limits

    def report(done: int, total: int) -> None:
        if done == 0:  # the page count is known: the budget grows with it
            left = limits.budget(total) - (time.monotonic() - progress.started)
            signal.alarm(max(1, math.ceil(left + GRACE)))
        conn.send(("progress", done, total))

    progress = Progress(report)
    signal.alarm(max(1, math.ceil(limits.budget() + GRACE)))
    try:
        with tracking(progress):
            return "ok", job(path, options)
    except IngestError as exc:
        return "error", exc.reason
    except MemoryError:
        return "error", f"out of memory (worker limit {memory_bytes // 2**20} MB)"
    except RecursionError:
        return "error", "the file's structure loops (parser recursion without end)"
    except Exception as exc:  # a parser bug on hostile input must not kill the batch
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" in {last[0].name}" if last else ""
        return "error", f"unreadable file: {type(exc).__name__}: {exc}{where}"[:500]
    finally:
        signal.alarm(0)


def die_with_parent(lifeline: Connection) -> None:
    """Exit as soon as the pool's owner is gone (see the module docstring)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the lifeline alone does it
        pass

    def watch() -> None:
        while True:
            try:
                lifeline.recv()  # nothing is ever sent: this returns only at EOF
            except (EOFError, OSError):
                os._exit(0)

    threading.Thread(target=watch, name="evalkb-lifeline", daemon=True).start()
