"""BM25 on PostgreSQL, computed as SQLite FTS5's `bm25()` computes it.

The match expression is built by the default backend's `index.lexical.match_expression`
(quoted terms and glossary phrases, OR-ed). Candidates are the chunks whose `tokens`
tsvector matches the same units (`'a' | 'b' <-> 'c'`, GIN index); each candidate's phrase
frequencies come from its stored term positions, and the collection statistics (rows, total
terms, rows holding each word) from the `chunk_totals` and `term_rows` tables that triggers
keep in step. The formula and its constants are FTS5's (k1 = 1.2, b = 0.75,
idf = ln((N - n + 0.5) / (n + 0.5)), floored at 1e-6), evaluated in SQL in the same order of
float operations, so both backends give the same scores and the same order.
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


def collection_stats(conn: Connection) -> tuple[int, int]:
    """(rows, total terms) of the chunks, kept by triggers (schema migration 4)."""
    row = conn.execute("SELECT rows, tokens FROM chunk_totals").fetchone()
    return (int(row["rows"]), int(row["tokens"])) if row else (0, 0)


def term_rows(conn: Connection, words: Sequence[str]) -> dict[str, int]:
    """word → chunks holding it (FTS5's `chunks_vocab`), kept by triggers."""
    found = conn.execute(
        "SELECT lexeme, n FROM term_rows WHERE lexeme = ANY(%s) AND n > 0", (list(words),)
    )
    return {r["lexeme"]: int(r["n"]) for r in found}


def _row_counts(conn: Connection, units: Sequence[tuple[str, ...]]) -> list[int]:
    """Rows holding each unit: a word's from `term_rows`, a phrase's counted."""
    single = term_rows(conn, [u[0] for u in units if len(u) == 1])
    out = []
    for unit in units:
        if len(unit) == 1:
            out.append(single.get(unit[0], 0))
        else:
            row = conn.execute(
                "SELECT COUNT(*) AS n FROM chunks WHERE tokens @@ %s::tsquery", (tsquery([unit]),)
            ).fetchone()
            out.append(int(row["n"]) if row else 0)
    return out


def _idf(hits: int, n_rows: int) -> float:
    """FTS5's idf, floored at 1e-6."""
    value = math.log((n_rows - hits + 0.5) / (hits + 0.5))
    return value if value > 0.0 else 1e-6


def _frequency_sql(unit: tuple[str, ...], column: dict[str, str]) -> str:
    """SQL for how many times a phrase occurs in a row, from its words' position arrays
    (overlapping instances count, as in FTS5)."""
    first = column[unit[0]]
    if len(unit) == 1:
        return f"COALESCE(cardinality({first}), 0)"
    later = " AND ".join(f"(x + {j}) = ANY({column[w]})" for j, w in enumerate(unit[1:], 1))
    return f"(SELECT COUNT(*) FROM unnest({first}) x WHERE {later})"


def bm25_search(
    conn: Connection,
    match: str,
    where: str,
    args: Sequence[object],
    limit: int,
    pool: int = 2_000,
) -> list[tuple[int, float]]:
    """(chunk num, score) best first; the score is FTS5's -bm25 (higher is better).

    Scored in SQL, term by term in FTS5's order of operations (so the float results are the
    SQLite store's), over the rows the GIN index matches; only the best `limit` come back.
    When every unit is in at most `pool` rows, every matching row is scored (exact, as
    FTS5). Otherwise the units in more rows stop bringing candidates by themselves, since
    scoring all their rows grows with the store: candidates are the rows of the rarer units
    (all of them), plus the `pool` rows that `ts_rank` puts first for the common ones, and
    each candidate gets its exact BM25 over every unit.
    `where` is a Postgres condition over `chunks AS c` (see `index.pg.db.pg_sql`)."""
    units = units_of(match)
    if not units:
        return []
    n_rows, n_tokens = collection_stats(conn)
    if not n_rows:
        return []
    avgdl = float(n_tokens) / float(n_rows)
    hits = _row_counts(conn, units)
    words = sorted({w for u in units for w in u})
    column = {w: f"pos.p{i}" for i, w in enumerate(words)}
    picks = ", ".join(
        f"MAX(CASE WHEN u.lexeme = %s THEN u.positions END) AS p{i}" for i in range(len(words))
    )
    score = "0.0::float8"
    params: list[object] = []
    for unit, count in zip(units, hits, strict=True):
        freq = f"({_frequency_sql(unit, column)})::float8"
        score += (
            f" + %s::float8 * (({freq} * %s::float8) / ({freq} + %s::float8 *"
            " (%s::float8 + %s::float8 * c.body_len::float8 / %s::float8)))"
        )
        params += [_idf(count, n_rows), K1 + 1.0, K1, 1 - B, B, avgdl]
    rare = [u for u, n in zip(units, hits, strict=True) if n <= pool]
    common = [u for u, n in zip(units, hits, strict=True) if n > pool]
    source_args: list[object] = []
    if not common:
        source = "chunks c"
        match_sql, match_args = f"c.tokens @@ %s::tsquery AND {where}", [tsquery(units), *args]
    else:
        parts: list[str] = []
        if rare:
            parts.append(f"(SELECT c.num FROM chunks c WHERE c.tokens @@ %s::tsquery AND {where})")
            source_args += [tsquery(rare), *args]
        parts.append(
            f"(SELECT c.num FROM chunks c WHERE c.tokens @@ %s::tsquery AND {where}"
            " ORDER BY ts_rank(c.tokens, %s::tsquery) DESC, c.num LIMIT %s)"
        )
        source_args += [tsquery(common), *args, tsquery(common), pool]
        source = f"({' UNION '.join(parts)}) AS cand JOIN chunks c USING (num)"
        match_sql, match_args = "TRUE", []
    found = conn.execute(
        f"SELECT c.num, {score} AS score FROM {source}"
        # only the query's words, picked in C (setweight finds them by binary search, ts_filter
        # keeps them) before the few are unnested: unnesting every term of every candidate
        # took twice as long (bench/pg_search.py, 20k chunks)
        f" CROSS JOIN LATERAL (SELECT {picks} FROM"
        "   unnest(ts_filter(setweight(c.tokens, 'A', %s), '{a}')) u) pos"
        f" WHERE {match_sql} ORDER BY score DESC, c.num LIMIT %s",
        (*params, *source_args, *words, words, *match_args, limit),
    ).fetchall()
    return [(int(r["num"]), float(r["score"])) for r in found]
