"""PostgreSQL's BM25 statistics (`chunk_totals`, `term_rows`) stay equal to a recount of the
chunks after documents are stored and removed (triggers, schema migration 4)."""

from __future__ import annotations

from pathlib import Path

from pg_fixtures import new_database, pg_server  # noqa: F401  (the session's server)
from search_fixtures import fill

from index.embeddings import HashingEmbedder
from index.pg.backend import open_backend


def recounted(conn: object) -> tuple[tuple[int, int], dict[str, int]]:
    totals = conn.execute(  # type: ignore[attr-defined]
        "SELECT COUNT(*) AS r, COALESCE(SUM(body_len), 0) AS t FROM chunks"
    ).fetchone()
    terms = conn.execute(  # type: ignore[attr-defined]
        "SELECT u.lexeme, COUNT(*) AS n FROM chunks c, unnest(c.tokens) u GROUP BY u.lexeme"
    ).fetchall()
    return (int(totals["r"]), int(totals["t"])), {r["lexeme"]: int(r["n"]) for r in terms}


def kept(conn: object) -> tuple[tuple[int, int], dict[str, int]]:
    totals = conn.execute("SELECT rows, tokens FROM chunk_totals").fetchone()  # type: ignore[attr-defined]
    terms = conn.execute("SELECT lexeme, n FROM term_rows WHERE n > 0").fetchall()  # type: ignore[attr-defined]
    return (int(totals["rows"]), int(totals["tokens"])), {r["lexeme"]: int(r["n"]) for r in terms}


def test_statistics_follow_stores_and_removals(
    pg_server: str,
    tmp_path: Path,
) -> None:
    backend = fill(open_backend(tmp_path, new_database(pg_server), HashingEmbedder()))
    try:
        before = recounted(backend.conn)
        assert before[0][0] > 0 and before[1]  # not vacuous
        assert kept(backend.conn) == before
        doc = backend.library.documents()[0]
        with backend.transaction():
            backend.index.remove(backend.conn, doc.id)
            backend.library.remove(doc.id)
        after = recounted(backend.conn)
        assert after[0][0] < before[0][0]
        assert kept(backend.conn) == after
    finally:
        backend.conn.close()


def test_common_words_stop_bringing_candidates_but_scores_stay_exact(
    pg_server: str,
    tmp_path: Path,
) -> None:
    """Past the pool, a common word's rows are no longer all scored, but every hit returned
    has its exact BM25, and the rows holding the rare word are all among the candidates."""
    from index.pg.lexical import bm25_search

    backend = fill(open_backend(tmp_path, new_database(pg_server), HashingEmbedder()))
    try:
        conn = backend.conn
        counts = {r["lexeme"]: int(r["n"]) for r in conn.execute("SELECT lexeme, n FROM term_rows")}
        common = max(counts, key=lambda w: counts[w])
        rare = min((w for w in counts if counts[w] >= 1), key=lambda w: counts[w])
        match = f'"{common}" OR "{rare}"'
        pool = counts[common] - 1  # the common word is past it, the rare one not
        assert counts[rare] <= pool
        exact = dict(bm25_search(conn, match, "TRUE", [], 1000, pool=10**6))
        pooled = bm25_search(conn, match, "TRUE", [], 1000, pool=pool)
        assert len(pooled) < len(exact)  # fewer rows scored
        assert all(score == exact[num] for num, score in pooled)
        rare_rows = {
            r["num"]
            for r in conn.execute(
                "SELECT num FROM chunks WHERE tokens @@ %s::tsquery", (f"'{rare}'",)
            )
        }
        assert rare_rows <= {num for num, _ in pooled}
    finally:
        backend.conn.close()
