"""FTS5 BM25 search over normalised chunk text, with user queries made safe.

A user query is never handed to FTS5 as syntax: it is reduced to normalised terms (letters
and digits only) and each term or glossary phrase is double-quoted, then OR-ed. Quotes,
apostrophes (l'OIT), parentheses, `*`, `-`, NEAR, OR and SQL fragments become plain words
or vanish, so no query can raise an FTS5 syntax error.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence

import numpy as np

from .term_stats import TermStats, chunk_total, frequencies
from .textnorm import terms

# On a large collection the OR query keeps its rarest terms and phrases while their summed
# document frequency stays within POSTINGS_BUDGET: FTS5 scores every matching row, so frequent
# terms (tiny BM25 weight) would dominate the query time. The rarest unit always stays, and a
# collection whose whole query fits the budget (any small corpus) is never pruned.
POSTINGS_BUDGET = 8_000
# A filter is applied to the unfiltered ranking, read `2 * limit / share` rows deep (deeper
# until enough allowed rows come, `lexical_within`), when that is at most this many rows; a
# narrower filter joins each match to its row. Reading costs per row read, the join per
# match: at 200,000 chunks and limit 100 the join was faster for filters keeping 2.5 % and
# 6.5 % of the chunks (p95 22 against 40 ms, 19 against 21), reading from 17 % up (18 against
# 27 ms). The rule was a 2 % share, which read 8,000 rows for a 2.5 % filter.
WITHIN_MAX_ROWS = 2_000


def match_expression(
    query: str,
    phrases: Sequence[Sequence[str]] = (),
    conn: sqlite3.Connection | None = None,
    stats: TermStats | None = None,
) -> str | None:
    """The FTS5 MATCH string for a query (None when it has no searchable term).

    With `conn`, very frequent terms are pruned on large collections (the rarest term stays);
    `stats` caches the term counts that takes.
    """
    units = list(dict.fromkeys([*((t,) for t in terms(query)), *(tuple(p) for p in phrases)]))
    if conn is not None and units:
        units = _prune(conn, units, stats)
    # terms are [^\W_]+ runs; strip quotes anyway, belt and braces
    parts = ['"' + " ".join(u).replace('"', "") + '"' for u in units if u]
    return " OR ".join(parts) if parts else None


def _prune(
    conn: sqlite3.Connection, units: list[tuple[str, ...]], stats: TermStats | None
) -> list[tuple[str, ...]]:
    if chunk_total(conn) * len(units) <= POSTINGS_BUDGET:
        return units
    words = {w for u in units for w in u}
    try:
        df, _ = frequencies(conn, words, stats)
    except sqlite3.OperationalError:  # a development store made before chunks_vocab existed
        return units
    # a phrase costs about as much as its rarest word's postings
    cost = {u: min(df.get(w, 0) for w in u) for u in units}
    kept: list[tuple[str, ...]] = []
    spent = 0
    for unit in sorted(units, key=lambda u: cost[u]):
        if kept and spent + cost[unit] > POSTINGS_BUDGET:
            break
        kept.append(unit)
        spent += cost[unit]
    return kept


def lexical_search(
    conn: sqlite3.Connection, match: str, where: str, args: Sequence[object], limit: int
) -> list[tuple[int, float]]:
    """(chunk num, score) best first; score is -BM25 so higher is better."""
    sql = (
        "SELECT f.rowid, bm25(chunks_fts) AS s FROM chunks_fts f"
        + ("" if where == "1" else " JOIN chunks c ON c.num = f.rowid")
        + " WHERE chunks_fts MATCH ?"
        + ("" if where == "1" else f" AND {where}")
        + " ORDER BY s, f.rowid LIMIT ?"
    )
    rows = conn.execute(sql, (match, *args, limit)).fetchall()
    return [(int(r[0]), -float(r[1])) for r in rows]


def lexical_within(
    conn: sqlite3.Connection, match: str, allowed: np.ndarray, limit: int
) -> list[tuple[int, float]] | None:
    """`lexical_search` restricted to the sorted chunk numbers `allowed`, read from the
    unfiltered ranking: BM25 is computed for every match either way, and testing each
    row's filter columns (a join per match) is what a filter adds, so the top rows are
    fetched `limit / share` deep and kept when allowed, deeper while too few are. None when
    the filter keeps too small a share (the join is then cheaper); same hits and order as
    `lexical_search` with the filter's WHERE clause."""
    top = conn.execute("SELECT MAX(num) FROM chunks").fetchone()[0] or 0
    share = len(allowed) / top if top else 0.0
    if share <= 0.0:
        return None
    deep = math.ceil(2 * limit / min(share, 1.0))
    if min(deep, top) > WITHIN_MAX_ROWS:  # no more rows than the store has are read
        return None
    sql = (
        "SELECT rowid, bm25(chunks_fts) AS s FROM chunks_fts WHERE chunks_fts MATCH ?"
        " ORDER BY s, rowid LIMIT ?"
    )
    while True:
        rows = conn.execute(sql, (match, deep)).fetchall()
        nums = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        at = np.searchsorted(allowed, nums).clip(max=len(allowed) - 1)
        keep = np.flatnonzero(allowed[at] == nums)
        if len(keep) >= limit or len(rows) < deep:
            return [(int(rows[i][0]), -float(rows[i][1])) for i in keep[:limit]]
        deep *= 4
