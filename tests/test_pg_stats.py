"""PostgreSQL's BM25 statistics (`chunk_totals`, `term_rows`) stay equal to a recount of the
chunks after documents are stored and removed (triggers, schema migration 4)."""

from __future__ import annotations

from pathlib import Path

from test_backends import fill, new_database, pg_server  # noqa: F401  (the session's server)

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
    pg_server: str,  # noqa: F811
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
