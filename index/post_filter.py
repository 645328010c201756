"""A filter tried on the unfiltered ranking before its chunk set is computed.

A filtered search needs the set of chunks the filter allows (`index.filter_sets`). For a
filter that tests every chunk row (a theme, packed in each chunk), computing that set reads
the whole store: 80–140 ms at 200,000 chunks, paid by the first query with that filter.
When the filter keeps a large share of the chunks, the unfiltered ranking read `1 / share`
times deeper (twice that, for margin) holds enough allowed chunks already, and testing the
filter on those rows (by their rowid) costs a millisecond. The share is guessed on a fixed
sample of rows; a filter that keeps too small a share goes to its set at once.

The kept rows are the filtered ranking itself: scores do not depend on the filter (BM25
statistics and cosines are store-wide), so the first `need` allowed rows of the unfiltered
order are the first `need` rows of the filtered order. When too few of them pass, the
caller computes the set as before (and caches it).
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable, Sequence

import numpy as np

SHARE_SAMPLE = 256  # rows, evenly spaced over the store, on which a filter's share is guessed
MARGIN = 2.0  # read the unfiltered ranking this many times deeper than the share asks


def allowed_among(
    conn: sqlite3.Connection, where: str, args: Sequence[object], nums: Sequence[int]
) -> set[int]:
    """The chunk numbers among `nums` that `where` (over `chunks AS c`) allows."""
    if not nums:
        return set()
    rows = conn.execute(
        f"SELECT c.num FROM chunks c WHERE c.num IN (SELECT value FROM json_each(?)) AND ({where})",
        [json.dumps([int(n) for n in nums]), *args],
    )
    return {int(r[0]) for r in rows}


def allowed_share(conn: sqlite3.Connection, where: str, args: Sequence[object]) -> float:
    """The share of chunks `where` allows, guessed on `SHARE_SAMPLE` evenly spaced rows."""
    top = conn.execute("SELECT MAX(num) FROM chunks").fetchone()[0] or 0
    if not top:
        return 0.0
    sample = np.unique(np.linspace(1, top, min(SHARE_SAMPLE, top)).round().astype(np.int64))
    seen, passed = conn.execute(
        f"SELECT count(*), total(({where})) FROM chunks c"
        " WHERE c.num IN (SELECT value FROM json_each(?))",
        [*args, json.dumps(sample.tolist())],
    ).fetchone()
    return float(passed) / seen if seen else 0.0


def probe_depth(share: float, need: int, most: int) -> int:
    """How deep to read the unfiltered ranking for `need` allowed rows of a filter keeping
    `share` of the chunks: `MARGIN * need / share`, or 0 when that is more than `most` rows
    (the filter keeps too small a share)."""
    if share <= 0.0:
        return 0
    deeper = math.ceil(MARGIN * need / share)
    return deeper if deeper <= most else 0


def first_allowed(
    conn: sqlite3.Connection,
    read: Callable[[int], Sequence[tuple[int, float]]],
    where: str,
    args: Sequence[object],
    need: int,
    deeper: int,
) -> list[tuple[int, float]] | None:
    """The first `need` allowed rows of the unfiltered ranking `read(deeper)`, in its order;
    None when fewer pass and the ranking was cut at `deeper` (rows beyond it could be allowed,
    and the caller then searches through the filter's set)."""
    ranking = read(deeper)
    keep = allowed_among(conn, where, args, [n for n, _ in ranking])
    found = [(n, s) for n, s in ranking if n in keep]
    if len(found) >= need or len(ranking) < deeper:
        return found[:need]
    return None
