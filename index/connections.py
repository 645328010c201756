"""Read connections for concurrent readers: a small pool of SQLite connections.

The writer holds one connection. Readers (HTTP requests) each borrow their own from this
pool: in WAL mode they see the last committed state and never block, or wait for, a write.
"""

from __future__ import annotations

import queue
import sqlite3
from pathlib import Path

from .store import DB_NAME, open_reader


class ReadPool:
    """SQLite read connections, opened on demand and reused; never blocks a request.

    Up to `size` idle connections are kept; a burst beyond that opens extra ones that are
    closed when given back (opening one costs well under a millisecond).
    """

    def __init__(self, home: Path, size: int = 64) -> None:
        self.path = Path(home) / DB_NAME
        self.size = size
        self._idle: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._closed = False

    def acquire(self) -> sqlite3.Connection:
        """A connection for one request (a kept one when idle, else a new one)."""
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            return open_reader(self.path)

    def release(self, conn: sqlite3.Connection) -> None:
        """Give a connection back (rolling back anything a reader left open)."""
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if self._closed or self._idle.qsize() >= self.size:
            conn.close()
        else:
            self._idle.put(conn)

    def close(self) -> None:
        """Close the idle connections; those in use close when released."""
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
