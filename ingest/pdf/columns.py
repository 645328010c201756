"""Text columns of a PDF page: where the gutter between two columns lies, if anywhere.

Pure functions over rows of pdfplumber word dicts (`layout._rows`). A page has one gutter, or
none; a page whose upper and lower parts set their columns apart at different places is cut
in two (`find_gutters`), each part with its own gutter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Word = dict[str, Any]
Rows = list[list[Word]]
# a part cut off a page for its own gutter has at least this many rows
MIN_PART_ROWS = 10
# share of the text runs that may cross a gutter
MAX_CROSSING = 0.15


def _segments(row: list[Word], gap: float = 18.0) -> list[tuple[float, float]]:
    """Horizontal runs of a row separated by gaps wider than `gap` points."""
    segs: list[tuple[float, float]] = []
    for w in row:
        if segs and w["x0"] - segs[-1][1] <= gap:
            segs[-1] = (segs[-1][0], max(segs[-1][1], w["x1"]))
        else:
            segs.append((w["x0"], w["x1"]))
    return segs


def find_gutter(rows: Rows, width: float) -> float | None:
    """The x of the gap between two text columns, or None for a single-column page.

    A gutter needs many text runs on both sides, few runs crossing it, and both sides filled
    with long lines (so label/value forms and ragged short lines are not taken for columns).
    Runs are split at gaps of 18 points, then, failing that, at gaps a little wider than the
    text's height: briefs set in small type leave gutters narrower than 18 points.
    """
    if len(rows) < MIN_PART_ROWS:
        return None
    found = _gutter(rows, width, 18.0)
    if found is None:
        narrow = _narrow_gap(rows)
        if narrow < 18.0:
            found = _gutter(rows, width, narrow)
    return found


def _narrow_gap(rows: Rows) -> float:
    """A run gap a little wider than the text's height (small type, narrow gutters)."""
    heights = sorted(w["bottom"] - w["top"] for row in rows for w in row)
    return max(6.0, 1.2 * heights[len(heights) // 2])


def _gutter(rows: list[list[Word]], width: float, gap: float) -> float | None:
    segs = [s for row in rows for s in _segments(row, gap)]
    best: tuple[int, float] | None = None
    for x in range(int(width * 0.3), int(width * 0.7), 3):
        crossing = sum(1 for a, b in segs if a < x < b)
        if best is None or crossing < best[0]:
            best = (crossing, float(x))
    if best is None:
        return None
    crossing, gx = best
    left = [(a, b) for a, b in segs if b <= gx]
    right = [(a, b) for a, b in segs if a >= gx]
    if len(left) < 8 or len(right) < 8 or crossing > MAX_CROSSING * (len(left) + len(right)):
        return None
    # widths and edges are judged on each row's whole run on either side: a column may hold
    # a label/value box ("Donor:      GIZ") whose gaps split it into short runs
    left, right = _side_spans(rows, gx)
    lmin, rmax = min(a for a, _ in left), max(b for _, b in right)
    lw = sorted(b - a for a, b in left)[len(left) // 2]
    rw = sorted(b - a for a, b in right)[len(right) // 2]
    if lw < 0.6 * (gx - lmin) or rw < 0.6 * (rmax - gx):
        return None
    if _edge_share(sorted(a for a, _ in right)) < 0.5:  # a right column has one left edge
        return None
    return gx


def split_row(row: list[Word], gx: float) -> tuple[list[Word], list[Word]] | None:
    """A row's words left and right of `gx`, or None when a word straddles it (a full-width
    row: a title, a heading across both columns)."""
    if any(w["x0"] < gx < w["x1"] for w in row):
        return None
    return [w for w in row if w["x1"] <= gx], [w for w in row if w["x0"] >= gx]


def _side_spans(
    rows: list[list[Word]], gx: float
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Per row not crossing `gx`: the span of its words left of it and right of it."""
    left, right = [], []
    for row in rows:
        sides = split_row(row, gx)
        if sides is None:
            continue
        lw, rw = sides
        if lw:
            left.append((lw[0]["x0"], max(w["x1"] for w in lw)))
        if rw:
            right.append((rw[0]["x0"], max(w["x1"] for w in rw)))
    return left, right


def _edge_share(starts: list[float], band: float = 24.0) -> float:
    """Largest share of sorted x starts within `band` points of each other: a text column's
    lines start at one edge, give or take a bullet and its hanging indent."""
    best, j = 0, 0
    for i, x in enumerate(starts):
        while x - starts[j] > band:
            j += 1
        best = max(best, i - j + 1)
    return best / len(starts) if starts else 0.0


def find_gutters(rows: Rows, width: float) -> list[tuple[Rows, float | None]]:
    """The page's rows in parts, each with its gutter (None = one column).

    One part when the page has a single gutter or none that a cut would reveal; otherwise an
    upper and a lower part, cut where both sides then have a gutter of their own. Candidate
    cuts are screened with a crossing count per row and x (numpy), so a single-column page
    costs one matrix, not a gutter search per cut.
    """
    whole = find_gutter(rows, width)
    if whole is not None or len(rows) < 2 * MIN_PART_ROWS:
        return [(rows, whole)]
    for k in _cut_candidates(rows, width):
        top, bottom = find_gutter(rows[:k], width), find_gutter(rows[k:], width)
        if top is not None and bottom is not None:
            return [(rows[:k], top), (rows[k:], bottom)]
    return [(rows, None)]


def _cut_candidates(rows: Rows, width: float) -> list[int]:
    """Row indexes where a cut leaves both parts with a low-crossing x (best first), at
    either run gap `find_gutter` tries."""
    best = np.minimum(_cut_shares(rows, width, 18.0), _cut_shares(rows, width, _narrow_gap(rows)))
    ks = [k for k in np.argsort(best, kind="stable") if best[k] <= 2 * MAX_CROSSING]
    return [int(k) + MIN_PART_ROWS for k in ks[:3]]


def _cut_shares(rows: Rows, width: float, gap: float) -> np.ndarray:
    """For each cut k (from MIN_PART_ROWS on), the larger of the two parts' best crossing
    shares: the fewest runs crossing some x, over the part's runs."""
    xs = np.arange(int(width * 0.3), int(width * 0.7), 3, dtype=float)
    crossing = np.zeros((len(rows), len(xs)))
    runs = np.zeros(len(rows))
    for r, row in enumerate(rows):
        segs = _segments(row, gap)
        runs[r] = len(segs)
        for a, b in segs:
            crossing[r] += (a < xs) & (xs < b)
    cum, cum_runs = np.cumsum(crossing, axis=0), np.cumsum(runs)
    ks = np.arange(MIN_PART_ROWS, len(rows) - MIN_PART_ROWS + 1)
    top = cum[ks - 1].min(axis=1) / np.maximum(cum_runs[ks - 1], 1.0)
    bottom = (cum[-1] - cum[ks - 1]).min(axis=1) / np.maximum(cum_runs[-1] - cum_runs[ks - 1], 1.0)
    return np.maximum(top, bottom)
