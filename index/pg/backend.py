"""The one place a storage backend is chosen: SQLite (default) or PostgreSQL.

`open_backend` returns the writer connection, the library, the search index and the few
store operations the service runs (transactions, metadata, read connections) for the
configured backend. An empty database URL keeps the embedded SQLite store under `home`;
`postgresql://…` opens PostgreSQL (psycopg is imported only then).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.records import Document

from .. import store
from ..connections import ReadPool
from ..embeddings import Embedder
from ..jobs import JobStore
from ..knobs import ChunkKnobs, SearchKnobs
from ..library import Library
from ..relink import ResponseLinker
from ..search_index import SearchIndex
from . import is_postgres


@dataclass
class Backend:
    """A store's writer connection, library, search index and operations."""

    name: str  # "sqlite" | "postgresql"
    conn: Any
    library: Library
    index: SearchIndex
    links: ResponseLinker
    library_on: Callable[[Any], Library]
    transaction: Callable[[], AbstractContextManager[Any]]
    get_meta: Callable[[str], str | None]
    set_meta: Callable[[str, str], None]
    load_document: Callable[[str], Document]
    read_pool: Callable[[], Any]
    # upload jobs on their own connection (`index.jobs.JobStore`); shared on Postgres
    open_jobs: Callable[[], JobStore]
    # the shared ingest queue (`index.pg.jobs.IngestQueue`); None: each process reads its own
    open_queue: Callable[[], Any] | None = None
    errors: tuple[type[Exception], ...] = field(default=())


def open_backend(
    home: Path,
    database_url: str,
    embedder: Embedder | None,
    knobs: SearchKnobs | None = None,
    chunking: ChunkKnobs | None = None,
    read_url: str = "",
) -> Backend:
    """Open the store `database_url` names (SQLite under `home` when it is empty). On
    PostgreSQL, `read_url` (e.g. a read replica) serves the HTTP requests' reads."""
    if database_url.strip():
        if not is_postgres(database_url):
            raise ValueError("database_url must be a postgresql:// URL (or empty for SQLite)")
        return _postgres(home, database_url, embedder, knobs, chunking, read_url)
    conn = store.connect(home)

    @contextmanager
    def transaction() -> Iterator[Any]:
        with store.transaction(conn):
            yield conn

    return Backend(
        name="sqlite",
        conn=conn,
        library=Library(conn),
        index=SearchIndex(home, embedder, knobs, chunking),
        links=ResponseLinker(conn),
        library_on=Library,
        transaction=transaction,
        get_meta=lambda key: store.get_meta(conn, key),
        set_meta=lambda key, value: store.set_meta(conn, key, value),
        load_document=lambda doc_id: store.load_document(conn, doc_id),
        read_pool=lambda: ReadPool(home),
        open_jobs=lambda: JobStore(store.open_reader(home / store.DB_NAME)),
    )


def _postgres(
    home: Path,
    url: str,
    embedder: Embedder | None,
    knobs: SearchKnobs | None,
    chunking: ChunkKnobs | None,
    read_url: str = "",
) -> Backend:
    import psycopg

    from . import db, rows
    from .compat import SqliteLike
    from .jobs import IngestQueue
    from .library import PgLibrary
    from .search_index import PgSearchIndex
    from .upload_jobs import PgJobStore

    conn = db.connect(url)
    return Backend(
        name="postgresql",
        conn=conn,
        library=PgLibrary(conn),
        index=PgSearchIndex(home, embedder, knobs, chunking),
        links=ResponseLinker(SqliteLike(conn)),  # the same linker, through the adapter
        library_on=PgLibrary,
        transaction=lambda: db.write_transaction(conn),
        get_meta=lambda key: db.get_meta(conn, key),
        set_meta=lambda key, value: db.set_meta(conn, key, value),
        load_document=lambda doc_id: rows.load_document(conn, doc_id),
        read_pool=lambda: db.PgReadPool(read_url.strip() or url),
        open_queue=lambda: IngestQueue(url),
        open_jobs=lambda: PgJobStore(url),
        errors=(psycopg.Error,),
    )
