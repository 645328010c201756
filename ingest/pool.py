"""Parse files in worker processes under a time and memory limit, so no file can hang or
crash a batch.

Workers are long-lived (the spaCy model and parsers load once per worker) and are replaced
when one times out, runs out of memory or dies. Results come back as picklable records.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import resource
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from .errors import IngestError
from .readers import ReadOptions


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


def _worker_main(
    conn: Connection, job: Callable[[Path, ReadOptions], Any], memory_bytes: int
) -> None:
    """Worker loop: receive (path, options), send back ("ok", result) or ("error", reason)."""
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        path, options = message
        try:
            conn.send(("ok", job(path, options)))
        except IngestError as exc:
            conn.send(("error", exc.reason))
        except MemoryError:
            conn.send(("error", f"out of memory (worker limit {memory_bytes // 2**20} MB)"))
        except RecursionError:
            conn.send(("error", "the file's structure loops (parser recursion without end)"))
        except Exception as exc:  # a parser bug on hostile input must not kill the batch
            last = traceback.extract_tb(exc.__traceback__)[-1:]
            where = f" in {last[0].name}" if last else ""
            conn.send(("error", f"unreadable file: {type(exc).__name__}: {exc}{where}"[:500]))


@dataclass
class _Slot:
    process: Any
    conn: Connection
    path: Path | None = None
    started: float = 0.0


class WorkerPool:
    """A fixed number of isolated parser processes, kept between batches.

    `map` feeds one batch at a time (a second caller waits for the first batch to end);
    workers stay alive afterwards so the next batch skips their start-up (spaCy, parsers).
    `close` stops them.
    """

    def __init__(
        self,
        job: Callable[[Path, ReadOptions], Any],
        jobs: int = 2,
        memory_bytes: int = 0,
    ) -> None:
        self.job = job
        self.jobs = max(1, jobs)
        self.memory_bytes = memory_bytes
        # forkserver: children start from a clean process, not a copy of a server holding
        # torch threads and open SQLite handles
        self.ctx = mp.get_context("forkserver")
        self.ctx.set_forkserver_preload(["ingest.readers", "pdfplumber"])
        self._slots: list[_Slot] = []
        self._lock = threading.Lock()

    def _start(self) -> _Slot:
        parent, child = self.ctx.Pipe()
        process = self.ctx.Process(
            target=_worker_main,
            args=(child, self.job, self.memory_bytes),
            daemon=True,
        )
        process.start()
        child.close()
        return _Slot(process, parent)

    def map(
        self, paths: Sequence[Path], options: ReadOptions | None = None
    ) -> Iterator[ParseOutcome]:
        """Parse every path, yielding outcomes as they finish (not in input order)."""
        options = options or ReadOptions()
        with self._lock:
            yield from self._run(list(reversed(paths)), options)

    def _run(self, pending: list[Path], options: ReadOptions) -> Iterator[ParseOutcome]:
        wanted = min(self.jobs, len(pending))
        self._slots = [s for s in self._slots if s.process.is_alive()]
        while len(self._slots) < wanted:
            self._slots.append(self._start())
        slots = self._slots
        limit = options.limits.seconds
        try:
            while pending or any(s.path for s in slots):
                for slot in slots:
                    self._feed(slot, pending, options)
                busy = [s for s in slots if s.path is not None]
                ready = wait([s.conn for s in busy], timeout=0.2)
                now = time.monotonic()
                for i, slot in enumerate(slots):
                    if slot.path is None:
                        continue
                    outcome, broken = None, False
                    if slot.conn in ready:
                        try:
                            status, payload = slot.conn.recv()
                            outcome = ParseOutcome(
                                slot.path,
                                payload if status == "ok" else None,
                                "" if status == "ok" else payload,
                                now - slot.started,
                            )
                            broken = status != "ok" and "out of memory" in payload
                        except (EOFError, OSError):
                            slot.process.join(1)
                            code = slot.process.exitcode
                            outcome = ParseOutcome(
                                slot.path,
                                error=f"the parser crashed (exit code {code})",
                                seconds=now - slot.started,
                            )
                            broken = True
                    elif now - slot.started > limit:
                        outcome = ParseOutcome(
                            slot.path,
                            error=f"timed out after {limit:.0f} s (limit: EVALKB_PARSE_TIMEOUT)",
                            seconds=now - slot.started,
                        )
                        broken = True
                    if outcome is None:
                        continue
                    if broken:  # a worker that hung, crashed or ran dry is replaced
                        self._stop(slot)
                        slots[i] = self._start()
                    else:
                        slot.path = None
                    # hand the worker its next file before the caller spends time on this
                    # outcome (embedding, storing), so no core idles meanwhile
                    self._feed(slots[i], pending, options)
                    yield outcome
        finally:
            # a batch abandoned midway leaves workers busy with files nobody waits for
            for slot in slots:
                if slot.path is not None:
                    self._stop(slot)
            self._slots = [s for s in slots if s.path is None]

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            for slot in self._slots:
                self._stop(slot)
            self._slots = []

    def _feed(self, slot: _Slot, pending: list[Path], options: ReadOptions) -> None:
        """Send an idle worker the next pending file."""
        if slot.path is None and pending:
            slot.path = pending.pop()
            slot.started = time.monotonic()
            slot.conn.send((slot.path, options))

    @staticmethod
    def _stop(slot: _Slot) -> None:
        with contextlib.suppress(OSError, ValueError):
            slot.conn.send(None)
        slot.process.join(0.5)
        if slot.process.is_alive():
            slot.process.kill()
            slot.process.join(2)
        slot.conn.close()
