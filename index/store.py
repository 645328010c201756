"""The embedded SQLite store: documents, outline, blocks, tables and items, one transaction each.

SQLite in WAL mode so searches keep reading while a document is written. The original file
is kept under `<home>/files/`, written before the transaction and removed if it fails.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import NotFound
from ingest.records import Document

from .migrations import migrate
from .rows import (
    _tuple,
    load_table,
    load_tables,
    row_to_block,
    row_to_item,
    row_to_section,
    table_id,
    to_json,
    write_document,
    write_items,
)

# Callers use `store.X` for both the store's own functions and the row conversions.
__all__ = [
    "DB_NAME",
    "DocumentSummary",
    "connect",
    "delete_document_rows",
    "find_documents",
    "get_meta",
    "keep_original",
    "load_document",
    "load_table",
    "load_tables",
    "open_reader",
    "resolve",
    "resolve_exactly",
    "row_to_item",
    "set_meta",
    "summaries",
    "table_id",
    "to_json",
    "transaction",
    "write_document",
    "write_items",
]

DB_NAME = "evalkb.sqlite3"
LOCK_NAME = ".migrate.lock"


@dataclass(frozen=True)
class DocumentSummary:
    """One row of the document list."""

    id: str
    file_name: str
    title: str
    language: str
    page_count: int
    media_type: str
    size: int
    source_path: str
    ingested_at: str
    warnings: tuple[str, ...]
    versions: tuple[tuple[str, str], ...]
    metadata: tuple[tuple[str, str], ...]
    item_count: int = 0
    table_count: int = 0


def connect(home: Path) -> sqlite3.Connection:
    """Open (creating and migrating if needed) the store under `home`.

    A new data directory is made 0700 and the database file 0600 (SQLite gives its WAL and
    shared-memory files the database's mode). Migrations run under an exclusive file lock,
    so two processes opening a new home at once never both create the tables.
    """
    home.mkdir(parents=True, exist_ok=True, mode=0o700)  # the mode applies when it is new
    path = home / DB_NAME
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))  # no-op for an existing file
    with open(home / LOCK_NAME, "a") as lock:
        os.chmod(lock.name, 0o600)
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        conn = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        migrate(conn)
    return conn


def open_reader(path: Path) -> sqlite3.Connection:
    """Another connection to an existing store file, for reading (and short writes)."""
    conn = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception (so nothing half-written)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def delete_document_rows(conn: sqlite3.Connection, document_id: str) -> None:
    """Delete a document and (by cascade) everything that hangs off it."""
    conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))


_WITH_COUNTS = (
    "SELECT d.*, (SELECT COUNT(*) FROM items i WHERE i.document_id = d.id) AS n_items,"
    " (SELECT COUNT(*) FROM doc_tables t WHERE t.document_id = d.id) AS n_tables"
    " FROM documents d"
)


def summaries(conn: sqlite3.Connection) -> list[DocumentSummary]:
    """Every stored document, by file name."""
    rows = conn.execute(f"{_WITH_COUNTS} ORDER BY d.file_name").fetchall()
    return [_summary(r) for r in rows]


def _summary(r: sqlite3.Row) -> DocumentSummary:
    return DocumentSummary(
        id=r["id"],
        file_name=r["file_name"],
        title=r["title"],
        language=r["language"],
        page_count=r["page_count"],
        media_type=r["media_type"],
        size=r["size"],
        source_path=r["source_path"],
        ingested_at=r["ingested_at"],
        warnings=_tuple(r["warnings"]),
        versions=_tuple(r["versions"]),
        metadata=_tuple(r["metadata"]),
        item_count=r["n_items"],
        table_count=r["n_tables"],
    )


def find_documents(conn: sqlite3.Connection, ref: str) -> list[DocumentSummary]:
    """Documents a user's reference names: the exact file name, else a unique id prefix
    (≥ 4 hex digits), else a file-name start (the stem "ilo-mali-slavery"). The one rule
    every command, filter and route uses."""
    ref = ref.strip()
    rows = conn.execute(f"{_WITH_COUNTS} WHERE d.file_name = ?", (ref,)).fetchall()
    if not rows and len(ref) >= 4:
        like = ref.lower().replace("%", "").replace("_", "") + "%"
        rows = conn.execute(f"{_WITH_COUNTS} WHERE d.id LIKE ?", (like,)).fetchall()
    if not rows and ref:
        escaped = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = conn.execute(
            f"{_WITH_COUNTS} WHERE d.file_name LIKE ? ESCAPE '\\'", (escaped + "%",)
        ).fetchall()
    return [_summary(r) for r in rows]


def resolve(conn: sqlite3.Connection, ref: str) -> DocumentSummary:
    """The one document `ref` names (see find_documents); NotFound when none or several."""
    found = find_documents(conn, ref)
    if not found:
        raise NotFound(
            f"no document matches {ref.strip()!r} (give an id, id prefix, file name or its start)"
        )
    if len(found) > 1:
        names = ", ".join(d.file_name for d in found[:5])
        raise NotFound(f"{ref.strip()!r} is ambiguous: it matches {len(found)} documents ({names})")
    return found[0]


DELETE_PREFIX = 8  # shortest id prefix a destructive command accepts


def resolve_exactly(conn: sqlite3.Connection, ref: str) -> DocumentSummary:
    """The one document `ref` names for a destructive command: its exact file name, its full
    id, or a unique id prefix of at least DELETE_PREFIX characters — never a name's start."""
    ref = ref.strip()
    rows = conn.execute(f"{_WITH_COUNTS} WHERE d.file_name = ?", (ref,)).fetchall()
    if not rows and len(ref) >= DELETE_PREFIX:
        like = ref.lower().replace("%", "").replace("_", "") + "%"
        rows = conn.execute(f"{_WITH_COUNTS} WHERE d.id LIKE ?", (like,)).fetchall()
    if not rows:
        raise NotFound(
            f"no document is exactly {ref!r}: give its exact file name, its id, or an id prefix "
            f"of at least {DELETE_PREFIX} characters"
        )
    if len(rows) > 1:
        raise NotFound(f"{ref!r} matches {len(rows)} documents; give more of the id")
    return _summary(rows[0])


def load_document(conn: sqlite3.Connection, document_id: str) -> Document:
    """Rebuild the full Document record from the store."""
    s = resolve(conn, document_id)
    sections = tuple(
        row_to_section(r)
        for r in conn.execute("SELECT * FROM sections WHERE document_id=? ORDER BY ord", (s.id,))
    )
    blocks = tuple(
        row_to_block(r)
        for r in conn.execute("SELECT * FROM blocks WHERE document_id=? ORDER BY ord", (s.id,))
    )
    return Document(
        id=s.id,
        file_name=s.file_name,
        title=s.title,
        language=s.language,
        page_count=s.page_count,
        media_type=s.media_type,
        sections=sections,
        blocks=blocks,
        tables=tuple(load_tables(conn, s.id)),
        warnings=s.warnings,
        versions=s.versions,
        size=s.size,
        metadata=s.metadata,
    )


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    """A value from the store's key/value metadata."""
    row = conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Set a key in the store's metadata (within the caller's transaction, if any)."""
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def keep_original(files: Path, document_id: str, data: bytes, suffix: str) -> tuple[Path, bool]:
    """Write the original bytes to `<files>/<id><suffix>` atomically, mode 0600 (`files` is
    `<home>/files`, or the shared folder `EVALKB_FILES_DIR` names).

    Returns (path, created): `created` is False when the file was already there (another
    row, or another process, keeps the same bytes), so a failed write must not remove it.
    Callers hold the store's write lock (inside `transaction`), so file writes and removals
    never race with another writer.
    """
    files.mkdir(parents=True, exist_ok=True)
    target = files / f"{document_id}{suffix.lower()}"
    if target.exists():
        return target, False
    fd, tmp = tempfile.mkstemp(dir=files, prefix=".upload-")  # mkstemp creates it 0600
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, target)
    return target, True
