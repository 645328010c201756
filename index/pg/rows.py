"""Rows ↔ records on PostgreSQL: the SQLite store's row code (`index.rows`, `index.store`)
with Postgres placeholders. JSON columns are the same text, converted by the same helpers."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from ingest.errors import NotFound
from ingest.records import Document, Item, Table

from .. import store
from ..rows import (
    ITEM_COLUMNS,
    TABLE_COLUMNS,
    _tuple,
    block_params,
    item_params,
    row_to_block,
    row_to_item,
    row_to_section,
    section_params,
    table_params,
    to_json,
)
from ..store import DELETE_PREFIX, DocumentSummary
from .db import Connection

_WITH_COUNTS = (
    "SELECT d.*, (SELECT COUNT(*) FROM items i WHERE i.document_id = d.id) AS n_items,"
    " (SELECT COUNT(*) FROM doc_tables t WHERE t.document_id = d.id) AS n_tables"
    " FROM documents d"
)


def as_row(row: dict[str, Any]) -> sqlite3.Row:
    """A dict row where the shared converters expect an sqlite3.Row (they read by name)."""
    return cast(sqlite3.Row, row)


def summary(row: dict[str, Any]) -> DocumentSummary:
    """A document row (with counts) as its summary, by the SQLite store's converter."""
    return store._summary(as_row(row))


def to_item(row: dict[str, Any]) -> Item:
    """An item row as its record."""
    return row_to_item(as_row(row))


def summaries(conn: Connection) -> list[DocumentSummary]:
    """Every stored document, by file name."""
    return [summary(r) for r in conn.execute(f"{_WITH_COUNTS} ORDER BY d.file_name")]


def find_documents(conn: Connection, ref: str) -> list[DocumentSummary]:
    """Documents a reference names, by the rule of `index.store.find_documents`."""
    ref = ref.strip()
    rows = conn.execute(f"{_WITH_COUNTS} WHERE d.file_name = %s", (ref,)).fetchall()
    if not rows and len(ref) >= 4:
        like = ref.lower().replace("%", "").replace("_", "") + "%"
        rows = conn.execute(f"{_WITH_COUNTS} WHERE d.id LIKE %s", (like,)).fetchall()
    if not rows and ref:
        escaped = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = conn.execute(
            f"{_WITH_COUNTS} WHERE d.file_name ILIKE %s ESCAPE '\\' ORDER BY d.file_name",
            (escaped + "%",),
        ).fetchall()
    return [summary(r) for r in rows]


def resolve(conn: Connection, ref: str) -> DocumentSummary:
    """The one document `ref` names; NotFound when none or several."""
    found = find_documents(conn, ref)
    if not found:
        raise NotFound(
            f"no document matches {ref.strip()!r} (give an id, id prefix, file name or its start)"
        )
    if len(found) > 1:
        names = ", ".join(d.file_name for d in found[:5])
        raise NotFound(f"{ref.strip()!r} is ambiguous: it matches {len(found)} documents ({names})")
    return found[0]


def resolve_exactly(conn: Connection, ref: str) -> DocumentSummary:
    """The one document a destructive command names (exact name, id, or long id prefix)."""
    ref = ref.strip()
    rows = conn.execute(f"{_WITH_COUNTS} WHERE d.file_name = %s", (ref,)).fetchall()
    if not rows and len(ref) >= DELETE_PREFIX:
        like = ref.lower().replace("%", "").replace("_", "") + "%"
        rows = conn.execute(f"{_WITH_COUNTS} WHERE d.id LIKE %s", (like,)).fetchall()
    if not rows:
        raise NotFound(
            f"no document is exactly {ref!r}: give its exact file name, its id, or an id prefix "
            f"of at least {DELETE_PREFIX} characters"
        )
    if len(rows) > 1:
        raise NotFound(f"{ref!r} matches {len(rows)} documents; give more of the id")
    return summary(rows[0])


def write_document(conn: Connection, doc: Document, source_path: str, stored_file: str) -> None:
    """Insert a document with its outline, blocks and tables (caller's transaction)."""
    conn.execute(
        "INSERT INTO documents (id, file_name, source_path, stored_file, title, language,"
        " page_count, media_type, size, warnings, versions, metadata, ingested_at)"
        " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
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
            to_json(doc.metadata),
            datetime.now(UTC).isoformat(timespec="seconds"),
        ),
    )
    write_contents(conn, doc)


def write_contents(conn: Connection, doc: Document) -> None:
    """Insert a document's outline, blocks and tables (its row exists)."""
    with conn.cursor() as cur:
        sections = "INSERT INTO sections VALUES (%s,%s,%s,%s,%s,%s,%s,%s)"
        cur.executemany(sections, section_params(doc))
        cur.executemany(
            "INSERT INTO blocks VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)", block_params(doc)
        )
        cur.executemany(
            f"INSERT INTO doc_tables ({TABLE_COLUMNS}) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            table_params(doc),
        )


# every column but the key: what an upsert overwrites (SQLite's INSERT OR REPLACE)
_REPLACE_ITEM = ", ".join(f"{c} = EXCLUDED.{c}" for c in ITEM_COLUMNS.split(", ") if c != "id")


def write_items(conn: Connection, document_id: str, items: Sequence[Item]) -> None:
    """Replace a document's items (caller's transaction)."""
    conn.execute("DELETE FROM items WHERE document_id = %s", (document_id,))
    with conn.cursor() as cur:
        cur.executemany(
            f"INSERT INTO items ({ITEM_COLUMNS}) VALUES ({', '.join(['%s'] * 19)})"
            f" ON CONFLICT (id) DO UPDATE SET {_REPLACE_ITEM}",
            item_params(document_id, items),
        )


def _table(r: dict[str, Any]) -> Table:
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


def load_tables(conn: Connection, document_id: str) -> list[Table]:
    """A document's tables in order."""
    sql = "SELECT * FROM doc_tables WHERE document_id=%s ORDER BY idx"
    return [_table(r) for r in conn.execute(sql, (document_id,))]


def load_table(conn: Connection, tid: str) -> tuple[str, Table]:
    """One table by id, with its document id."""
    r = conn.execute("SELECT * FROM doc_tables WHERE id=%s", (tid,)).fetchone()
    if r is None:
        raise NotFound(f"no table with id {tid!r}")
    return r["document_id"], _table(r)


def load_document(conn: Connection, document_id: str) -> Document:
    """Rebuild the full Document record from the store."""
    s = resolve(conn, document_id)
    sections = tuple(
        row_to_section(r)
        for r in conn.execute("SELECT * FROM sections WHERE document_id=%s ORDER BY ord", (s.id,))
    )
    blocks = tuple(
        row_to_block(r)
        for r in conn.execute("SELECT * FROM blocks WHERE document_id=%s ORDER BY ord", (s.id,))
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
