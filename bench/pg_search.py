"""PostgreSQL search latency on a synthetic collection: hybrid p50/p95 with and without filters.

Run: .venv/bin/python bench/pg_search.py --source data --chunks 100000 [--url postgresql://…]

The chunks of an existing SQLite store (`--source`, e.g. the `make run` store of corpus/, built
with the default model) are re-sampled into `--chunks` rows of a fresh Postgres database:
same text and terms, vector = the real vector + noise (renormalised), spread over synthetic
documents with years 2015-2024 and three countries so the filters select a share of them.
Rows are loaded with COPY, then the GIN and HNSW indexes are built. The dev queries
(tests/gold/queries.json) are embedded once, then searched in hybrid mode through
`index.pg.search.PgSearcher`. Without `--url` a throwaway server is started with pgserver.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.service import default_embedder  # noqa: E402
from api.settings import Settings  # noqa: E402
from index.pg import db  # noqa: E402
from index.pg.search import PgSearcher  # noqa: E402
from index.pg.search_index import (  # noqa: E402
    HNSW_INDEX,
    PgSearchIndex,
    token_vector,
    vector_literal,
)
from index.query import SearchFilters, SearchRequest  # noqa: E402
from index.textnorm import normalise  # noqa: E402

Row = tuple[str, str, str, str, str, np.ndarray]
PER_DOCUMENT = 200
COUNTRIES = ("|mali|", "|senegal|", "|niger|")


def source_rows(home: Path) -> list[Row]:
    """(id, scope, kind, text, section_path, vector) of every embedded chunk of a store."""
    conn = sqlite3.connect(home / "evalkb.sqlite3")
    rows = conn.execute(
        "SELECT id, scope, kind, text, section_path, vector FROM chunks WHERE vector IS NOT NULL"
    ).fetchall()
    return [(*r[:5], np.frombuffer(r[5], dtype=np.float32)) for r in rows]


def load(
    conn: db.Connection, rows: list[Row], n: int, model: str, dim: int, maintenance_mb: int
) -> float:
    """COPY n synthetic chunks (and their documents), then build the indexes; seconds taken."""
    start = time.perf_counter()
    rng = np.random.default_rng(0)
    docs = (n + PER_DOCUMENT - 1) // PER_DOCUMENT
    with conn.cursor() as cur:
        with cur.copy("COPY documents (id, file_name, media_type, ingested_at) FROM STDIN") as cp:
            for d in range(docs):
                cp.write_row((f"{d:064x}", f"synthetic-{d}.pdf", "pdf", "2026-01-01"))
        conn.execute("DROP INDEX IF EXISTS chunks_embedding_hnsw")
        conn.execute(f"ALTER TABLE chunks ALTER COLUMN embedding TYPE vector({dim})")
        db.set_meta(conn, "embedding_model", model)
        db.set_meta(conn, "embedding_dim", str(dim))
        columns = (
            "id, document_id, file_name, scope, kind, text, section_path, language, year,"
            " countries, tokens, body_len, embedding"
        )
        with cur.copy(f"COPY chunks ({columns}) FROM STDIN") as cp:
            for i in range(n):
                cid, scope, kind, text, section, vec = rows[i % len(rows)]
                d = i // PER_DOCUMENT
                noisy = vec + rng.normal(0, 0.02, len(vec)).astype(np.float32)
                noisy /= np.linalg.norm(noisy)
                tokens, length = token_vector(normalise(text))
                cp.write_row(
                    (
                        f"{cid}-s{i}",
                        f"{d:064x}",
                        f"synthetic-{d}.pdf",
                        scope,
                        kind,
                        text,
                        section,
                        "fr",
                        2015 + d % 10,
                        COUNTRIES[d % 3],
                        tokens,
                        length,
                        vector_literal(noisy),
                    )
                )
    # the HNSW graph is built in memory when it fits (1M x 384 floats is about 2 GB)
    conn.execute(f"SET maintenance_work_mem = '{maintenance_mb}MB'")
    conn.execute(HNSW_INDEX)
    conn.execute("ANALYZE chunks")
    return time.perf_counter() - start


def measure(
    searcher: PgSearcher, queries: list[str], vectors: np.ndarray, filters: SearchFilters
) -> dict[str, float]:
    """p50/p95 milliseconds of hybrid searches (query embedding excluded)."""
    times = []
    for query, qv in zip(queries, vectors, strict=True):
        t = time.perf_counter()
        searcher.search(SearchRequest(query, filters, mode="hybrid"), qv)
        times.append(1000 * (time.perf_counter() - t))
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * len(times))], 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=ROOT / "data")
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--url", default="")
    ap.add_argument("--maintenance-mb", type=int, default=4096, help="for the HNSW build")
    args = ap.parse_args()
    server = None
    url = args.url
    if not url:
        import pgserver

        server = pgserver.get_server(
            tempfile.mkdtemp(prefix="evalkb-bench-pg-"), cleanup_mode="delete"
        )
        url = server.get_uri()
    embedder = default_embedder(Settings())
    conn = db.connect(url)
    rows = source_rows(args.source)
    seconds = load(conn, rows, args.chunks, embedder.name, embedder.dim, args.maintenance_mb)
    gold = json.loads((ROOT / "tests" / "gold" / "queries.json").read_text())["queries"]
    queries = [q["query"] for q in gold]
    index = PgSearchIndex(Path(tempfile.mkdtemp()), embedder)
    vectors = np.stack([index.embed_query(q) for q in queries])
    searcher = index.searcher(conn)
    report = {
        "chunks": args.chunks,
        "load_and_index_s": round(seconds, 1),
        "no_filter": measure(searcher, queries, vectors, SearchFilters()),
        "country+year": measure(
            searcher, queries, vectors, SearchFilters(country="mali", year_from=2022)
        ),
        "items_only": measure(searcher, queries, vectors, SearchFilters(scope="item")),
    }
    print(json.dumps(report, indent=1))
    conn.close()
    if server is not None:
        server.cleanup()


if __name__ == "__main__":
    main()
