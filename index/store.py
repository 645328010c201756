"""The embedded SQLite store: documents, outline, blocks, tables and items, one transaction each.

SQLite in WAL mode so searches keep reading while a document is written. The original file
is kept under `<home>/files/`, written before the transaction and removed if it fails.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.errors import NotFound
from ingest.records import Block, Document, Item, Occurrence, Section, Table, Tag

from .migrations import migrate

DB_NAME = "evalkb.sqlite3"


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
    """Open (creating and migrating if needed) the store under `home`."""
    home.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        home / DB_NAME, timeout=30, check_same_thread=False, isolation_level=None
    )  # explicit BEGIN/COMMIT below
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    migrate(conn)
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


def to_json(value: Any) -> str:
    """Compact JSON with accents kept readable (how list columns are stored)."""
    return json.dumps(value, ensure_ascii=False)


def _tuple(value: str | None) -> tuple[Any, ...]:
    return tuple(_freeze(v) for v in json.loads(value)) if value else ()


def _freeze(value: Any) -> Any:
    return tuple(_freeze(v) for v in value) if isinstance(value, list) else value


def write_document(
    conn: sqlite3.Connection,
    doc: Document,
    source_path: str,
    stored_file: str,
    metadata: Sequence[tuple[str, str]] = (),
) -> None:
    """Insert a document and its outline, blocks and tables (caller holds the transaction)."""
    conn.execute(
        "INSERT INTO documents (id, file_name, source_path, stored_file, title, language,"
        " page_count, media_type, size, warnings, versions, metadata, ingested_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            doc.id,
            doc.file_name,
            source_path,
            stored_file,
            doc.title,
            doc.language,
            doc.page_count,
            doc.media_type,
            doc.size,
            to_json(doc.warnings),
            to_json(doc.versions),
            to_json(list(metadata) or doc.metadata),
            datetime.now(UTC).isoformat(timespec="seconds"),
        ),
    )
    conn.executemany(
        "INSERT INTO sections VALUES (?,?,?,?,?,?,?,?)",
        [
            (doc.id, i, s.title, s.level, s.page_start, s.page_end, to_json(s.path), s.number)
            for i, s in enumerate(doc.sections)
        ],
    )
    conn.executemany(
        "INSERT INTO blocks VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                doc.id,
                i,
                b.kind,
                b.text,
                to_json(b.pages),
                to_json(b.section_path),
                to_json(b.bbox) if b.bbox else None,
                b.level,
                b.marker,
                b.bold_prefix,
                b.table_index,
            )
            for i, b in enumerate(doc.blocks)
        ],
    )
    conn.executemany(
        "INSERT INTO doc_tables (id, document_id, idx, rows, pages, section_path, header_rows,"
        " caption, bbox, row_pages) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            (
                table_id(doc.id, t.index),
                doc.id,
                t.index,
                to_json(t.rows),
                to_json(t.pages),
                to_json(t.section_path),
                t.header_rows,
                t.caption,
                to_json(t.bbox) if t.bbox else None,
                to_json(t.row_pages),
            )
            for t in doc.tables
        ],
    )


def write_items(conn: sqlite3.Connection, document_id: str, items: Sequence[Item]) -> None:
    """Replace a document's items (caller holds the transaction)."""
    conn.execute("DELETE FROM items WHERE document_id = ?", (document_id,))
    conn.executemany(
        "INSERT OR REPLACE INTO items VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                it.id,
                document_id,
                i,
                it.kind,
                it.label,
                it.text,
                to_json(it.pages),
                to_json(it.section_path),
                it.addressee,
                it.priority,
                it.resources,
                it.timing,
                it.condition,
                it.parent_id,
                to_json(it.fields),
                to_json([[o.pages, o.section_path, o.text] for o in it.occurrences]),
                to_json([[t.kind, t.value, t.evidence] for t in it.tags]),
            )
            for i, it in enumerate(items)
        ],
    )


def table_id(document_id: str, index: int) -> str:
    """Stable id of a table: the document id's first 16 hex digits and its index."""
    return f"{document_id[:16]}-t{index}"


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


