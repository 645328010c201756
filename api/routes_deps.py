"""Request-scoped access to the KnowledgeBase: a read view on a pooled connection, the writer.

The KnowledgeBase holds one SQLite connection for writing. Reads from many request threads
on that same connection would see an upload's uncommitted rows and queue behind it, so each
read request borrows its own connection from a small pool (WAL: readers see the last
committed state and never block the writer) and calls the KnowledgeBase's methods through a
`ReadView` that swaps only the connection. Everything else (embedder, search index) is the
live object, so an index swapped by `_after_write` is seen by the next request.
"""

from __future__ import annotations

import queue
import sqlite3
import types
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

from fastapi import Request

from index.store import DB_NAME

from .security import check_write_access
from .service import KnowledgeBase
from .settings import Settings


class ReadView:
    """A KnowledgeBase whose methods run on another connection; attributes stay shared."""

    __slots__ = ("_kb", "conn")

    def __init__(self, kb: KnowledgeBase, conn: sqlite3.Connection) -> None:
        object.__setattr__(self, "_kb", kb)
        object.__setattr__(self, "conn", conn)

    def __getattr__(self, name: str) -> Any:
        if name in vars(self._kb):  # instance attributes (and test doubles) win, as usual
            return getattr(self._kb, name)
        attr = getattr(type(self._kb), name, None)
        if isinstance(attr, types.FunctionType):
            # bind the class's function to the view, so `self.conn` inside is ours
            return types.MethodType(attr, self)
        return getattr(self._kb, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._kb, name, value)  # lazily built caches belong to the real object


class ReadPool:
    """SQLite read connections, opened on demand and reused; never blocks a request.

    Up to `size` idle connections are kept; a burst beyond that opens extra ones that are
    closed when given back (opening one costs well under a millisecond).
    """

    def __init__(self, home: Path, size: int = 64) -> None:
        self.path = home / DB_NAME
        self.size = size
        self._idle: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._closed = False

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def acquire(self) -> sqlite3.Connection:
        """A connection for one request (a kept one when idle, else a new one)."""
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            return self._open()

    def release(self, conn: sqlite3.Connection) -> None:
        """Give a connection back (rolling back anything a route left open)."""
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


def settings_of(request: Request) -> Settings:
    """The app's settings."""
    return cast(Settings, request.app.state.settings)


async def read_kb(request: Request) -> AsyncIterator[KnowledgeBase]:
    """Dependency: the KnowledgeBase on a pooled read connection for this request.

    Async so that taking and returning the connection costs no thread hop; the (sync)
    route itself runs in the thread pool.
    """
    pool: ReadPool = request.app.state.read_pool
    conn = pool.acquire()
    try:
        yield cast(KnowledgeBase, ReadView(request.app.state.kb, conn))
    finally:
        pool.release(conn)


def write_kb(request: Request) -> KnowledgeBase:
    """Dependency: the real KnowledgeBase, after checking the caller may write."""
    check_write_access(request, settings_of(request))
    return cast(KnowledgeBase, request.app.state.kb)
