"""Ingest through the shared queue (PostgreSQL): many workers, on many machines, one batch.

`ingest_through_queue` queues a batch and then works on it beside any other worker (`evalkb
worker`), until every file of the batch has an outcome; `work_queue` is a worker: it claims
queued files, up to one per parser process, reads and stores each, and records the outcome.
The row lock of a claim is the only record that a file is being read (`index.pg.jobs`): a
worker killed mid-file leaves it to the next claim, and the file is stored once either way,
since a re-claimed file whose bytes were stored before the kill is found `unchanged`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from pathlib import Path
from typing import Any, Protocol

from ingest.errors import InvalidQuery
from ingest.pool import ParseOutcome, WorkerPool
from ingest.readers import ReadOptions

from .batch import FAILED, IngestOutcome
from .settings import Settings

POLL_SECONDS = 0.5  # how often an idle worker looks for files freed by a dead worker
OnDone = Callable[[IngestOutcome], None]


class KnowledgeBase(Protocol):
    """What a worker needs of `api.service.KnowledgeBase` (which calls in here)."""

    settings: Settings
    backend: Any

    def parser_pool(self, jobs: int | None = None) -> WorkerPool: ...
    def check_stored(self, path: Path) -> IngestOutcome | None: ...
    def read_options(self, password: str | None = None, ocr: bool | None = None) -> ReadOptions: ...
    def store_outcome(self, parsed: ParseOutcome) -> IngestOutcome: ...


def ingest_through_queue(
    kb: KnowledgeBase,
    files: Sequence[Path],
    *,
    ocr: bool | None = None,
    jobs: int | None = None,
    on_done: OnDone | None = None,
    enqueue_only: bool = False,
    queued: bool = False,
) -> list[IngestOutcome]:
    """Queue `files` and work until each has an outcome (read here or by another worker);
    with `enqueue_only`, only queue them (the outcomes say `queued`); with `queued`, they
    were queued before (e.g. an upload), so an outcome another worker wrote meanwhile counts."""
    queue = _open(kb)
    paths = [str(p.resolve()) for p in files]
    try:
        if not queued:
            queue.enqueue(paths, ocr)
        if enqueue_only:
            return [IngestOutcome(p, "queued") for p in paths]
        work_queue(kb, jobs=jobs, only=paths, on_done=on_done, queue=queue)
        results = queue.results(paths)
    finally:
        queue.close()
    outcomes = []
    for path in paths:
        row = results.get(path)
        if row is None:  # cannot happen unless the queue was emptied by hand
            outcomes.append(IngestOutcome(path, FAILED, reason="its queued job disappeared"))
        else:
            outcomes.append(
                IngestOutcome(path, row.status, row.document_id, row.reason, row.replaced)
            )
    return outcomes


def work_queue(
    kb: KnowledgeBase,
    *,
    jobs: int | None = None,
    only: Sequence[str] | None = None,
    wait_for_more: bool = False,
    stop: threading.Event | None = None,
    on_done: OnDone | None = None,
    queue: Any = None,
) -> list[IngestOutcome]:
    """Claim, read and store queued files (only those of `only`, if given), up to `jobs` at
    once; return the outcomes of the files this worker finished.

    Stops when `only` has nothing left queued (files other workers hold are waited for, and
    taken over if their worker dies), or when nothing is claimable and not `wait_for_more`,
    or when `stop` is set. Claims still open when it stops (an exception, Ctrl-C) are released,
    so their files stay queued for another worker.
    """
    own = queue is None
    queue = queue or _open(kb)
    slots = jobs or kb.settings.jobs
    pool = kb.parser_pool(slots)
    running: dict[Future[ParseOutcome], Any] = {}
    finished: list[IngestOutcome] = []
    try:
        while not (stop is not None and stop.is_set()):
            while len(running) < slots:
                claim = queue.claim(only)
                if claim is None:
                    break
                path = Path(claim.job.path)
                known = kb.check_stored(path)
                if known is not None:
                    _finish(claim, known, finished, on_done)
                    continue
                running[pool.submit(path, kb.read_options(None, claim.job.ocr))] = claim
            if not running:
                if only is not None and queue.pending(only) == 0:
                    break
                if only is None and not wait_for_more:
                    break
                (stop or threading.Event()).wait(POLL_SECONDS)
                continue
            done, _ = wait(running, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            for future in done:
                claim = running.pop(future)
                _finish(claim, kb.store_outcome(future.result()), finished, on_done)
    finally:
        for future, claim in running.items():
            pool.cancel(future)
            claim.release()
        if own:
            queue.close()
    return finished


def _finish(
    claim: Any, outcome: IngestOutcome, finished: list[IngestOutcome], on_done: OnDone | None
) -> None:
    claim.finish(outcome.status, outcome.document_id, outcome.reason, outcome.replaced)
    finished.append(outcome)
    if on_done:
        on_done(outcome)


def _open(kb: KnowledgeBase) -> Any:
    if kb.backend.open_queue is None:
        raise InvalidQuery(
            "the shared ingest queue needs PostgreSQL: set EVALKB_DATABASE_URL=postgresql://…"
        )
    return kb.backend.open_queue()
