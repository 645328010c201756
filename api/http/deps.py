"""Request-scoped access to the KnowledgeBase: a Reader on a pooled connection, the writer.

The KnowledgeBase holds one SQLite connection for writing. Reads from many request threads
on that same connection would see an upload's uncommitted rows and queue behind it, so each
read request borrows its own connection from a pool (WAL: readers see the last committed
state and never block the writer) and reads through `kb.reader(conn)`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, TypeVar, cast

import anyio.to_thread
from fastapi import Depends, Request

from index.connections import ReadPool

from ..reads import Reader
from ..service import KnowledgeBase
from ..settings import Settings
from ..uploads import UploadQueue
from .security import check_write_access


def settings_of(request: Request) -> Settings:
    """The app's settings."""
    return cast(Settings, request.app.state.kb.settings)


async def read_access(request: Request) -> AsyncIterator[Reader]:
    """Dependency: a Reader on a pooled read connection for this request.

    Async so that taking and returning the connection costs no thread hop; the (sync)
    route itself runs in the thread pool.
    """
    pool: ReadPool = request.app.state.read_pool
    kb: KnowledgeBase = request.app.state.kb
    conn = pool.acquire()
    try:
        yield kb.reader(conn)
    finally:
        pool.release(conn)


T = TypeVar("T")


async def run_heavy(request: Request, work: Callable[[], T]) -> T:
    """Run CPU-heavy work (a search, a clustering) on a thread, at most `search_slots` at once.

    Waiting for a slot holds no thread: if queued searches sat in the shared thread pool, 50
    clients' searches would take all its threads and cheap reads (/items, /documents) would
    queue behind them for a thread, not for the cores.
    """
    limiter: anyio.CapacityLimiter = request.app.state.search_slots
    return await anyio.to_thread.run_sync(work, limiter=limiter)


def write_access(request: Request) -> KnowledgeBase:
    """Dependency: the KnowledgeBase itself, after checking the caller may write."""
    check_write_access(request, settings_of(request))
    return cast(KnowledgeBase, request.app.state.kb)


def upload_queue(request: Request) -> UploadQueue:
    """Dependency: the app's upload queue."""
    return cast(UploadQueue, request.app.state.uploads)


Read = Annotated[Reader, Depends(read_access)]
Write = Annotated[KnowledgeBase, Depends(write_access)]
Uploads = Annotated[UploadQueue, Depends(upload_queue)]
