"""Document frequencies of index terms, read from the FTS5 vocabulary and cached.

Query pruning (`index.lexical`) and the answer-first rerank (`index.rerank`) both weigh a
query's terms by how many chunks hold them. The FTS5 vocabulary answers by walking each
term's postings, about a millisecond per common term on a large store, and the same terms
come back query after query; the counts are kept until the chunks change (the store's chunk
generation, bumped by triggers).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Collection


def vocabulary_counts(conn: sqlite3.Connection, words: Collection[str]) -> dict[str, int]:
    """word → chunks holding it, for the words the FTS vocabulary has (no cache)."""
    wanted = sorted(set(words))
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    rows = conn.execute(f"SELECT term, doc FROM chunks_vocab WHERE term IN ({marks})", wanted)
    return {str(t): int(d) for t, d in rows if d}


def chunk_total(conn: sqlite3.Connection) -> int:
    """The chunk count as the FTS table numbers them (its highest rowid)."""
    return int(conn.execute("SELECT MAX(rowid) FROM chunks_fts").fetchone()[0] or 0)


def frequencies(
    conn: sqlite3.Connection, words: Collection[str], stats: TermStats | None = None
) -> tuple[dict[str, int], int]:
    """(word → chunks holding it, chunk count), through `stats` when given."""
    if stats is not None:
        return stats.frequencies(conn, words)
    return vocabulary_counts(conn, words), chunk_total(conn)


class TermStats:
    """Per-process cache of term → chunk count, for one store at a time (thread-safe)."""

    def __init__(self, size: int = 100_000) -> None:
        self.size = size
        self._df: dict[str, int] = {}
        self._stamp: object = None
        self._lock = threading.Lock()

    def frequencies(
        self, conn: sqlite3.Connection, words: Collection[str]
    ) -> tuple[dict[str, int], int]:
        """(word → chunks holding it, for the words the store has; chunk count)."""
        stamp = tuple(
            conn.execute(
                "SELECT (SELECT value FROM meta WHERE key = 'chunks_generation'),"
                " (SELECT MAX(rowid) FROM chunks_fts)"
            ).fetchone()
        )
        total = int(stamp[1] or 0)
        wanted = sorted(set(words))
        with self._lock:
            if stamp != self._stamp or len(self._df) > self.size:
                self._df.clear()
                self._stamp = stamp
            missing = [w for w in wanted if w not in self._df]
        if missing:
            found = dict.fromkeys(missing, 0) | vocabulary_counts(conn, missing)
            with self._lock:
                if self._stamp == stamp:
                    self._df.update(found)
        else:
            found = {}
        with self._lock:
            known = {w: self._df.get(w, found.get(w, 0)) for w in wanted}
        return {w: n for w, n in known.items() if n}, total
