"""Hybrid search over the chunk store: lexical (FTS5 BM25), dense (FAISS) and their fusion.

A `Searcher` reads through one connection and shares the embedder, glossary and FAISS cache
of its `SearchIndex`. Filters become one SQL WHERE clause applied before either ranking: the
lexical query joins on it, and the dense search either scores the (few) allowed vectors
exactly or passes the allowed ids to FAISS as a selector. Hybrid = a fusion of both lists
(score blend by default, or RRF; see `SearchKnobs`). English queries reach French text
through the EN↔FR glossary (`expand`). Hits come back complete: provenance, snippet and,
for items, the item's fields, joined in the same query (`index.hit_rows`).
A request asked again with the store unchanged is answered from the index's result cache.
The cross-document reads (similar items, themes, recurring, uptake) take stored vectors from
`stored_vectors` and `item_unit` only, so `PgSearcher` overriding the lookup serves them too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import partial
from typing import Protocol

import numpy as np

from ingest.errors import InvalidQuery

from . import dbapi, store
from .chunks import chunker_current
from .filter_sets import FilterSets
from .filters import where_clause
from .fusion import fuse
from .glossary import Glossary
from .hit_rows import assemble_hits
from .hits import Hit
from .indexer import stored_model
from .knobs import SearchKnobs
from .lexical import lexical_search, lexical_within, match_expression
from .lru import StampedLRU, generations
from .post_filter import allowed_share, first_allowed, probe_depth
from .query import SearchFilters, SearchRequest
from .rerank import Texts, collapse, rerank
from .stored_vectors import ItemUnit, blob_vectors, item_unit
from .term_stats import TermStats
from .textnorm import terms
from .themes import Theme, find_themes
from .vectors import VectorCache


class SharedIndex(Protocol):
    """What a Searcher needs of the process's search index (`SearchIndex` provides it)."""

    @property
    def knobs(self) -> SearchKnobs: ...

    @property
    def filter_sets(self) -> FilterSets: ...

    @property
    def term_stats(self) -> TermStats: ...

    @property
    def results(self) -> StampedLRU[tuple[Hit, ...]]: ...

    def glossary(self) -> Glossary: ...

    def vectors(self, conn: sqlite3.Connection) -> VectorCache: ...

    def embed_query(self, query: str, expand: bool = True) -> np.ndarray: ...

    def status(self) -> dict[str, object]: ...


