"""Parse files in worker processes under a time and memory limit, so no file can hang or
crash a batch, and several callers can share the workers at once.

Workers are long-lived (the spaCy model and parsers load once per worker) and are replaced
when one times out, runs out of memory or dies. One dispatcher thread feeds them from a
first-in, first-out queue: `submit` returns a `Future` per file, so an upload that takes
ten minutes holds one worker while the others go on with the files behind it; `map` is the
batch form the command line uses. Workers report pages read (`progress`); their time limit
grows with the page count (`Limits.budget`). Workers die with the pool's process and keep
their temporary files under the data directory (`worker`, `scratch`).
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing as mp
import queue
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from . import scratch
from .options import ReadOptions
from .worker import Job, worker_main

PageListener = Callable[[int, int], None]  # (pages done, pages) of one file
PoolListener = Callable[[Path, int, int], None]  # (file, pages done, pages), every file


@dataclass(frozen=True)
class ParseOutcome:
    """What a worker made of one file: a parsed result, or the reason it failed."""

    path: Path
    result: Any = None  # whatever the job function returned
    error: str = ""  # plain-words reason when it failed
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the file parsed."""
        return not self.error


@dataclass
class _Task:
    path: Path
    options: ReadOptions
    future: Future[ParseOutcome]
    on_progress: PageListener | None = None
    pages: int = 0
    abandoned: bool = False


@dataclass
class _Slot:
    process: Any
    conn: Connection
    lifeline: Connection
    folder: Path
    task: _Task | None = None
    started: float = 0.0


