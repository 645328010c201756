"""A per-query scratch copy of the candidates, so the default backend's ranking code runs
unchanged on Postgres results.

The second-stage ranking (`index.rerank`: answer-first rescoring, near-duplicate collapse),
query pruning (`index.lexical.match_expression`) and hit assembly (`Searcher._hits`) read a
handful of rows through an SQLite connection. Rather than copy them, the Postgres searcher
loads the rows they read (the query's document frequencies, the candidates' text and item
fields) into an in-memory SQLite database with the same table and column names, and calls
them on it. It holds at most a few hundred rows and lives for one query.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence

from .db import Connection
from .lexical import term_rows

_SCHEMA = """
CREATE TABLE chunks_fts (body TEXT);
CREATE TABLE chunks_vocab (term TEXT PRIMARY KEY, doc INTEGER NOT NULL);
CREATE TABLE chunks (
    num INTEGER PRIMARY KEY, id TEXT, scope TEXT, kind TEXT, text TEXT, document_id TEXT,
    file_name TEXT, pages TEXT, section_path TEXT, ref TEXT, label TEXT
);
CREATE TABLE items (
    id TEXT PRIMARY KEY, addressee TEXT, priority TEXT, resources TEXT, timing TEXT
);
CREATE TABLE documents (id TEXT PRIMARY KEY, title TEXT, file_name TEXT);
"""

_CHUNK_COLUMNS = (
    "num, id, scope, kind, text, document_id, file_name, pages, section_path, ref, label"
)


def document_frequencies(conn: Connection, words: Collection[str]) -> dict[str, int]:
    """word → chunks holding it (what FTS5's `chunks_vocab` gives), from `term_rows`."""
    return term_rows(conn, sorted(set(words)))


class Scratch:
    """An in-memory SQLite copy of what one query's ranking reads."""

    def __init__(self, max_num: int, df: dict[str, int]) -> None:
        self.conn = sqlite3.connect(":memory:")
        self.conn.row_factory = sqlite3.Row
        self.conn.executescript(_SCHEMA)
        if max_num:  # `SELECT MAX(rowid) FROM chunks_fts` is the collection size
            self.conn.execute("INSERT INTO chunks_fts (rowid, body) VALUES (?, '')", (max_num,))
        self.conn.executemany("INSERT INTO chunks_vocab VALUES (?, ?)", df.items())
        self._loaded: set[int] = set()

    def load(self, pg: Connection, nums: Sequence[int]) -> None:
        """Copy these chunks, their items and their documents' titles from Postgres."""
        todo = sorted(set(nums) - self._loaded)
        if not todo:
            return
        rows = pg.execute(
            f"SELECT {_CHUNK_COLUMNS} FROM chunks WHERE num = ANY(%s)", (todo,)
        ).fetchall()
        columns = _CHUNK_COLUMNS.split(", ")
        self.conn.executemany(
            f"INSERT INTO chunks ({_CHUNK_COLUMNS}) VALUES ({','.join('?' * len(columns))})",
            [tuple(r[c] for c in columns) for r in rows],
        )
        refs = sorted({r["ref"] for r in rows if r["scope"] == "item"})
        items = pg.execute(
            "SELECT id, addressee, priority, resources, timing FROM items WHERE id = ANY(%s)",
            (refs,),
        ).fetchall()
        self.conn.executemany(
            "INSERT OR IGNORE INTO items VALUES (?, ?, ?, ?, ?)",
            [(r["id"], r["addressee"], r["priority"], r["resources"], r["timing"]) for r in items],
        )
        docs = sorted({r["document_id"] for r in rows})
        found = pg.execute(
            "SELECT id, title, file_name FROM documents WHERE id = ANY(%s)", (docs,)
        ).fetchall()
        self.conn.executemany(
            "INSERT OR IGNORE INTO documents VALUES (?, ?, ?)",
            [(r["id"], r["title"], r["file_name"]) for r in found],
        )
        self._loaded.update(todo)

    def close(self) -> None:
        """Drop the scratch database."""
        self.conn.close()
