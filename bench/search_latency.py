"""Latency and size half of bench/search.py: corpus and a synthetic large collection."""

from __future__ import annotations

import hashlib
import random
import re
import tempfile
import time
from pathlib import Path

import numpy as np

from index import store
from index.indexer import write_chunks
from index.query import SearchFilters, SearchRequest
from index.search import Searcher
from index.search_index import SearchIndex
from ingest.records import Chunk, Document

LAT_MODES = ("lexical", "dense", "hybrid")


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _pct(times: list[float]) -> str:
    arr = np.array(times) * 1000
    return f"{np.percentile(arr, 50):7.1f}{np.percentile(arr, 95):7.1f}"


def timings(
    searcher: Searcher,
    queries: list[str],
    qvec: dict,
    title: str,
    filters: SearchFilters | None = None,
    repeat: int = 2,
) -> None:
    """Print p50/p95 (ms) per mode, with the query vector given and with embedding."""
    print(f"{title:<34}{'p50':>7}{'p95':>7}   (ms, {len(queries) * repeat} queries)")
    for mode in LAT_MODES:
        for with_embedding in (False, True):
            if mode == "lexical" and with_embedding:
                continue
            times = []
            for _ in range(repeat):
                for q in queries:
                    vec = None if with_embedding else qvec[(q, True)]
                    t = time.perf_counter()
                    searcher.search(
                        SearchRequest(q, filters or SearchFilters(), mode, 10), query_vector=vec
                    )
                    times.append(time.perf_counter() - t)
            label = f"  {mode}" + (" +embedding" if with_embedding else "")
            print(f"{label:<34}{_pct(times)}")


def sizes(searcher: Searcher) -> None:
    """Index size on disk (SQLite store incl. text, FTS and vector BLOBs; FAISS file)."""
    db = searcher.index.home / store.DB_NAME
    wal = db.with_name(db.name + "-wal")
    conn = searcher.conn
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    try:
        fts = conn.execute(
            "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'chunks_fts%'"
        ).fetchone()[0]
    except Exception:  # dbstat is an optional SQLite build option
        fts = None
    vec_bytes = conn.execute("SELECT SUM(LENGTH(vector)) FROM chunks").fetchone()[0] or 0
    total = db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    print(
        f"  disk: SQLite {total / 1e6:.1f} MB (FTS5 {fts / 1e6 if fts else float('nan'):.1f} MB,"
        f" vector BLOBs {vec_bytes / 1e6:.1f} MB); FAISS file "
        f"{searcher.index.vectors(searcher.conn).size_on_disk() / 1e6:.1f} MB"
    )


def latency_corpus(searcher: Searcher, queries: list[str], qvec: dict) -> None:
    """Latency and size on the corpus index."""
    n = searcher.conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    print(f"\n== Latency on the corpus ({n} chunks)")
    timings(searcher, queries, qvec, "unfiltered")
    timings(searcher, queries, qvec, "filter scope=item", SearchFilters(scope="item"))
    sizes(searcher)


def _synthetic_store(home: Path, source: Searcher, n: int, per_doc: int = 200) -> Searcher:
    conn = source.conn
    embedder = source.index.embedder
    assert embedder is not None
    texts = [r[0] for r in conn.execute("SELECT text FROM chunks")]
    sentences = [s for t in texts for s in re.split(r"(?<=[.;:!?])\s+|\n", t) if len(s) > 30]
    centres = np.frombuffer(
        b"".join(r[0] for r in conn.execute("SELECT vector FROM chunks WHERE vector IS NOT NULL")),
        dtype=np.float32,
    )
    centres = centres.reshape(-1, source.index.vectors(source.conn).dim)
    rng = np.random.default_rng(0)
    rand = random.Random(0)
    target = store.connect(home)
    countries = ["Mali", "Sénégal", "Niger", "Burkina Faso", "Guinée"]
    scopes = ["passage"] * 6 + ["table"] * 2 + ["item"] * 2
    kinds = ["recommendation", "lesson", "good_practice"]
    made = 0
    while made < n:
        d = made // per_doc
        doc = Document(
            id=hashlib.sha256(f"synthetic-{d}".encode()).hexdigest(),
            file_name=f"synthetic-{d:05d}.pdf",
            title=f"Synthetic {d}",
            language="fr",
            page_count=50,
            media_type="pdf",
        )
        count = min(per_doc, n - made)
        chunks = []
        for i in range(count):
            scope = rand.choice(scopes)
            body = " ".join(rand.sample(sentences, rand.randint(2, 6)))
            chunks.append(
                Chunk(
                    id=f"{doc.id[:16]}-s{i}",
                    scope=scope,
                    document_id=doc.id,
                    text=body,
                    pages=(rand.randint(1, 50),),
                    section_path=(f"Section {rand.randint(1, 9)}",),
                    kind=rand.choice(kinds) if scope == "item" else scope,
                )
            )
        base = centres[rng.integers(0, len(centres), count)]
        vecs = base + rng.normal(0, 0.03, base.shape).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        meta = {"type": "evaluation", "year": 2010 + d % 15, "countries": [countries[d % 5]]}
        with store.transaction(target):
            store.write_document(target, doc, doc.file_name, "")
            write_chunks(
                target,
                doc,
                chunks,
                vecs.astype(np.float32),
                metadata=meta,
                model=(embedder.name, embedder.dim),
            )
        made += count
    return SearchIndex(home, source.index.embedder).searcher(target)


def latency_synthetic(source: Searcher, queries: list[str], qvec: dict, n: int) -> None:
    """Build `n` synthetic chunks, then time searches on them."""
    home = Path(tempfile.mkdtemp(prefix="evalkb-synth-"))
    t = time.perf_counter()
    searcher = _synthetic_store(home, source, n)
    built = time.perf_counter() - t
    before = rss_mb()
    t = time.perf_counter()
    searcher.index.refresh(searcher.conn)
    trained = time.perf_counter() - t
    after = rss_mb()
    kind = type(searcher.index.vectors(searcher.conn).index).__name__
    print(
        f"\n== Latency on a synthetic collection of {n:,} chunks"
        f" (store built in {built:.0f}s, {kind} built in {trained:.1f}s)"
    )
    timings(searcher, queries, qvec, "unfiltered")
    timings(
        searcher,
        queries,
        qvec,
        "filter country=Mali, 2015-2018",
        SearchFilters(country="Mali", year_from=2015, year_to=2018),
    )
    timings(
        searcher,
        queries,
        qvec,
        "filter scope=item, kind=lesson",
        SearchFilters(scope="item", kind="lesson"),
    )
    sizes(searcher)
    print(f"  memory: vector index {after - before:.0f} MB resident (RSS delta on load)")
    searcher.index._cache = None  # reload from the saved file: measures the cache path
    t = time.perf_counter()
    searcher.index.refresh(searcher.conn)
    print(f"  reload of the FAISS file at start-up: {time.perf_counter() - t:.2f}s")