def resolve(conn: sqlite3.Connection, ref: str) -> DocumentSummary:
    """Find one document by file name, unique id prefix (≥ 4 hex digits) or file-name start."""
    ref = ref.strip()
    rows = conn.execute(f"{_WITH_COUNTS} WHERE d.file_name = ?", (ref,)).fetchall()
    if not rows and len(ref) >= 4:
        like = ref.lower().replace("%", "").replace("_", "") + "%"
        rows = conn.execute(f"{_WITH_COUNTS} WHERE d.id LIKE ?", (like,)).fetchall()
    if not rows and ref:  # a file-name prefix such as the stem "ilo-mali-slavery"
        escaped = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = conn.execute(
            f"{_WITH_COUNTS} WHERE d.file_name LIKE ? ESCAPE '\\'", (escaped + "%",)
        ).fetchall()
    if not rows:
        raise NotFound(
            f"no document matches {ref!r} (give an id, id prefix, file name or its start)"
        )
    if len(rows) > 1:
        names = ", ".join(r["file_name"] for r in rows[:5])
        raise NotFound(f"{ref!r} is ambiguous: it matches {len(rows)} documents ({names})")
    return _summary(rows[0])


def load_document(conn: sqlite3.Connection, document_id: str) -> Document:
    """Rebuild the full Document record from the store."""
    s = resolve(conn, document_id)
    sections = tuple(
        Section(
            title=r["title"],
            level=r["level"],
            page_start=r["page_start"],
            page_end=r["page_end"],
            path=_tuple(r["path"]),
            number=r["number"],
        )
        for r in conn.execute("SELECT * FROM sections WHERE document_id=? ORDER BY ord", (s.id,))
    )
    blocks = tuple(
        Block(
            kind=r["kind"],
            text=r["text"],
            pages=_tuple(r["pages"]),
            section_path=_tuple(r["section_path"]),
            bbox=_tuple(r["bbox"]) if r["bbox"] else None,
            level=r["level"],
            marker=r["marker"],
            bold_prefix=r["bold_prefix"],
            table_index=r["table_index"],
        )
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


def load_tables(conn: sqlite3.Connection, document_id: str) -> list[Table]:
    """A document's tables in order."""
    return [
        _table(r)
        for r in conn.execute(
            "SELECT * FROM doc_tables WHERE document_id=? ORDER BY idx", (document_id,)
        )
    ]


def load_table(conn: sqlite3.Connection, tid: str) -> tuple[str, Table]:
    """One table by its id, with its document id."""
    r = conn.execute("SELECT * FROM doc_tables WHERE id=?", (tid,)).fetchone()
    if r is None:
        raise NotFound(f"no table with id {tid!r}")
    return r["document_id"], _table(r)


def _table(r: sqlite3.Row) -> Table:
    return Table(
        index=r["idx"],
        rows=_tuple(r["rows"]),
        pages=_tuple(r["pages"]),
        section_path=_tuple(r["section_path"]),
        header_rows=r["header_rows"],
        caption=r["caption"],
        bbox=_tuple(r["bbox"]) if r["bbox"] else None,
        row_pages=_tuple(r["row_pages"]),
    )


def row_to_item(r: sqlite3.Row) -> Item:
    """Rebuild an Item from its row."""
    return Item(
        id=r["id"],
        document_id=r["document_id"],
        kind=r["kind"],
        text=r["text"],
        pages=_tuple(r["pages"]),
        section_path=_tuple(r["section_path"]),
        label=r["label"],
        addressee=r["addressee"],
        priority=r["priority"],
        resources=r["resources"],
        timing=r["timing"],
        condition=r["condition"],
        parent_id=r["parent_id"],
        fields=_tuple(r["fields"]),
        occurrences=tuple(
            Occurrence(pages=tuple(o[0]), section_path=tuple(o[1]), text=o[2])
            for o in json.loads(r["occurrences"])
        ),
        tags=tuple(Tag(kind=t[0], value=t[1], evidence=t[2]) for t in json.loads(r["tags"])),
    )


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    """A value from the store's key/value metadata."""
    row = conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Set a key in the store's metadata (within the caller's transaction, if any)."""
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def keep_original(home: Path, document_id: str, data: bytes, suffix: str) -> Path:
    """Write the original bytes to `<home>/files/<id><suffix>` atomically; return the path."""
    files = home / "files"
    files.mkdir(parents=True, exist_ok=True)
    target = files / f"{document_id}{suffix.lower()}"
    if target.exists():
        return target
    fd, tmp = tempfile.mkstemp(dir=files, prefix=".upload-")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, target)
    return target
