"""Rows ↔ records: how Documents, Tables and Items are written to and read from SQLite.

List-valued fields are stored as compact JSON; reading turns JSON lists back into tuples so
the frozen records compare equal to what was written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ingest.errors import NotFound
from ingest.records import Block, Document, Item, Occurrence, Section, Table, Tag


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
    write_contents(conn, doc)


def section_params(doc: Document) -> list[tuple[Any, ...]]:
    """Column values of a document's `sections` rows (either backend)."""
    return [
        (doc.id, i, s.title, s.level, s.page_start, s.page_end, to_json(s.path), s.number)
        for i, s in enumerate(doc.sections)
    ]


def block_params(doc: Document) -> list[tuple[Any, ...]]:
    """Column values of a document's `blocks` rows (either backend)."""
    return [
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
    ]


TABLE_COLUMNS = (
    "id, document_id, idx, rows, pages, section_path, header_rows, caption, bbox, row_pages"
)


def table_params(doc: Document) -> list[tuple[Any, ...]]:
    """Values of a document's `doc_tables` rows, in TABLE_COLUMNS order (either backend)."""
    return [
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
    ]


def row_to_section(r: Any) -> Section:
    """A `sections` row (sqlite3.Row or a psycopg dict row) as a Section."""
    return Section(
        title=r["title"],
        level=r["level"],
        page_start=r["page_start"],
        page_end=r["page_end"],
        path=_tuple(r["path"]),
        number=r["number"],
    )


def row_to_block(r: Any) -> Block:
    """A `blocks` row (sqlite3.Row or a psycopg dict row) as a Block."""
    return Block(
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


def write_contents(conn: sqlite3.Connection, doc: Document) -> None:
    """Insert a document's outline, blocks and tables (its row exists; caller's transaction)."""
    conn.executemany("INSERT INTO sections VALUES (?,?,?,?,?,?,?,?)", section_params(doc))
    conn.executemany("INSERT INTO blocks VALUES (?,?,?,?,?,?,?,?,?,?,?)", block_params(doc))
    conn.executemany(
        f"INSERT INTO doc_tables ({TABLE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
        table_params(doc),
    )


ITEM_COLUMNS = (
    "id, document_id, ord, kind, label, text, pages, section_path, addressee, priority,"
    " resources, timing, condition, parent_id, fields, occurrences, tags, evidence, confidence"
)


def delete_contents(conn: sqlite3.Connection, document_id: str) -> None:
    """Delete a document's outline, blocks, tables and items, keeping its row (and what
    other tables hang on it), so it can be read again from its original."""
    for table in ("sections", "blocks", "doc_tables", "items"):
        conn.execute(f"DELETE FROM {table} WHERE document_id = ?", (document_id,))


def update_document_row(conn: sqlite3.Connection, doc: Document) -> None:
    """Refresh what reading and analysis say about a stored document (not where it came from,
    nor when it was ingested)."""
    conn.execute(
        "UPDATE documents SET title=?, language=?, page_count=?, media_type=?, size=?,"
        " warnings=?, versions=?, metadata=? WHERE id=?",
        (
            doc.title,
            doc.language,
            doc.page_count,
            doc.media_type,
            doc.size,
            to_json(doc.warnings),
            to_json(doc.versions),
            to_json(doc.metadata),
            doc.id,
        ),
    )


def item_params(document_id: str, items: Sequence[Item]) -> list[tuple[Any, ...]]:
    """Values of a document's `items` rows, in ITEM_COLUMNS order (either backend)."""
    return [
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
            it.evidence,
            float(it.confidence),
        )
        for i, it in enumerate(items)
    ]


def write_items(conn: sqlite3.Connection, document_id: str, items: Sequence[Item]) -> None:
    """Replace a document's items (caller holds the transaction)."""
    conn.execute("DELETE FROM items WHERE document_id = ?", (document_id,))
    conn.executemany(
        f"INSERT OR REPLACE INTO items ({ITEM_COLUMNS}) VALUES ({', '.join('?' * 19)})",
        item_params(document_id, items),
    )


def table_id(document_id: str, index: int) -> str:
    """Stable id of a table: the document id's first 16 hex digits and its index."""
    return f"{document_id[:16]}-t{index}"


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
        evidence=r["evidence"],
        confidence=float(r["confidence"]),
    )