class Searcher:
    """Search, similar items and themes through one connection."""

    def __init__(self, conn: sqlite3.Connection, index: SharedIndex) -> None:
        self.conn = conn
        self.index = index
        # the last filter share guessed: a hybrid search asks for it twice (both lists)
        self._share: tuple[tuple[object, ...], float] | None = None

    @property
    def shared(self) -> dbapi.Conn:
        """This searcher's connection as the store modules of both backends take it."""
        return dbapi.shared(self.conn)

    def _rejections(self) -> bool:
        """Whether any item was ever rejected by a reviewer (else no review condition)."""
        try:
            found = self.conn.execute(
                "SELECT 1 FROM item_reviews WHERE verdict = 'rejected' LIMIT 1"
            ).fetchone()
        except sqlite3.OperationalError:  # a store older than the review migration
            return False
        return found is not None

    # -- search --------------------------------------------------------------------------
    def search(self, request: SearchRequest, query_vector: np.ndarray | None = None) -> list[Hit]:
        """Hits for a request, best first. Raises InvalidQuery for an empty query or bad filter.

        The same request answered earlier, with the store unchanged since (same chunk and
        review generations), comes from the index's result cache. `query_vector` skips
        embedding the query (benchmarks embed their queries in batches) and the cache.
        """
        if query_vector is not None:
            return self._search(request, query_vector)
        # read before searching: a write landing in between stamps the new hits as older,
        # so the next lookup misses; hits are never older than their stamp
        stamp = generations(self.conn)
        if None in stamp:  # a store without the counters: nothing would say it changed
            return self._search(request, None)
        found = self.index.results.get(request, stamp)
        if found is None:
            found = tuple(self._search(request, None))
            self.index.results.put(request, stamp, found)
        return list(found)

    def _search(self, request: SearchRequest, query_vector: np.ndarray | None) -> list[Hit]:
        query, filters, k, offset = request.query, request.filters, request.k, request.offset
        document_ids = self._documents(filters)
        if document_ids is None:
            return []
        where, args = where_clause(
            filters,
            document_ids=document_ids,
            rejections=self._rejections(),
            documents="chunk_documents",
        )
        knobs = self.index.knobs
        depth = max(knobs.depth, offset + k)
        expansion = self.index.glossary().expand(query) if request.expand else None
        phrases = expansion.phrases if expansion else ()
        lists: list[list[tuple[int, float]]] = []
        if request.mode in ("lexical", "hybrid"):
            lists.append(self._lexical(query, phrases, where, args, depth))
        if request.mode in ("dense", "hybrid"):
            qv = query_vector
            if qv is None:
                qv = self.index.embed_query(query, request.expand)
            lists.append(self._dense(qv, where, args, depth))
        ranked = lists[0] if len(lists) == 1 else fuse(lists, knobs)
        stems = set(terms(query)) | {t for p in phrases for t in p}
        texts: Texts = {}
        if knobs.rerank_depth:
            stats = self.index.term_stats
            ranked = rerank(self.conn, ranked, query, stems, knobs, texts, stats, expansion)
        folded: dict[int, list[int]] = {}
        if knobs.collapse:
            overlap = knobs.collapse_overlap
            ranked, folded = collapse(self.conn, ranked, offset + k, overlap, texts)
        return assemble_hits(self.conn, ranked[offset : offset + k], stems, folded)

    def _documents(self, filters: SearchFilters) -> list[str] | None:
        """Ids the document filter names ([] = no filter; None = names no document)."""
        if not filters.document.strip():
            return []
        found = store.find_documents(self.conn, filters.document)
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
        """(num, -BM25) best first for a query and its glossary phrases, within `where`."""
        match = match_expression(query, phrases, self.conn, self.index.term_stats)
        if not match:
            return []
        if where != "1":
            deeper = self._post_filter_depth(where, args, depth)
            if deeper:
                unfiltered = partial(lexical_search, self.conn, match, "1", ())
                found = first_allowed(self.conn, unfiltered, where, args, depth, deeper)
                if found is not None:
                    return found
            allowed = self.index.filter_sets.allowed(self.conn, where, args)
            if not len(allowed.nums):  # as in _dense: no BM25 join for a filter keeping nothing
                return []
            found = lexical_within(self.conn, match, allowed.nums, depth)
            if found is not None:
                return found
        return lexical_search(self.conn, match, where, args, depth)

    def _post_filter_depth(self, where: str, args: Sequence[object], need: int) -> int:
        """How deep to read the unfiltered ranking and test the filter on its rows (0 = the
        filter's set is cached, keeps too small a share, or post-filtering is off):
        `index.post_filter`."""
        factor = self.index.knobs.post_filter
        if not factor:
            return 0
        stamp = generations(self.conn)
        if self.index.filter_sets.cached(where, args, stamp) is not None:
            return 0
        key = (where, tuple(args), stamp)
        if self._share is None or self._share[0] != key:
            self._share = (key, allowed_share(self.conn, where, args))
        return probe_depth(self._share[1], need, factor * need)

    def _dense(
        self, qv: np.ndarray, where: str, args: Sequence[object], k: int, exclude_document: str = ""
    ) -> list[tuple[int, float]]:
        cache = self.index.vectors(self.conn)
        if exclude_document:
            where = f"({where}) AND c.document_id != ?"
            args = [*args, exclude_document]
        if where == "1":
            return cache.search(qv, k)
        deeper = self._post_filter_depth(where, args, k)
        if deeper:
            found = first_allowed(self.conn, partial(cache.search, qv), where, args, k, deeper)
            if found is not None:
                return found
        # The allowed chunks come from the filter index (cached per filter until the store
        # changes); a small set is scored exactly from its stored vectors, a large one goes
        # to FAISS as a selector.
        allowed = self.index.filter_sets.allowed(self.conn, where, args)
        if not len(allowed.nums):
            return []
        if len(allowed.nums) <= self.index.knobs.exact_limit:
            if cache.partitioned:
                # exact too, and no vectors to read out of SQLite (15-20 ms for 3,000 of
                # them, far more from a cold disk): the bitmap skips every other id
                return cache.search(qv, k, allowed, every_list=True)
            if allowed.vectors is None:  # read once per filter set, kept with it
                allowed.vectors = self.stored_vectors(allowed.nums.tolist())
            nums, mat = allowed.vectors
            if not nums:
                return []
            scores = mat @ qv.astype(np.float32)
            order = np.argsort(-scores)[:k]
            return [(nums[i], float(scores[i])) for i in order]
        return cache.search(qv, k, allowed)

    def stored_vectors(self, nums: Sequence[int]) -> tuple[list[int], np.ndarray]:
        """The stored vectors of these chunks (`index.stored_vectors.VectorLookup`)."""
        return blob_vectors(self.conn, nums)

    def item_unit(self, item_id: str) -> ItemUnit:
        """An item's search unit and stored vector (NotFound when it has none)."""
        return item_unit(self.shared, self.stored_vectors, item_id)

    def _plain_hits(
        self, ranked: Sequence[tuple[int, float]], stems: set[str], fold: bool = False
    ) -> list[Hit]:
        """Hits for a ranking as it is (no rerank); `fold`: near-duplicates collapsed first,
        when the knobs say so."""
        folded: dict[int, list[int]] = {}
        if fold and self.index.knobs.collapse:
            overlap = self.index.knobs.collapse_overlap
            ranked, folded = collapse(self.conn, ranked, len(ranked), overlap)
        return assemble_hits(self.conn, ranked, stems, folded)

    # -- cross-referencing ---------------------------------------------------------------
    def similar(self, item_id: str, k: int = 10) -> list[Hit]:
        """Items from other documents most similar to this item (cosine scores)."""
        unit = self.item_unit(item_id)
        ranked = self._dense(unit.vector, "c.scope = 'item'", [], k, unit.document_id)
        return self._plain_hits(ranked, set(terms(unit.text)))

    def themes(
        self, *, distance: float = 0.5, min_documents: int = 2, min_size: int = 2
    ) -> list[Theme]:
        """Recurring themes across the corpus (see `index.themes.find_themes`)."""
        return find_themes(
            self.shared,
            self.stored_vectors,
            distance=distance,
            min_documents=min_documents,
            min_size=min_size,
        )

    def status(self) -> dict[str, object]:
        """Chunk counts and the vector index's model, kind and size."""
        scopes = dict(self.conn.execute("SELECT scope, COUNT(*) FROM chunks GROUP BY scope"))
        out: dict[str, object] = {"chunks": scopes, "embedding_model": stored_model(self.conn)}
        out["chunker_current"] = chunker_current(self.conn)
        return {**out, **self.index.status()}
