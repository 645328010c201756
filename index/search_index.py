"""The search index: what a document's search units are, and the state shared by searchers.

One `SearchIndex` per process holds the embedder, the glossary, the FAISS cache and the
caches of recent searches (filter sets, whole results, query vectors; `index.lru`). It
prepares a document's chunks and vectors (slow: before the write transaction), writes and
removes them inside the caller's transaction, and refreshes the FAISS cache after the commit.
`searcher(conn)` gives a `Searcher` that reads through one connection.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from ingest.errors import InvalidQuery
from ingest.records import Document, Item

from . import indexer
from .chunks import CHUNKER_KEY, CHUNKER_VERSION, chunker_current, chunker_version
from .embeddings import Embedder
from .filter_sets import FilterSets
from .glossary import Glossary, default_glossary
from .hits import Hit
from .knobs import ChunkKnobs, SearchKnobs
from .lru import StampedLRU
from .search import Searcher
from .term_stats import TermStats
from .vectors import VectorCache

QUERY_VECTORS = 2048  # 2048 × 384 float32 = 3 MB for the default model
RESULTS_BUDGET = 64 << 20  # bytes of hit text the result cache may hold


def _hits_bytes(hits: tuple[Hit, ...]) -> int:
    """Rough memory of cached hits: their text dominates."""
    return sum(200 + 2 * (len(h.text) + len(h.snippet)) for h in hits)


class SearchIndex:
    """Chunking, embedding and the FAISS cache of the store under `home`."""

    def __init__(
        self,
        home: Path,
        embedder: Embedder | None,
        knobs: SearchKnobs | None = None,
        chunking: ChunkKnobs | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        self.home = Path(home)
        self.embedder = embedder
        self.knobs = knobs or SearchKnobs()
        self.chunking = chunking or ChunkKnobs()
        self._glossary = glossary
        self.filter_sets = FilterSets()  # what each recent filter allows (index.filter_sets)
        self.term_stats = TermStats()  # chunk counts of query terms (index.term_stats)
        # whole answers to recent searches, valid until the store changes (a user paging or
        # refining, many clients asking the same thing); hits are frozen, so shareable
        self.results: StampedLRU[tuple[Hit, ...]] = StampedLRU(
            self.knobs.result_cache, RESULTS_BUDGET, _hits_bytes, fixed=True
        )
        # query vectors by embedded text: the model never changes within a process
        self._query_vectors: StampedLRU[np.ndarray] = StampedLRU(QUERY_VECTORS)
        self._cache: VectorCache | None = None
        self._checked_generation = -1
        self._lock = threading.Lock()

    # -- writing (inside the caller's transaction) ----------------------------------------
    def prepare(
        self,
        doc: Document,
        items: Sequence[Item],
        metadata: Mapping[str, object] | None = None,
        progress: bool = False,
    ) -> indexer.Prepared:
        """Chunk a document and embed its units (slow: run it outside the transaction)."""
        if self.embedder is None:
            chunks = indexer.chunk_units(doc, items, metadata, self.chunking)
            return indexer.Prepared(tuple(chunks), None)
        return indexer.prepare(doc, items, self.embedder, metadata, progress, self.chunking)

    def write(
        self,
        conn: sqlite3.Connection,
        doc: Document,
        items: Sequence[Item],
        prepared: indexer.Prepared,
    ) -> int:
        """Replace a document's chunks, FTS rows and vectors; returns the chunk count."""
        model = (self.embedder.name, self.embedder.dim) if self.embedder else None
        if chunker_version(conn) is None and chunker_current(conn):  # the store's first chunks
            conn.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)", (CHUNKER_KEY, CHUNKER_VERSION)
            )
        return indexer.write_chunks(
            conn, doc, prepared.chunks, prepared.vectors, items=items, model=model
        )

    def rechunk(self, conn: sqlite3.Connection, force: bool = False) -> int:
        """Cut every stored document again when another chunker built the store (or `force`).

        One transaction per document; the store's chunker version is recorded at the end.
        Returns the number of documents re-chunked (0 when the store is current)."""
        from . import store
        from .rows import row_to_item

        if not force and chunker_current(conn):
            return 0
        ids = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]
        for doc_id in ids:
            doc = store.load_document(conn, doc_id)
            items = [
                row_to_item(r)
                for r in conn.execute(
                    "SELECT * FROM items WHERE document_id=? ORDER BY ord", (doc_id,)
                )
            ]
            prepared = self.prepare(doc, items)
            with store.transaction(conn):
                self.write(conn, doc, items, prepared)
        with store.transaction(conn):
            store.set_meta(conn, CHUNKER_KEY, CHUNKER_VERSION)
        self.refresh(conn)
        return len(ids)

    def remove(self, conn: sqlite3.Connection, document_id: str) -> int:
        """Delete a document's chunks (the FTS rows go by trigger)."""
        return indexer.delete_document_chunks(conn, document_id)

    def refresh(self, conn: sqlite3.Connection) -> None:
        """Bring the FAISS cache in step with the store (after each committed write)."""
        if self.embedder is not None:
            self.vectors(conn)

    # -- reading --------------------------------------------------------------------------
    def searcher(self, conn: sqlite3.Connection) -> Searcher:
        """A searcher reading through `conn` (one per request or command)."""
        return Searcher(conn, self)

    def glossary(self) -> Glossary:
        """The EN↔FR glossary (loaded on first use)."""
        if self._glossary is None:
            self._glossary = default_glossary()
        return self._glossary

    def vectors(self, conn: sqlite3.Connection) -> VectorCache:
        """The FAISS cache, in step with the store (raises IndexMismatch on a model change)."""
        if self.embedder is None:
            raise InvalidQuery("dense search needs an embedding model, none is configured")
        if self._cache is None:
            with self._lock:
                if self._cache is None:
                    indexer.check_model(conn, self.embedder.name, self.embedder.dim)
                    self._cache = self._new_cache()
        cache = self._cache
        if cache.generation != self._checked_generation:
            stored = indexer.stored_model(conn)
            if stored and stored != self.embedder.name:
                indexer.check_model(conn, self.embedder.name, self.embedder.dim)  # raises
        cache.sync(conn)
        self._checked_generation = cache.generation
        return cache

    def _new_cache(self) -> VectorCache:
        assert self.embedder is not None
        return VectorCache(
            self.home, self.embedder.name, self.embedder.dim, flat_limit=self.knobs.flat_limit
        )

    def embed_query(self, query: str, expand: bool = True) -> np.ndarray:
        """The query vector (with glossary translations appended when `expand`)."""
        if self.embedder is None:
            raise InvalidQuery("dense search needs an embedding model, none is configured")
        text = query
        if expand:
            extra = self.glossary().expand(query).words
            if extra:
                text = query + " (" + "; ".join(extra) + ")"
        found = self._query_vectors.get(text)
        if found is None:
            found = self.embedder.encode([text])[0]
            found.setflags(write=False)  # shared by every search with this text
            self._query_vectors.put(text, None, found)
        return found

    def reindex(self, conn: sqlite3.Connection, progress: bool = True, batch_size: int = 64) -> int:
        """Re-embed every chunk with the configured model and rebuild the FAISS file."""
        from .reindex import reembed

        if self.embedder is None:
            raise InvalidQuery("reindex needs an embedding model, none is configured")
        count = reembed(conn, self.embedder, progress=progress, batch_size=batch_size)
        with self._lock:
            self._cache = self._new_cache()
            self._cache.rebuild(conn)
            self._checked_generation = self._cache.generation
        return count

    def status(self) -> dict[str, object]:
        """The vector index's kind and size on disk, once it is loaded."""
        if self._cache is None or self._cache.index is None:
            return {}
        return {
            "vector_index": type(self._cache.index).__name__,
            "vector_index_bytes": self._cache.size_on_disk(),
        }
