"""Hybrid search on PostgreSQL: BM25 over the token tsvector, pgvector for dense, and the
default backend's fusion, reranking, collapse and hit assembly (`index.search.Searcher`).

`PgSearcher` subclasses the SQLite `Searcher` and replaces only what reads the store: the
document filter, the lexical and dense lists, the stored vectors of given chunks (pgvector's
text form, parsed to float32), and the rows the second stage reads (copied into a per-query
`Scratch`). Filters are the same `index.filters.where_clause`, translated. Similar items,
themes, recurring recommendations and uptake are the default searcher's code on these.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ingest.errors import IndexMismatch, InvalidQuery

from ..chunks import CHUNKER_VERSION
from ..filters import where_clause
from ..fusion import fuse
from ..hit_rows import assemble_hits
from ..hits import Hit
from ..indexer import DIM_KEY, MODEL_KEY
from ..lexical import match_expression
from ..query import SearchFilters, SearchRequest
from ..rerank import collapse, rerank
from ..search import Searcher
from ..search_index import CHUNKER_KEY, SearchIndex
from ..stored_vectors import no_vectors
from ..textnorm import terms
from . import rows
from .db import Connection, get_meta, pg_sql
from .lexical import bm25_search
from .scratch import Scratch, document_frequencies

EF_SEARCH = 1000  # the widest HNSW candidate list (pgvector's maximum)


def _vector(qv: np.ndarray) -> str:
    return "[" + ",".join(repr(float(x)) for x in np.asarray(qv, dtype=np.float32)) + "]"


def parse_vectors(texts: Sequence[str]) -> np.ndarray:
    """pgvector's text form (`[0.1,-0.2,…]`, one per row) as float32 rows. pgvector prints
    the shortest decimal that reads back as the same float32, so the values are exactly the
    stored ones (and the SQLite BLOB's, for the same embedding)."""
    flat = np.fromstring(",".join(t[1:-1] for t in texts), dtype=np.float32, sep=",")
    return flat.reshape(len(texts), -1)


def model_mismatch(conn: Connection, name: str, dim: int) -> str:
    """Why the stored vectors cannot answer queries of model `name` ('' when they can)."""
    found = {
        r["key"]: r["value"]
        for r in conn.execute(
            "SELECT key, value FROM meta WHERE key IN (%s, %s)", (MODEL_KEY, DIM_KEY)
        )
    }
    stored, stored_dim = found.get(MODEL_KEY), found.get(DIM_KEY)
    if not stored or (stored == name and int(stored_dim or dim) == dim):
        return ""
    if conn.execute("SELECT 1 FROM chunks WHERE embedding IS NOT NULL LIMIT 1").fetchone() is None:
        return ""
    return (
        f"the index was built with embedding model {stored!r} (dim {stored_dim}) "
        f"but {name!r} (dim {dim}) is configured; run `evalkb reindex` to rebuild it"
    )


class PgSearcher(Searcher):
    """Search and similar items through one Postgres connection."""

    def __init__(self, conn: Connection, index: SearchIndex) -> None:
        super().__init__(conn, index)  # type: ignore[arg-type]
        self.pg = conn
        self.search_index = index

    def search(self, request: SearchRequest, query_vector: np.ndarray | None = None) -> list[Hit]:
        """Hits for a request, best first (the default searcher's steps, on Postgres)."""
        query, filters, k, offset = request.query, request.filters, request.k, request.offset
        document_ids = self._documents(filters)
        if document_ids is None:
            return []
        where, args = where_clause(filters, document_ids=document_ids)
        knobs = self.index.knobs
        depth = max(knobs.depth, offset + k)
        expansion = self.index.glossary().expand(query) if request.expand else None
        phrases = expansion.phrases if expansion else ()
        stems = set(terms(query)) | {t for p in phrases for t in p}
        scratch = self._scratch(stems)
        try:
            lists: list[list[tuple[int, float]]] = []
            if request.mode in ("lexical", "hybrid"):
                match = match_expression(query, phrases, scratch.conn)
                lists.append(self._bm25(match, where, args, depth))
            if request.mode in ("dense", "hybrid"):
                qv = query_vector
                if qv is None:
                    qv = self.index.embed_query(query, request.expand)
                lists.append(self._dense(qv, where, args, depth))
            ranked = lists[0] if len(lists) == 1 else fuse(lists, knobs)
            scratch.load(self.pg, [n for n, _ in ranked])
            if knobs.rerank_depth:
                ranked = rerank(scratch.conn, ranked, query, stems, knobs, expansion=expansion)
            folded: dict[int, list[int]] = {}
            if knobs.collapse:
                ranked, folded = collapse(scratch.conn, ranked, offset + k, knobs.collapse_overlap)
            return assemble_hits(scratch.conn, ranked[offset : offset + k], stems, folded)
        finally:
            scratch.close()

    def _scratch(self, words: set[str]) -> Scratch:
        row = self.pg.execute("SELECT COALESCE(MAX(num), 0) AS m FROM chunks").fetchone()
        return Scratch(int(row["m"]) if row else 0, document_frequencies(self.pg, words))

    def _documents(self, filters: SearchFilters) -> list[str] | None:
        """Ids the document filter names ([] = no filter; None = names no document)."""
        if not filters.document.strip():
            return []
        found = rows.find_documents(self.pg, filters.document)
        if len(found) > 1:
            names = ", ".join(d.file_name for d in found[:5])
            raise InvalidQuery(
                f"document {filters.document.strip()!r} is ambiguous: it matches "
                f"{len(found)} documents ({names})"
            )
        return [found[0].id] if found else None

    def _lexical(
        self,
        query: str,
        phrases: Sequence[Sequence[str]],
        where: str,
        args: Sequence[object],
        depth: int,
    ) -> list[tuple[int, float]]:
        """(num, BM25) best first within `where` (SQLite SQL, translated), the query pruned
        as on SQLite (its words' document frequencies in a scratch copy)."""
        scratch = self._scratch(set(terms(query)) | {t for p in phrases for t in p})
        try:
            match = match_expression(query, phrases, scratch.conn)
        finally:
            scratch.close()
        return self._bm25(match, where, args, depth)

    def _bm25(
        self, match: str | None, where: str, args: Sequence[object], depth: int
    ) -> list[tuple[int, float]]:
        """BM25 hits of an FTS5 match string within `where` (SQLite SQL, translated here)."""
        if not match:
            return []
        pool = self.index.knobs.pg_lexical_pool
        return bm25_search(self.pg, match, f"({pg_sql(where)})", args, depth, pool)

    def _dense(
        self, qv: np.ndarray, where: str, args: Sequence[object], k: int, exclude_document: str = ""
    ) -> list[tuple[int, float]]:
        """(num, cosine) best first within `where` (SQLite SQL, as `where_clause` gives it,
        translated here): exact below the knobs' limits (as FAISS flat and the SQLite exact
        path are), else through the HNSW index."""
        embedder = self.search_index.embedder
        if embedder is None:
            raise InvalidQuery("dense search needs an embedding model, none is configured")
        mismatch = model_mismatch(self.pg, embedder.name, embedder.dim)
        if mismatch:
            raise IndexMismatch(mismatch)
        if exclude_document:
            where = f"({where}) AND c.document_id != ?"
            args = [*args, exclude_document]
        where = pg_sql(where)
        knobs = self.index.knobs
        row = self.pg.execute(
            "SELECT GREATEST(reltuples::bigint, 0) AS n FROM pg_class WHERE relname = 'chunks'"
        ).fetchone()
        total = int(row["n"]) if row else 0  # the planner's estimate: 0 before ANALYZE
        if where == "TRUE":
            allowed, exact = total, total <= knobs.pg_hnsw_above
        else:
            row = self.pg.execute(
                f"SELECT COUNT(*) AS n FROM chunks c WHERE {where}", args
            ).fetchone()
            allowed = int(row["n"]) if row else 0
            exact = allowed <= knobs.exact_limit
        vec = _vector(qv)
        # Exact: `+ 0` keeps the planner off the HNSW index; equal scores go newest chunk
        # first, as FAISS' flat index gives them. Approximate: the ORDER BY must be the bare
        # distance, or Postgres sorts every row instead of walking the graph (ties are
        # ordered the same way below).
        order = (
            "(c.embedding <#> %s::vector) + 0, c.num DESC"
            if exact
            else "c.embedding <#> %s::vector"
        )
        if not exact:
            # pgvector 0.6 filters after the graph scan: widen it by the filter's selectivity
            share = min(1.0, allowed / total) if total else 1.0
            ef = min(EF_SEARCH, max(k, math.ceil(2 * k / max(share, 1e-3))))
            self.pg.execute(f"SET hnsw.ef_search = {ef}")
        found = self.pg.execute(
            "SELECT c.num, -(c.embedding <#> %s::vector) AS s FROM chunks c"
            f" WHERE c.embedding IS NOT NULL AND {where} ORDER BY {order} LIMIT %s",
            (vec, *args, vec, min(k, 1000)),
        ).fetchall()
        hits = [(int(r["num"]), float(r["s"])) for r in found]
        return hits if exact else sorted(hits, key=lambda h: (-h[1], -h[0]))

    def stored_vectors(self, nums: Sequence[int]) -> tuple[list[int], np.ndarray]:
        """The stored vectors of these chunks (`index.stored_vectors.VectorLookup`)."""
        if not nums:
            return no_vectors()
        found = self.pg.execute(
            "SELECT num, embedding::text AS v FROM chunks"
            " WHERE num = ANY(%s) AND embedding IS NOT NULL ORDER BY num",
            ([int(n) for n in nums],),
        ).fetchall()
        if not found:
            return no_vectors()
        return [int(r["num"]) for r in found], parse_vectors([r["v"] for r in found])

    def _plain_hits(
        self, ranked: Sequence[tuple[int, float]], stems: set[str], fold: bool = False
    ) -> list[Hit]:
        """The default searcher's hits, on a scratch copy of the ranked chunks."""
        scratch = Scratch(0, {})
        try:
            scratch.load(self.pg, [n for n, _ in ranked])
            return Searcher(scratch.conn, self.index)._plain_hits(ranked, stems, fold)
        finally:
            scratch.close()

    def status(self) -> dict[str, object]:
        """Chunk counts, the embedding model, whether this chunker built the store."""
        scopes = {
            r["scope"]: r["n"]
            for r in self.pg.execute("SELECT scope, COUNT(*) AS n FROM chunks GROUP BY scope")
        }
        version = get_meta(self.pg, CHUNKER_KEY)
        return {
            "chunks": scopes,
            "embedding_model": get_meta(self.pg, MODEL_KEY) or "",
            "chunker_current": version == CHUNKER_VERSION if version else not scopes,
            "backend": "postgresql",
            **self.index.status(),
        }
