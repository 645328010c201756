"""Search side of the KnowledgeBase: embedding, chunk indexing, search, similar, themes.

Embeddings are computed before the write transaction (slow), chunks and vectors are written
inside it (with the document), and the FAISS cache is synced after the commit. Searches read
through a per-thread connection so they never wait for, or see, an ingest in progress.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

from index import indexer
from index.embeddings import Embedder, SentenceTransformerEmbedder
from index.filters import SearchFilters
from index.search import Hit, Searcher
from index.store import DB_NAME
from ingest.pipeline import Parsed


class SearchMixin:
    """Embedding, chunk indexing and search used by KnowledgeBase (needs .conn, .home)."""

    conn: sqlite3.Connection
    home: Path
    settings: Any

    def _init_search(self, embedder: Embedder | None) -> None:
        # The real model loads on first use (encode), not here: listing documents stays fast.
        model = self.settings.model or None
        self.embedder: Embedder = embedder or SentenceTransformerEmbedder(
            model, max_tokens=self.settings.max_tokens or None
        )
        self._local = threading.local()
        self.searcher = Searcher(self._read_conn, self.home, self.embedder)

    def _read_conn(self) -> sqlite3.Connection:
        """This thread's read connection (WAL: a consistent snapshot, never blocked by writes)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.home / DB_NAME, check_same_thread=False, isolation_level=None, timeout=30
            )
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    def _embed_document(self, parsed: Parsed) -> indexer.Prepared:
        return indexer.prepare(parsed.document, parsed.items, self.embedder)

    def _index_rows(self, parsed: Parsed, prepared: indexer.Prepared) -> None:
        indexer.write_chunks(
            self.conn,
            parsed.document,
            prepared.chunks,
            prepared.vectors,
            items=parsed.items,
            model=(self.embedder.name, self.embedder.dim),
        )

    def _unindex_rows(self, doc_id: str) -> None:
        indexer.delete_document_chunks(self.conn, doc_id)

    def _after_write(self) -> None:
        self.searcher.sync()

    def _search_status(self) -> dict[str, object]:
        return self.searcher.status()

    def search(
        self,
        query: str,
        *,
        scope: str = "all",
        kind: str = "",
        document: str = "",
        doc_type: str = "",
        country: str = "",
        year_from: int | None = None,
        year_to: int | None = None,
        organisation: str = "",
        addressee: str = "",
        theme: str = "",
        language: str = "",
        k: int = 10,
        offset: int = 0,
        mode: str = "hybrid",
        expand: bool = True,
    ) -> list[dict[str, Any]]:
        """Hits as dicts: id, scope, kind, text, snippet, document, document_id, pages,
        section, score (and item fields for item hits). Raises InvalidQuery on bad input."""
        scope = {"items": "item", "passages": "passage", "tables": "table"}.get(scope, scope)
        filters = SearchFilters(
            scope=scope,
            kind=kind,
            document=document,
            doc_type=doc_type,
            country=country,
            year_from=year_from,
            year_to=year_to,
            organisation=organisation,
            addressee=addressee,
            theme=theme,
            language=language,
        )
        hits = self.searcher.search(query, filters, k=k, mode=mode, offset=offset, expand=expand)
        return self._hit_dicts(hits)

    def similar(self, item_id: str, k: int = 10) -> list[dict[str, Any]]:
        """Items from other documents most similar to this one, as hit dicts with scores."""
        item = self.item(item_id)  # type: ignore[attr-defined]  # resolves prefixes, 404s
        return self._hit_dicts(self.searcher.similar(item.id, k))

    def themes(self) -> list[dict[str, Any]]:
        """Recurring themes: label, members (item ids), documents, years, kinds, cohesion."""
        return [asdict(t) for t in self.searcher.themes()]

    def reindex(self) -> int:
        """Rebuild every chunk's vector with the configured model; returns the chunk count."""
        with self._write_lock:  # type: ignore[attr-defined]
            return self.searcher.reindex(progress=True)

    def _hit_dicts(self, hits: list[Hit]) -> list[dict[str, Any]]:
        refs = [h.ref for h in hits if h.scope == "item" and h.ref]
        items: dict[str, sqlite3.Row] = {}
        if refs:
            marks = ",".join("?" * len(refs))
            items = {
                r["id"]: r
                for r in self._read_conn().execute(
                    f"SELECT id, addressee, priority, resources, timing, label FROM items"
                    f" WHERE id IN ({marks})",
                    refs,
                )
            }
        out = []
        for h in hits:
            d: dict[str, Any] = {
                "id": h.id,
                "scope": h.scope,
                "kind": h.kind,
                "text": h.text,
                "snippet": h.snippet,
                "document": h.file_name,
                "document_id": h.document_id,
                "pages": list(h.pages),
                "section": " > ".join(h.section),
                "section_path": list(h.section),
                "score": h.score,
                "label": h.label,
            }
            if h.scope == "item":
                d["item_id"] = h.ref
                row = items.get(h.ref)
                for field in ("addressee", "priority", "resources", "timing"):
                    d[field] = row[field] if row else ""
            elif h.scope == "table":
                d["table_id"] = h.ref
            out.append(d)
        return out
