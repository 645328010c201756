"""PostgreSQL backend: the same library and search index as the SQLite default, on Postgres.

Selected by `EVALKB_DATABASE_URL=postgresql://…` (see `index.pg.backend.open_backend`, the one
place a backend is chosen). Full text and BM25 ranking read a token `tsvector` built from the
same normalised terms as the SQLite FTS5 table, so both backends rank alike; a second
`tsvector` per chunk uses the `french` / `english` configuration of the document's language.
Dense search uses pgvector (HNSW, inner product on normalised vectors).
"""

from __future__ import annotations


def is_postgres(url: str) -> bool:
    """True when a database URL names PostgreSQL (`postgresql://` or `postgres://`)."""
    return url.strip().lower().startswith(("postgresql://", "postgres://", "postgresql+"))