class WorkerPool:
    """A fixed number of isolated parser processes shared by any number of callers.

    `home` is the data directory: temporary files go to `<home>/tmp`, OCR results of
    partly read files to `<home>/cache/pages`; without it, the system temp folder and no
    cache. `listeners` get every file's page progress (the command line's progress bar).
    """

    def __init__(
        self, job: Job, jobs: int = 2, memory_bytes: int = 0, home: Path | None = None
    ) -> None:
        self.job = job
        self.jobs = max(1, jobs)
        self.memory_bytes = memory_bytes
        self.home = Path(home) if home is not None else None
        self.cache_dir = str(self.home / "cache" / "pages") if self.home else ""
        self.listeners: list[PoolListener] = []
        self._run = scratch.run_dir(self.home)
        scratch.claim_multiprocessing_dir(self._run)
        # forkserver: children start from a clean process, not a copy of a server holding
        # torch threads and open SQLite handles
        self.ctx = mp.get_context("forkserver")
        self.ctx.set_forkserver_preload(["ingest.readers", "pdfplumber"])
        self._names = itertools.count(1)
        self._queue: deque[_Task] = deque()
        self._tasks: dict[Future[ParseOutcome], _Task] = {}
        self._slots: list[_Slot] = []
        self._lock = threading.Lock()
        self._wake_recv, self._wake_send = mp.Pipe(duplex=False)
        self._thread: threading.Thread | None = None
        self._closed = False

    # -- callers -----------------------------------------------------------------------
    def submit(
        self,
        path: Path,
        options: ReadOptions | None = None,
        on_progress: PageListener | None = None,
    ) -> Future[ParseOutcome]:
        """Queue one file; its future gives a ParseOutcome (failures included, never raises)."""
        options = options or ReadOptions()
        if self.cache_dir and not options.cache_dir:
            options = replace(options, cache_dir=self.cache_dir)
        task = _Task(Path(path), options, Future(), on_progress)
        with self._lock:
            if self._closed:
                raise RuntimeError("the parser pool is closed")
            self._queue.append(task)
            self._tasks[task.future] = task
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._serve, name="evalkb-parser-pool", daemon=True
                )
                self._thread.start()
        self._wake()
        return task.future

    def map(
        self,
        paths: Iterable[Path],
        options: ReadOptions | None = None,
        on_progress: PoolListener | None = None,
    ) -> Iterator[ParseOutcome]:
        """Parse every path, yielding outcomes as they finish (not in input order).

        Files of a batch abandoned midway (the generator closed) are dropped: queued ones
        never start, running ones have their worker stopped.
        """
        finished: queue.SimpleQueue[Future[ParseOutcome]] = queue.SimpleQueue()
        futures = []
        for path in paths:
            listen = (lambda d, t, p=path: on_progress(p, d, t)) if on_progress else None
            future = self.submit(path, options, listen)
            future.add_done_callback(finished.put)
            futures.append(future)
        try:
            for _ in futures:
                future = finished.get()
                if future.cancelled():
                    yield ParseOutcome(self._tasks_path(future), error="cancelled")
                else:
                    yield future.result()
        finally:
            for future in futures:
                self.cancel(future)

    def cancel(self, future: Future[ParseOutcome]) -> bool:
        """Drop a queued file, or stop the worker reading it; False when already done."""
        if future.done():
            return False
        if future.cancel():
            return True
        with self._lock:
            task = self._tasks.get(future)
            if task is not None:
                task.abandoned = True
        self._wake()
        return True

    def close(self) -> None:
        """Stop every worker; files still queued come back as failed."""
        with self._lock:
            self._closed = True
            thread = self._thread
        self._wake()
        if thread is not None:
            thread.join()
        else:
            self._shutdown()

    # -- dispatcher thread -------------------------------------------------------------
    def _serve(self) -> None:
        try:
            while not self._closed:
                self._dispatch()
                busy = [s for s in self._slots if s.task is not None]
                timeout = 0.2 if busy else 1.0
                ready = wait([s.conn for s in busy] + [self._wake_recv], timeout=timeout)
                while self._wake_recv.poll():
                    self._wake_recv.recv_bytes()
                for slot in busy:
                    self._check(slot, slot.conn in ready)
        finally:
            self._shutdown()

    def _dispatch(self) -> None:
        """Give queued files to idle workers, starting workers up to `jobs`."""
        with self._lock:
            self._slots = [s for s in self._slots if s.task or self._alive(s)]
            while self._queue:
                idle = next((s for s in self._slots if s.task is None), None)
                if idle is None and len(self._slots) < self.jobs:
                    idle = self._start()
                    self._slots.append(idle)
                if idle is None:
                    return
                task = self._queue.popleft()
                # (a task put back after a dead worker is already marked running)
                if not task.future.running() and not task.future.set_running_or_notify_cancel():
                    self._tasks.pop(task.future, None)
                    continue
                idle.task, idle.started = task, time.monotonic()
                try:
                    idle.conn.send((task.path, task.options))
                except (OSError, ValueError):  # the idle worker died: retry on a fresh one
                    idle.task = None
                    self._queue.appendleft(task)
                    self._slots.remove(idle)
                    self._stop(idle)

    def _check(self, slot: _Slot, readable: bool) -> None:
        """Read a busy worker's messages; end its file on a result, crash or time-out."""
        task = slot.task
        assert task is not None
        now = time.monotonic()
        error, result, broken = "", None, False
        try:
            while readable and slot.conn.poll():
                kind, *payload = slot.conn.recv()
                if kind == "progress":
                    self._progress(task, payload[0], payload[1])
                    continue
                result = payload[0] if kind == "ok" else None
                error = "" if kind == "ok" else payload[0]
                broken = kind != "ok" and "out of memory" in error
                break
            else:
                limit = task.options.limits.budget(task.pages)
                if task.abandoned:
                    error, broken = "cancelled", True
                elif now - slot.started > limit:
                    error, broken = _timeout_reason(task, limit), True
                else:
                    return
        except (EOFError, OSError):
            slot.process.join(1)
            error, broken = f"the parser crashed (exit code {slot.process.exitcode})", True
        outcome = ParseOutcome(task.path, result, error, now - slot.started)
        slot.task = None
        with self._lock:
            self._tasks.pop(task.future, None)
            if broken:  # a worker that hung, crashed or ran dry is replaced (lazily)
                self._slots.remove(slot)
        if broken:
            self._stop(slot)
        task.future.set_result(outcome)

    def _progress(self, task: _Task, done: int, total: int) -> None:
        task.pages = total
        for listener in [task.on_progress, *(self._bind(lsn, task.path) for lsn in self.listeners)]:
            if listener is not None:
                with contextlib.suppress(Exception):  # a display bug must not stop parsing
                    listener(done, total)

    @staticmethod
    def _bind(listener: PoolListener, path: Path) -> PageListener:
        return lambda done, total: listener(path, done, total)

    def _shutdown(self) -> None:
        with self._lock:
            slots, self._slots = self._slots, []
            pending, self._queue = list(self._queue), deque()
        for slot in slots:
            self._stop(slot)
            if slot.task is not None and not slot.task.future.done():
                slot.task.future.set_result(ParseOutcome(slot.task.path, error="pool closed"))
        for task in pending:
            if task.future.set_running_or_notify_cancel():
                task.future.set_result(ParseOutcome(task.path, error="pool closed"))
        self._tasks.clear()

    # -- workers -----------------------------------------------------------------------
    def _start(self) -> _Slot:
        parent, child = self.ctx.Pipe()
        lifeline_recv, lifeline_send = self.ctx.Pipe(duplex=False)
        folder = scratch.worker_dir(self._run, f"worker-{next(self._names)}")
        process = self.ctx.Process(
            target=worker_main,
            args=(child, lifeline_recv, self.job, self.memory_bytes, str(folder)),
            daemon=True,
        )
        process.start()
        child.close()
        lifeline_recv.close()  # the worker holds the only reading end, the pool the writing end
        return _Slot(process, parent, lifeline_send, folder)

    @staticmethod
    def _alive(slot: _Slot) -> bool:
        if slot.process.is_alive():
            return True
        WorkerPool._stop(slot)
        return False

    @staticmethod
    def _stop(slot: _Slot) -> None:
        with contextlib.suppress(OSError, ValueError):
            slot.conn.send(None)
        slot.process.join(0.5)
        if slot.process.is_alive():
            slot.process.kill()
            slot.process.join(2)
        slot.conn.close()
        slot.lifeline.close()
        shutil.rmtree(slot.folder, ignore_errors=True)

    def _wake(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._wake_send.send_bytes(b"")

    def _tasks_path(self, future: Future[ParseOutcome]) -> Path:
        task = self._tasks.pop(future, None)
        return task.path if task is not None else Path("?")


def _timeout_reason(task: _Task, limit: float) -> str:
    limits = task.options.limits
    if task.pages:
        how = (
            f"EVALKB_PARSE_TIMEOUT {limits.seconds:.0f} s + EVALKB_PARSE_SECONDS_PER_PAGE "
            f"{limits.seconds_per_page:g} s × {task.pages} pages"
        )
    else:
        how = "EVALKB_PARSE_TIMEOUT"
    return f"timed out after {limit:.0f} s (limit: {how})"
