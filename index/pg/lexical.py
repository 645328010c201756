"""BM25 on PostgreSQL, computed as SQLite FTS5's `bm25()` computes it.

The match expression is built by the default backend's `index.lexical.match_expression`
(quoted terms and glossary phrases, OR-ed). Candidates are the chunks whose `tokens`
tsvector matches the same units (`'a' | 'b' <-> 'c'`, GIN index); each candidate's phrase
frequencies come from the stored term positions, and the collection statistics (rows, total
terms, rows holding each unit) from the table. The formula and its constants are FTS5's
(k1 = 1.2, b = 0.75, idf = ln((N - n + 0.5) / (n + 0.5)), floored at 1e-6), so both backends
give the same scores and the same order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from .db import Connection

K1, B = 1.2, 0.75
_PHRASE = re.compile(r'"([^"]*)"')


def units_of(match: str) -> list[tuple[str, ...]]:
    """The phrases of an FTS5 match string made by `match_expression` ('"a" OR "b c"')."""
    return [tuple(p.split()) for p in _PHRASE.findall(match) if p.split()]


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(units: Sequence[tuple[str, ...]]) -> str:
    """A tsquery matching any unit; a phrase's words must be consecutive (FTS5's phrase)."""
    return " | ".join("(" + " <-> ".join(_lexeme(w) for w in unit) + ")" for unit in units)


def _frequency(unit: tuple[str, ...], positions: dict[str, list[int]]) -> int:
    """How many times the phrase occurs in a row (overlapping instances count, as in FTS5)."""
    starts = positions.get(unit[0], [])
    if len(unit) == 1:
        return len(starts)
    later = [set(positions.get(w, ())) for w in unit[1:]]
    return sum(1 for p in starts if all(p + j + 1 in s for j, s in enumerate(later)))


def bm25_search(
    conn: Connection, match: str, where: str, args: Sequence[object], limit: int
) -> list[tuple[int, float]]:
    """(chunk num, score) best first; the score is FTS5's -bm25 (higher is better).

    `where` is a Postgres condition over `chunks AS c` (see `index.pg.db.pg_sql`)."""
    units = units_of(match)
    if not units:
        return []
    stats = conn.execute(
        "SELECT COUNT(*) AS n, COALESCE(SUM(body_len), 0) AS t FROM chunks"
    ).fetchone()
    n_rows, n_tokens = int(stats["n"]) if stats else 0, int(stats["t"]) if stats else 0
    if not n_rows:
        return []
    avgdl = float(n_tokens) / float(n_rows)
    idf = []
    for unit in units:
        row = conn.execute(
            "SELECT COUNT(*) AS n FROM chunks WHERE tokens @@ %s::tsquery", (tsquery([unit]),)
        ).fetchone()
        hits = int(row["n"]) if row else 0
        value = math.log((n_rows - hits + 0.5) / (hits + 0.5))
        idf.append(value if value > 0.0 else 1e-6)
    words = sorted({w for u in units for w in u})
    found = conn.execute(
        "SELECT c.num, c.body_len, (SELECT jsonb_object_agg(u.lexeme, u.positions)"
        " FROM unnest(c.tokens) u WHERE u.lexeme = ANY(%s)) AS pos"
        f" FROM chunks c WHERE c.tokens @@ %s::tsquery AND {where}",
        (words, tsquery(units), *args),
    ).fetchall()
    scored = []
    for r in found:
        positions = r["pos"] or {}
        length = float(r["body_len"])
        score = 0.0
        for unit, weight in zip(units, idf, strict=True):
            freq = float(_frequency(unit, positions))
            score += weight * ((freq * (K1 + 1.0)) / (freq + K1 * (1 - B + B * length / avgdl)))
        scored.append((int(r["num"]), score))
    scored.sort(key=lambda x: (-x[1], x[0]))
    return scored[:limit]
