"""Filtered hybrid search on a large SQLite store: p50/p95 for every filter the API offers.

Run: .venv/bin/python bench/filtered.py [--source data] [--chunks 200000] [--store DIR] [--parity]

The chunks of an existing store (`--source`, e.g. the `make run` store of corpus/, built with
the default model) are re-sampled into `--chunks` synthetic rows (sentences of the real
chunks, vector = a real vector + noise, 200 chunks per document) with the metadata the
filters read: years 2010-2024, five countries, two organisations, three document types, two
languages, and for item chunks a kind, an addressee and a theme. A reviewer's verdict is
recorded on some items (`REVIEWED`: verified, corrected, rejected), so the review filters
have rows to find and every search carries the default "no rejected items" condition, as
in a store where reviewers work. The store is kept in `--store` (default
/tmp/evalkb-filtered-<chunks>) and reused by later runs; one built before the reviews
existed gets them on its next run.

The 45 dev queries are embedded once; each filter is timed in hybrid mode with the query
vector given (the embedding, timed separately, is the same for every filter), twice over:
as they come (the filter's chunk set is cached after its first query, `index.filter_sets`),
and cold (the cache emptied before every search).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.service import default_embedder  # noqa: E402
from api.settings import Settings  # noqa: E402
from index import store  # noqa: E402
from index.indexer import write_chunks  # noqa: E402
from index.query import SearchFilters, SearchRequest  # noqa: E402
from index.search import Searcher  # noqa: E402
from index.search_index import SearchIndex  # noqa: E402
from ingest.records import Chunk, Document, Item, Tag  # noqa: E402

PER_DOCUMENT = 200
COUNTRIES = ("Mali", "Sénégal", "Niger", "Burkina Faso", "Guinée")
ORGANISATIONS = ("OIM", "BIT")
TYPES = ("evaluation", "brief", "audit")
ADDRESSEES = ("OIM", "Gouvernement", "Bailleurs de fonds", "ONG partenaires", "Ministère")
THEMES = ("migration", "justice", "gender", "employment", "health")
KINDS = ("recommendation", "lesson", "good_practice")
SCOPES = ("passage",) * 6 + ("table",) * 2 + ("item",) * 2

FILTERS = {
    "none": SearchFilters(),
    "country": SearchFilters(country="Mali"),
    "years": SearchFilters(year_from=2015, year_to=2018),
    "country+years": SearchFilters(country="Mali", year_from=2015, year_to=2018),
    "scope=item": SearchFilters(scope="item"),
    "kind=lesson": SearchFilters(kind="lesson"),
    "document": SearchFilters(document="synthetic-00042.pdf"),
    "type=audit": SearchFilters(doc_type="audit"),
    "organisation": SearchFilters(organisation="BIT"),
    "addressee": SearchFilters(addressee="gouvernement"),
    "theme": SearchFilters(theme="justice"),
    "language=en": SearchFilters(language="en"),
    "review=verified": SearchFilters(review="verified"),
    "review=unreviewed": SearchFilters(review="unreviewed"),
    "review=rejected": SearchFilters(review="rejected"),
}
# share of the item chunks given each verdict (the rest stay unreviewed)
REVIEWED = {"verified": 0.10, "corrected": 0.02, "rejected": 0.02}


def source_rows(home: Path) -> tuple[list[str], np.ndarray]:
    """Sentences and vectors of an existing store's chunks."""
    conn = store.connect(home)
    texts = [r[0] for r in conn.execute("SELECT text FROM chunks")]
    sentences = [s for t in texts for s in re.split(r"(?<=[.;:!?])\s+|\n", t) if len(s) > 30]
    blobs = [r[0] for r in conn.execute("SELECT vector FROM chunks WHERE vector IS NOT NULL")]
    vectors = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1)
    conn.close()
    return sentences, vectors


def build(home: Path, source: Path, n: int, model: tuple[str, int]) -> None:
    """Write `n` synthetic chunks (and their documents and items) into a store at `home`."""
    sentences, centres = source_rows(source)
    rng = np.random.default_rng(0)
    rand = random.Random(0)
    conn = store.connect(home)
    made = 0
    while made < n:
        d = made // PER_DOCUMENT
        doc = Document(
            id=hashlib.sha256(f"synthetic-{d}".encode()).hexdigest(),
            file_name=f"synthetic-{d:05d}.pdf",
            title=f"Synthetic {d}",
            language="en" if d % 4 == 0 else "fr",
            page_count=50,
            media_type="pdf",
        )
        count = min(PER_DOCUMENT, n - made)
        chunks, items = [], []
        for i in range(count):
            scope = rand.choice(SCOPES)
            text = " ".join(rand.sample(sentences, rand.randint(2, 6)))
            ref = ""
            kind = scope
            if scope == "item":
                kind = rand.choice(KINDS)
                ref = f"{doc.id[:12]}{i:04d}"
                items.append(
                    Item(
                        id=ref,
                        document_id=doc.id,
                        kind=kind,
                        text=text,
                        pages=(1,),
                        section_path=("Recommandations",),
                        addressee=rand.choice(ADDRESSEES) if kind == "recommendation" else "",
                        tags=(Tag("theme", rand.choice(THEMES), "synthetic"),),
                    )
                )
            chunks.append(
                Chunk(
                    id=f"{doc.id[:16]}-s{i}",
                    scope=scope,
                    document_id=doc.id,
                    text=text,
                    pages=(rand.randint(1, 50),),
                    section_path=(f"Section {rand.randint(1, 9)}",),
                    kind=kind,
                    ref=ref,
                )
            )
        base = centres[rng.integers(0, len(centres), count)]
        vectors = base + rng.normal(0, 0.03, base.shape).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        meta = {
            "type": TYPES[d % 3],
            "year": 2010 + d % 15,
            "countries": [COUNTRIES[d % 5]],
            "organisations": [ORGANISATIONS[d % 2]],
        }
        with store.transaction(conn):
            store.write_document(conn, doc, doc.file_name, "")
            store.write_items(conn, doc.id, items)
            vecs = vectors.astype(np.float32)
            write_chunks(conn, doc, chunks, vecs, items=items, metadata=meta, model=model)
        made += count
    conn.close()


