"""The library on PostgreSQL: documents, tables and items, with `index.library.Library`'s
public methods (what the service and the reader call)."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.errors import NotFound
from ingest.records import Document, Item, Table

from ..filters import like_escape, review_condition
from ..followup import corrected
from ..library import ITEM_ORDER, Library
from ..query import ItemQuery
from ..rows import to_json
from ..store import DocumentSummary
from . import rows
from .compat import SqliteLike
from .db import Connection, get_meta


class PgLibrary(Library):
    """Documents, tables and items stored in PostgreSQL, through one connection (a `Library`
    whose every method is overridden, so the reader and the service take either)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn  # type: ignore[assignment]  # (readers reach it as `library.conn`)
        self.pg = conn
        self.shared = SqliteLike(conn)  # for the store modules both backends share

    def _count(self, sql: str) -> int:
        row = self.pg.execute(sql).fetchone()
        return int(next(iter(row.values()))) if row else 0

    # -- documents --------------------------------------------------------------------
    def documents(self) -> list[DocumentSummary]:
        """Every stored document, by file name."""
        return rows.summaries(self.pg)

    def resolve(self, ref: str) -> DocumentSummary:
        """One document by file name, unique id prefix or file-name start (NotFound else)."""
        return rows.resolve(self.pg, ref)

    def resolve_exactly(self, ref: str) -> DocumentSummary:
        """One document by exact file name, full id or id prefix of ≥ 8 (for deletes)."""
        return rows.resolve_exactly(self.pg, ref)

    def document(self, ref: str) -> Document:
        """One document with its outline, blocks and tables."""
        return rows.load_document(self.pg, self.resolve(ref).id)

    def has(self, document_id: str) -> bool:
        """True when a document with exactly this id is stored."""
        sql = "SELECT 1 FROM documents WHERE id=%s"
        return self.pg.execute(sql, (document_id,)).fetchone() is not None

    def stored_file(self, document_id: str) -> str:
        """Name of the kept original under `files/` ('' when none was kept)."""
        sql = "SELECT stored_file FROM documents WHERE id=%s"
        row = self.pg.execute(sql, (document_id,)).fetchone()
        return str(row["stored_file"]) if row and row["stored_file"] else ""

    def stored_files(self) -> set[str]:
        """Names of every kept original that a stored row points to."""
        found = self.pg.execute("SELECT stored_file FROM documents")
        return {r["stored_file"] for r in found if r["stored_file"]}

    def ids_from(self, source_path: str) -> list[str]:
        """Ids of the documents ingested from this source path (older versions of a file)."""
        found = self.pg.execute("SELECT id FROM documents WHERE source_path=%s", (source_path,))
        return [r["id"] for r in found]

    def document_count(self) -> int:
        """How many documents are stored."""
        return self._count("SELECT COUNT(*) FROM documents")

    def file_names(self) -> dict[str, str]:
        """Document id → file name, for labelling items and hits."""
        return {
            r["id"]: r["file_name"] for r in self.pg.execute("SELECT id, file_name FROM documents")
        }

    # -- tables and items -------------------------------------------------------------
    def tables(self, ref: str) -> list[Table]:
        """A document's tables."""
        return rows.load_tables(self.pg, self.resolve(ref).id)

    def table(self, table_id: str) -> tuple[str, Table]:
        """One table by id, with its document id."""
        return rows.load_table(self.pg, table_id)

    def items(
        self,
        query: ItemQuery | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        sort: str = "document",
    ) -> list[Item]:
        """Items matching the query (kind, document, addressee substring, theme, review)."""
        query = query or ItemQuery()
        where: list[str] = []
        args: list[object] = []
        if query.kind:
            where.append("kind = %s")
            args.append(query.kind)
        if query.document:
            where.append("document_id = %s")
            args.append(self.resolve(query.document).id)
        if query.addressee:
            where.append("addressee ILIKE %s ESCAPE '\\'")
            args.append(f"%{like_escape(query.addressee)}%")
        if query.theme:
            where.append(
                "EXISTS (SELECT 1 FROM jsonb_array_elements(items.tags::jsonb) t WHERE t->>1 = %s)"
            )
            args.append(query.theme)
        if query.review != "all":
            where.append(review_condition(query.review, "id"))
        sql = "SELECT * FROM items" + (" WHERE " + " AND ".join(where) if where else "")
        sql += f" ORDER BY {ITEM_ORDER.get(sort, ITEM_ORDER['document'])} LIMIT %s OFFSET %s"
        args += [limit, offset]
        return corrected(self.shared, [rows.to_item(r) for r in self.pg.execute(sql, args)])

    def item(self, item_id: str) -> Item:
        """One item by id (or unique prefix)."""
        found = self.pg.execute(
            "SELECT * FROM items WHERE id LIKE %s ESCAPE '\\' LIMIT 2",
            (like_escape(item_id) + "%",),
        ).fetchall()
        if len(found) != 1 or not item_id:
            raise NotFound(f"no item with id {item_id!r}")
        return corrected(self.shared, [rows.to_item(found[0])])[0]

    def counts(self) -> dict[str, object]:
        """Documents, pages, tables, items by kind, warnings: what `status` shows."""
        kinds = {
            r["kind"]: r["n"]
            for r in self.pg.execute("SELECT kind, COUNT(*) AS n FROM items GROUP BY kind")
        }
        return {
            "documents": self._count("SELECT COUNT(*) FROM documents"),
            "pages": self._count("SELECT COALESCE(SUM(page_count),0) FROM documents"),
            "tables": self._count("SELECT COUNT(*) FROM doc_tables"),
            "items": kinds,
            "extractor_version": get_meta(self.pg, "extractor_version") or "",
            "documents_with_warnings": self._count(
                "SELECT COUNT(*) FROM documents WHERE warnings != '[]'"
            ),
        }

    # -- writes (inside the caller's transaction) --------------------------------------
    def add(self, doc: Document, items: Sequence[Item], source_path: str, stored_file: str) -> None:
        """Insert a document with its outline, blocks, tables and items."""
        rows.write_document(self.pg, doc, source_path, stored_file)
        rows.write_items(self.pg, doc.id, items)

    def replace_analysis(self, doc: Document, items: Sequence[Item]) -> None:
        """Replace a document's items, metadata, title and versions (re-extraction)."""
        rows.write_items(self.pg, doc.id, items)
        self.pg.execute(
            "UPDATE documents SET metadata=%s, title=%s, versions=%s WHERE id=%s",
            (to_json(doc.metadata), doc.title, to_json(doc.versions), doc.id),
        )

    def replace_document(self, doc: Document, items: Sequence[Item]) -> None:
        """Swap a stored document's contents for a new reading of the same file."""
        for table in ("sections", "blocks", "doc_tables", "items"):
            self.pg.execute(f"DELETE FROM {table} WHERE document_id = %s", (doc.id,))
        self.pg.execute(
            "UPDATE documents SET title=%s, language=%s, page_count=%s, media_type=%s, size=%s,"
            " warnings=%s, versions=%s, metadata=%s WHERE id=%s",
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
        rows.write_contents(self.pg, doc)
        rows.write_items(self.pg, doc.id, items)

    def remove(self, document_id: str) -> None:
        """Delete a document and (by cascade) everything that hangs off it."""
        self.pg.execute("DELETE FROM documents WHERE id = %s", (document_id,))
