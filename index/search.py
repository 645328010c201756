"""Hybrid search over the chunk store: lexical (FTS5 BM25), dense (FAISS) and their fusion.

Filters become one SQL WHERE clause applied before either ranking: the lexical query joins
on it, and the dense search either scores the (few) allowed vectors exactly or passes the
allowed ids to FAISS as a selector. Hybrid = reciprocal-rank fusion of both lists. English
queries reach French text through the EN↔FR glossary (`expand=True`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.errors import InvalidQuery, NotFound

from .embeddings import Embedder
from .filters import SearchFilters, where_clause
from .glossary import Glossary, default_glossary
from .indexer import MODEL_KEY, check_model
from .lexical import lexical_search, match_expression
from .snippets import snippet
from .textnorm import terms
from .themes import Theme
from .vectors import VectorCache

MODES = ("lexical", "dense", "hybrid")
EXACT_LIMIT = 4096  # filtered sets up to this size are scored exactly, without FAISS


@dataclass(frozen=True)
class Hit:
    """One search result with its provenance and a highlighted snippet."""

    id: str  # chunk id
    scope: str  # item | passage | table
    kind: str  # lesson | good_practice | recommendation | passage | table
    text: str
    snippet: str  # matched words wrapped in ** **
    document_id: str
    file_name: str
    pages: tuple[int, ...]
    section: tuple[str, ...]  # heading path
    score: float
    ref: str = ""  # item id (item hits) or table id (table hits)
    label: str = ""  # item label, e.g. "LA.1"
    matched: tuple[str, ...] = ()  # words of the text that matched the query


ConnSource = sqlite3.Connection | Callable[[], sqlite3.Connection]


class Searcher:
    """Search, similar items and themes over the store at `home` (FAISS cache beside it)."""

    def __init__(
        self,
        conn: ConnSource,
        home: Path,
        embedder: Embedder | None,
        *,
        glossary: Glossary | None = None,
        flat_limit: int = 50_000,
        fusion: str = "blend",
        lexical_weight: float = 0.8,
        rrf_k: int = 60,
        depth: int = 100,
    ) -> None:
        self._conn_source = conn
        self.home = Path(home)
        self.embedder = embedder
        self.glossary = glossary
        # Default fusion: a blend of min-max-normalised scores, 0.8 lexical / 0.2 dense. The
        # default English model is much weaker than BM25 on French text; equal-weight RRF lost
        # 0.13 nDCG@10 on PIAF against lexical alone (tuning grid in the report / bench).
        if fusion not in ("blend", "rrf"):
            raise ValueError(f"fusion must be 'blend' or 'rrf', not {fusion!r}")
        self.fusion, self.lexical_weight = fusion, lexical_weight
        self.rrf_k, self.depth = rrf_k, depth
        self._flat_limit = flat_limit
        self._cache: VectorCache | None = None
        self._checked_generation = -1
        self._lock = threading.Lock()

    # -- plumbing ------------------------------------------------------------------------
    @property
    def conn(self) -> sqlite3.Connection:
        """The connection to read from."""
        src = self._conn_source
        return src if isinstance(src, sqlite3.Connection) else src()

    def _glossary(self) -> Glossary:
        if self.glossary is None:
            self.glossary = default_glossary()
        return self.glossary

    def vectors(self) -> VectorCache:
        """The FAISS cache, in step with the store (raises IndexMismatch on a model change)."""
        if self.embedder is None:
            raise InvalidQuery("dense search needs an embedding model, none is configured")
        conn = self.conn
        if self._cache is None:
            with self._lock:
                if self._cache is None:
                    check_model(conn, self.embedder.name, self.embedder.dim)
                    self._cache = VectorCache(
                        self.home,
                        self.embedder.name,
                        self.embedder.dim,
                        flat_limit=self._flat_limit,
                    )
        cache = self._cache
        if cache.generation != self._checked_generation:
            row = conn.execute("SELECT value FROM meta WHERE key=?", (MODEL_KEY,)).fetchone()
            if row and row[0] != self.embedder.name:
                check_model(conn, self.embedder.name, self.embedder.dim)  # raises
        cache.sync(conn)
        self._checked_generation = cache.generation
        return cache

    def sync(self) -> None:
        """Bring the FAISS cache in step with the store (call after each committed write)."""
        if self.embedder is not None:
            self.vectors()

    def embed_query(self, query: str, expand: bool = True) -> np.ndarray:
        """The query vector (with glossary translations appended when `expand`)."""
        if self.embedder is None:
            raise InvalidQuery("dense search needs an embedding model, none is configured")
        text = query
        if expand:
            extra = self._glossary().expand(query).words
            if extra:
                text = query + " (" + "; ".join(extra) + ")"
        return self.embedder.encode([text])[0]

    # -- search --------------------------------------------------------------------------
    def search(
        self,
        query: str,
        filters: SearchFilters | None = None,
        k: int = 10,
        mode: str = "hybrid",
        offset: int = 0,
        expand: bool = True,
        query_vector: np.ndarray | None = None,
    ) -> list[Hit]:
        """Hits for a query, best first. Raises InvalidQuery for an empty query or bad filter."""
        filters = filters or SearchFilters()
        if not query or not query.strip():
            raise InvalidQuery("empty query")
        if mode not in MODES:
            raise InvalidQuery(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        if k < 1 or offset < 0:
            raise InvalidQuery("k must be at least 1 and offset at least 0")
        where, args = where_clause(filters)
        depth = max(self.depth, offset + k)
        expansion = self._glossary().expand(query) if expand else None
        phrases = expansion.phrases if expansion else ()
        lists: list[list[tuple[int, float]]] = []
        if mode in ("lexical", "hybrid"):
            match = match_expression(query, phrases, self.conn)
            lists.append(lexical_search(self.conn, match, where, args, depth) if match else [])
        if mode in ("dense", "hybrid"):
            qv = query_vector if query_vector is not None else self.embed_query(query, expand)
            lists.append(self._dense(qv, where, args, depth))
        ranked = lists[0] if len(lists) == 1 else self._fuse(lists)
        page = ranked[offset : offset + k]
        stems = set(terms(query)) | {t for p in phrases for t in p}
        return self._hits(page, stems)

    def _fuse(self, lists: Sequence[list[tuple[int, float]]]) -> list[tuple[int, float]]:
        """Fuse (lexical, dense) rankings: score blend (default) or weighted RRF."""
        weights = (self.lexical_weight, 1.0 - self.lexical_weight)
        scores: dict[int, float] = {}
        for ranking, weight in zip(lists, weights, strict=True):
            if self.fusion == "rrf":
                for rank, (num, _) in enumerate(ranking):
                    scores[num] = scores.get(num, 0.0) + weight / (self.rrf_k + rank + 1)
                continue
            if not ranking:
                continue
            # min-max within the list: BM25 and cosine live on different scales
            hi, lo = ranking[0][1], min(score for _, score in ranking)
            for num, score in ranking:
                norm = (score - lo) / (hi - lo) if hi > lo else 1.0
                scores[num] = scores.get(num, 0.0) + weight * norm
        return sorted(scores.items(), key=lambda x: -x[1])

    def _dense(
        self, qv: np.ndarray, where: str, args: Sequence[object], k: int, exclude_document: str = ""
    ) -> list[tuple[int, float]]:
        cache = self.vectors()
        if exclude_document:
            where = f"({where}) AND c.document_id != ?"
            args = [*args, exclude_document]
        if where == "1":
            return cache.search(qv, k)
        # The filter reads only the covering index (chunks_filters); vectors are fetched only
        # for a small allowed set, scored exactly; a large one goes to FAISS as a selector.
        allowed = np.fromiter(
            (r[0] for r in self.conn.execute(f"SELECT c.num FROM chunks c WHERE {where}", args)),
            dtype=np.int64,
        )
        if not len(allowed):
            return []
        if len(allowed) <= EXACT_LIMIT:
            rows = self.conn.execute(
                "SELECT num, vector FROM chunks WHERE num IN (SELECT value FROM json_each(?))"
                " AND vector IS NOT NULL",
                (json.dumps(allowed.tolist()),),
            ).fetchall()
            if not rows:
                return []
            mat = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
            scores = mat.reshape(len(rows), -1) @ qv.astype(np.float32)
            order = np.argsort(-scores)[:k]
            return [(int(rows[i][0]), float(scores[i])) for i in order]
        return cache.search(qv, k, allowed)

    def _hits(self, ranked: Sequence[tuple[int, float]], stems: set[str]) -> list[Hit]:
        if not ranked:
            return []
        nums = [n for n, _ in ranked]
        rows = {
            r["num"]: r
            for r in self.conn.execute(
                "SELECT num, id, scope, kind, text, document_id, file_name, pages, section_path,"
                " ref, label FROM chunks WHERE num IN (SELECT value FROM json_each(?))",
                (json.dumps(nums),),
            )
        }
        hits = []
        for num, score in ranked:
            r = rows.get(num)
            if r is None:  # deleted between ranking and fetching
                continue
            snip, matched = snippet(r["text"], stems)
            hits.append(
                Hit(
                    id=r["id"],
                    scope=r["scope"],
                    kind=r["kind"],
                    text=r["text"],
                    snippet=snip,
                    document_id=r["document_id"],
                    file_name=r["file_name"],
                    pages=tuple(json.loads(r["pages"])),
                    section=tuple(json.loads(r["section_path"])),
                    score=round(score, 6),
                    ref=r["ref"],
                    label=r["label"],
                    matched=matched,
                )
            )
        return hits

    # -- cross-referencing ---------------------------------------------------------------
    def similar(self, item_id: str, k: int = 10) -> list[Hit]:
        """Items from other documents most similar to this item (cosine scores)."""
        row = self.conn.execute(
            "SELECT vector, document_id, text FROM chunks WHERE scope='item' AND ref=?"
            " AND vector IS NOT NULL",
            (item_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no indexed item with id {item_id!r}")
        qv = np.frombuffer(row[0], dtype=np.float32)
        ranked = self._dense(qv, "c.scope = 'item'", [], k, exclude_document=row[1])
        return self._hits(ranked, set(terms(row[2])))

    def themes(self, **options: object) -> list[Theme]:
        """Recurring themes across the corpus (see `index.themes.find_themes`)."""
        from .themes import find_themes

        return find_themes(self.conn, **options)  # type: ignore[arg-type]

    # -- maintenance ---------------------------------------------------------------------
    def reindex(self, progress: bool = True, batch_size: int = 64) -> int:
        """Re-embed every chunk with the configured model and rebuild the FAISS file."""
        from .reindex import reembed

        if self.embedder is None:
            raise InvalidQuery("reindex needs an embedding model, none is configured")
        count = reembed(self.conn, self.embedder, progress=progress, batch_size=batch_size)
        self._cache = VectorCache(
            self.home, self.embedder.name, self.embedder.dim, flat_limit=self._flat_limit
        )
        self._cache.rebuild(self.conn)
        self._checked_generation = self._cache.generation
        return count

    def status(self) -> dict[str, object]:
        """Chunk counts and the vector index's model, kind and size."""
        conn = self.conn
        scopes = dict(conn.execute("SELECT scope, COUNT(*) FROM chunks GROUP BY scope"))
        model = conn.execute("SELECT value FROM meta WHERE key=?", (MODEL_KEY,)).fetchone()
        out: dict[str, object] = {"chunks": scopes, "embedding_model": model[0] if model else ""}
        if self._cache is not None and self._cache.index is not None:
            out["vector_index"] = type(self._cache.index).__name__
            out["vector_index_bytes"] = self._cache.size_on_disk()
        return out
