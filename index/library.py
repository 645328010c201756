"""The library: documents, their tables and items in the store, through one connection.

`Library(conn)` reads and writes the document rows; it never embeds or ranks (that is the
search index). Writes run inside the caller's transaction (`store.transaction`), so a
document and its search units commit together.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from ingest.errors import NotFound
from ingest.records import Document, Item, Table

from . import rows, store
from .filters import like_escape, review_condition
from .followup import corrected
from .query import ItemQuery
from .store import DocumentSummary

ITEM_ORDER = {
    "document": "document_id, ord",
    "kind": "kind, document_id, ord",
    "addressee": "addressee, document_id, ord",
    "confidence": "confidence, document_id, ord",  # the doubtful ones first, for review
}


class Library:
    """Documents, tables and items stored under one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # -- documents --------------------------------------------------------------------
    def documents(self) -> list[DocumentSummary]:
        """Every stored document, by file name."""
        return store.summaries(self.conn)

    def resolve(self, ref: str) -> DocumentSummary:
        """One document by file name, unique id prefix or file-name start (NotFound else)."""
        return store.resolve(self.conn, ref)

    def resolve_exactly(self, ref: str) -> DocumentSummary:
        """One document by exact file name, full id or id prefix of ≥ 8 (for deletes)."""
        return store.resolve_exactly(self.conn, ref)

    def document(self, ref: str) -> Document:
        """One document with its outline, blocks and tables."""
        return store.load_document(self.conn, self.resolve(ref).id)

    def has(self, document_id: str) -> bool:
        """True when a document with exactly this id is stored."""
        row = self.conn.execute("SELECT 1 FROM documents WHERE id=?", (document_id,)).fetchone()
        return row is not None

    def stored_file(self, document_id: str) -> str:
        """Name of the kept original under `files/` ('' when none was kept)."""
        row = self.conn.execute(
            "SELECT stored_file FROM documents WHERE id=?", (document_id,)
        ).fetchone()
        return str(row[0]) if row and row[0] else ""

    def stored_files(self) -> set[str]:
        """Names of every kept original that a stored row points to."""
        return {r[0] for r in self.conn.execute("SELECT stored_file FROM documents") if r[0]}

    def ids_from(self, source_path: str) -> list[str]:
        """Ids of the documents ingested from this source path (older versions of a file)."""
        rows = self.conn.execute("SELECT id FROM documents WHERE source_path=?", (source_path,))
        return [r[0] for r in rows]

    def document_count(self) -> int:
        """How many documents are stored."""
        return int(self.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def file_names(self) -> dict[str, str]:
        """Document id → file name, for labelling items and hits."""
        return {r[0]: r[1] for r in self.conn.execute("SELECT id, file_name FROM documents")}

    # -- tables and items -------------------------------------------------------------
    def tables(self, ref: str) -> list[Table]:
        """A document's tables."""
        return store.load_tables(self.conn, self.resolve(ref).id)

    def table(self, table_id: str) -> tuple[str, Table]:
        """One table by id, with its document id."""
        return store.load_table(self.conn, table_id)

    def items(
        self,
        query: ItemQuery | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        sort: str = "document",
    ) -> list[Item]:
        """Items matching the query (kind, document, addressee substring, theme)."""
        query = query or ItemQuery()
        where: list[str] = []
        args: list[object] = []
        if query.kind:
            where.append("kind = ?")
            args.append(query.kind)
        if query.document:
            where.append("document_id = ?")
            args.append(self.resolve(query.document).id)
        if query.addressee:
            where.append("addressee LIKE ? ESCAPE '\\'")
            args.append(f"%{like_escape(query.addressee)}%")
        if query.theme:
            where.append(
                "EXISTS (SELECT 1 FROM json_each(items.tags) t"
                " WHERE json_extract(t.value, '$[1]') = ?)"
            )
            args.append(query.theme)
        if query.review != "all":
            where.append(review_condition(query.review, "id"))
        sql = "SELECT * FROM items" + (" WHERE " + " AND ".join(where) if where else "")
        sql += f" ORDER BY {ITEM_ORDER.get(sort, ITEM_ORDER['document'])} LIMIT ? OFFSET ?"
        args += [-1 if limit is None else limit, offset]
        return corrected(self.conn, [store.row_to_item(r) for r in self.conn.execute(sql, args)])

    def item(self, item_id: str) -> Item:
        """One item by id (or unique prefix)."""
        rows = self.conn.execute(
            "SELECT * FROM items WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
            (like_escape(item_id) + "%",),
        ).fetchall()
        if len(rows) != 1 or not item_id:
            raise NotFound(f"no item with id {item_id!r}")
        return corrected(self.conn, [store.row_to_item(rows[0])])[0]

    def counts(self) -> dict[str, object]:
        """Documents, pages, tables, items by kind, warnings: what `status` shows."""

        def count(sql: str) -> int:
            return int(self.conn.execute(sql).fetchone()[0])

        kinds = dict(self.conn.execute("SELECT kind, COUNT(*) FROM items GROUP BY kind").fetchall())
        return {
            "documents": count("SELECT COUNT(*) FROM documents"),
            "pages": count("SELECT COALESCE(SUM(page_count),0) FROM documents"),
            "tables": count("SELECT COUNT(*) FROM doc_tables"),
            "items": kinds,
            "extractor_version": store.get_meta(self.conn, "extractor_version") or "",
            "documents_with_warnings": count(
                "SELECT COUNT(*) FROM documents WHERE warnings != '[]'"
            ),
        }

    # -- writes (inside the caller's transaction) --------------------------------------
    def add(self, doc: Document, items: Sequence[Item], source_path: str, stored_file: str) -> None:
        """Insert a document with its outline, blocks, tables and items."""
        store.write_document(self.conn, doc, source_path, stored_file)
        store.write_items(self.conn, doc.id, items)

    def replace_analysis(self, doc: Document, items: Sequence[Item]) -> None:
        """Replace a document's items, metadata, title and versions (re-extraction)."""
        store.write_items(self.conn, doc.id, items)
        self.conn.execute(
            "UPDATE documents SET metadata=?, title=?, versions=? WHERE id=?",
            (store.to_json(doc.metadata), doc.title, store.to_json(doc.versions), doc.id),
        )

    def replace_document(self, doc: Document, items: Sequence[Item]) -> None:
        """Swap a stored document's contents for a new reading of the same file: its id,
        source, kept original and ingest time stay, and so does what hangs on its id."""
        rows.delete_contents(self.conn, doc.id)
        rows.update_document_row(self.conn, doc)
        rows.write_contents(self.conn, doc)
        store.write_items(self.conn, doc.id, items)

    def remove(self, document_id: str) -> None:
        """Delete a document and (by cascade) everything that hangs off it."""
        store.delete_document_rows(self.conn, document_id)
