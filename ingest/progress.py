"""Progress of the file being read, reported page by page to whoever runs the reader.

A reader calls `current().pages(total)` once it knows the page count and `page_done()` after
each page; outside a worker nobody listens and the calls cost nothing. The worker process
(`ingest.worker`) installs a `Progress` that forwards the counts to the parent over its pipe,
where they drive a progress bar and the page-scaled time limit. `started` is when the file
was handed over: the reader's own deadline (`Limits.read_seconds`) counts from it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Listener = Callable[[int, int], None]  # (pages done, pages in all)


class Progress:
    """Page counts of one file, forwarded to `listener` (at most every `every` seconds)."""

    def __init__(self, listener: Listener | None = None, every: float = 0.2) -> None:
        self.started = time.monotonic()
        self.total = 0
        self.done = 0
        self._listener = listener
        self._every = every
        self._last = 0.0
        self._lock = threading.Lock()

    def pages(self, total: int) -> None:
        """The file has `total` pages (always forwarded)."""
        with self._lock:
            self.total = total
            self._send(force=True)

    def page_done(self, count: int = 1) -> None:
        """`count` more pages have been read."""
        with self._lock:
            self.done += count
            self._send(force=self.done >= self.total)

    def _send(self, force: bool) -> None:
        now = time.monotonic()
        if self._listener is not None and (force or now - self._last >= self._every):
            self._last = now
            self._listener(self.done, self.total)


_current = threading.local()


def current() -> Progress:
    """The progress of the file this thread is reading (a silent one outside `tracking`)."""
    progress = getattr(_current, "progress", None)
    return progress if progress is not None else Progress()


@contextmanager
def tracking(progress: Progress) -> Iterator[Progress]:
    """Make `progress` the current one for reads on this thread."""
    previous = getattr(_current, "progress", None)
    _current.progress = progress
    try:
        yield progress
    finally:
        _current.progress = previous
