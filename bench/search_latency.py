"""Latency and size half of bench/search.py: corpus and a synthetic large collection."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from tempdirs import scratch_dir  # bench/, beside this module

from index import store
from index.query import SearchFilters, SearchRequest
from index.search import Searcher
from index.search_index import SearchIndex

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


def _synthetic_store(home: Path, source: Searcher, n: int) -> Searcher:
    """`n` synthetic chunks re-sampled from the source store (`bench/filtered.py` makes them)."""
    from filtered import build

    embedder = source.index.embedder
    assert embedder is not None
    build(home, source.index.home, n, (embedder.name, embedder.dim))
    return SearchIndex(home, embedder).searcher(store.connect(home))


def latency_synthetic(source: Searcher, queries: list[str], qvec: dict, n: int) -> None:
    """Build `n` synthetic chunks, then time searches on them."""
    home = scratch_dir("evalkb-synth-")
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
