"""Micro-batching: concurrent single-text encodings share one model run.

Under load the API embeds many one-line queries at once, each on its own thread. The first
caller becomes the leader: it runs every query queued meanwhile as one batch, hands the
results out, and passes the lead to the oldest caller still waiting, so nobody waits for
more than the batch in progress plus its own. A lone caller runs at once: no added delay.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np


class _Waiting:
    __slots__ = ("done", "error", "lead", "text", "vector")

    def __init__(self, text: str) -> None:
        self.text = text
        self.done = threading.Event()
        self.lead = False
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None


class Batcher:
    """Coalesce concurrent `one(text)` calls into `run(texts)` calls of up to `limit` texts."""

    def __init__(self, run: Callable[[Sequence[str]], np.ndarray], limit: int = 32) -> None:
        self._run = run
        self._limit = limit
        self._lock = threading.Lock()
        self._queue: list[_Waiting] = []
        self._busy = False
        self.batches = 0  # runs made, for tests and benchmarks
        self.texts = 0

    def one(self, text: str) -> np.ndarray:
        """The vector of one text, computed alone or with texts of concurrent callers."""
        me = _Waiting(text)
        with self._lock:
            self._queue.append(me)
            leader = not self._busy
            self._busy = True
        if not leader:
            me.done.wait()
            if not me.lead:
                return self._result(me)
        with self._lock:  # the leader's own text is the oldest queued one
            batch = self._queue[: self._limit]
            del self._queue[: self._limit]
        try:
            vectors = self._run([w.text for w in batch])
            for w, vector in zip(batch, vectors, strict=True):
                w.vector = vector
        except BaseException as exc:  # every caller of the batch gets the error
            for w in batch:
                w.error = exc
        finally:
            with self._lock:
                self.batches += 1
                self.texts += len(batch)
                if self._queue:
                    self._queue[0].lead = True
                    self._queue[0].done.set()
                else:
                    self._busy = False
            for w in batch:
                if w is not me:
                    w.done.set()
        return self._result(me)

    @staticmethod
    def _result(w: _Waiting) -> np.ndarray:
        if w.error is not None:
            raise w.error
        assert w.vector is not None
        return w.vector