def add_reviews(home: Path) -> int:
    """Record verdicts on a share of the items (`REVIEWED`), unless some are there already;
    returns how many were written."""
    conn = store.connect(home)
    try:
        if conn.execute("SELECT 1 FROM item_reviews LIMIT 1").fetchone():
            return 0
        ids = [r[0] for r in conn.execute("SELECT id FROM items ORDER BY id")]
        rand = random.Random(1)
        rows = []
        for item_id in ids:
            draw = rand.random()
            for verdict, share in REVIEWED.items():
                if draw < share:
                    rows.append((item_id, verdict, "2026-01-01T00:00:00Z", "bench"))
                    break
                draw -= share
        with store.transaction(conn):
            conn.executemany(
                "INSERT INTO item_reviews (item_id, verdict, updated_at, updated_by)"
                " VALUES (?, ?, ?, ?)",
                rows,
            )
        return len(rows)
    finally:
        conn.close()


def measure(
    searcher: Searcher, queries: list[str], vectors: np.ndarray, f: SearchFilters, cold: bool
) -> list[float]:
    """Milliseconds of hybrid searches with the filter, twice over the queries; `cold`
    forgets the cached filter sets before each search (a filter never seen before)."""
    times = []
    for _ in range(2):
        for query, qv in zip(queries, vectors, strict=True):
            sets = getattr(searcher.index, "filter_sets", None)  # absent before the cache
            if cold and sets is not None:
                sets.clear()
            t = time.perf_counter()
            searcher.search(SearchRequest(query, f, mode="hybrid"), qv)
            times.append(1000 * (time.perf_counter() - t))
    return sorted(times)


def post_filter_parity(searcher: Searcher, queries: list[str], vectors: np.ndarray) -> None:
    """Hits of every filter, query and mode through the filter's set (post_filter=0) and as
    searched by default (the unfiltered ranking tested first, `index.post_filter`): they
    must be the same lists."""
    index = searcher.index
    default = index.knobs
    same = total = 0
    for f in FILTERS.values():
        for mode in ("lexical", "dense", "hybrid"):
            for query, qv in zip(queries, vectors, strict=True):
                found = []
                for knobs in (default.model_copy(update={"post_filter": 0}), default):
                    index.knobs = knobs
                    index.filter_sets.clear()
                    request = SearchRequest(query, f, mode=mode)  # type: ignore[arg-type]
                    found.append([(h.id, round(h.score, 4)) for h in searcher.search(request, qv)])
                same += found[0] == found[1]
                total += 1
    index.knobs = default
    print(f"post-filter parity: {same}/{total} hit lists identical to the filter-set path")


def p50_p95(times: list[float]) -> str:
    return f"{statistics.median(times):8.1f}{times[int(0.95 * len(times))]:8.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=ROOT / "data")
    ap.add_argument("--chunks", type=int, default=200_000)
    ap.add_argument("--store", type=Path)
    ap.add_argument(
        "--parity", action="store_true", help="also compare post-filtered hits with the set path"
    )
    args = ap.parse_args()
    home = args.store or Path(f"/tmp/evalkb-filtered-{args.chunks}")
    embedder = default_embedder(Settings())
    if not (home / store.DB_NAME).exists():
        t = time.perf_counter()
        home.mkdir(parents=True, exist_ok=True)
        build(home, args.source, args.chunks, (embedder.name, embedder.dim))
        print(f"built {args.chunks:,} chunks in {time.perf_counter() - t:.0f} s ({home})")
    reviewed = add_reviews(home)
    if reviewed:
        print(f"recorded {reviewed:,} review verdicts")
    index = SearchIndex(home, embedder)
    searcher = index.searcher(store.connect(home))
    t = time.perf_counter()
    index.refresh(searcher.conn)
    print(f"vector index ready in {time.perf_counter() - t:.1f} s")
    gold = json.loads((ROOT / "tests" / "gold" / "queries.json").read_text())["queries"]
    queries = [q["query"] for q in gold]
    t = time.perf_counter()
    vectors = np.stack([index.embed_query(q) for q in queries])
    embed_ms = 1000 * (time.perf_counter() - t) / len(queries)
    print(f"query embedding: {embed_ms:.1f} ms mean (not in the figures below)")
    if args.parity:
        post_filter_parity(searcher, queries, vectors)
    header = f"{'filter':<16}{'p50':>8}{'p95':>8}{'cold p50':>10}{'p95':>8}{'hits':>8}"
    print(f"{header}   (ms, hybrid, {2 * len(queries)} queries)")
    for name, f in FILTERS.items():
        warm = measure(searcher, queries, vectors, f, cold=False)
        cold = measure(searcher, queries, vectors, f, cold=True)
        hits = len(searcher.search(SearchRequest(queries[0], f, mode="hybrid"), vectors[0]))
        print(f"{name:<16}{p50_p95(warm)}  {p50_p95(cold)}{hits:8d}", flush=True)


if __name__ == "__main__":
    main()
