"""Uptake of a recommendation: the later documents whose passages address it, ranked.

The recommendation's own search unit is the query: its stored vector for the dense list and
its words (with their glossary equivalents) for the lexical list, fused as a search fuses
them (`Searcher._fuse`). Candidates are passages and table row groups of *other* documents
dated the same year as the item's document or later; documents with no year are candidates
too, listed after the dated ones. A passage must also be close in meaning (cosine of its
vector to the item's ≥ `min_similarity`), so a later document that merely shares words is
not listed. Passages are grouped per document, best first, documents ranked by their best
passage. When the item's own document has no year, every other document is a candidate and
all are ranked by score alone.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ingest.errors import InvalidQuery, NotFound

from .lexical import lexical_search, match_expression
from .rerank import collapse
from .search import Hit, Searcher
from .textnorm import terms

# below this cosine a passage is not about the recommendation: unrelated French passages
# score 0.30-0.38 against a recommendation with the default model, related ones 0.6-0.7
MIN_SIMILARITY = 0.4
MAX_DEPTH = 500  # candidates per list at most (beyond the search depth knob)


@dataclass(frozen=True)
class UptakeDocument:
    """A later document and its passages addressing the recommendation, best first."""

    document_id: str
    file_name: str
    year: int | None
    doc_type: str
    score: float  # the best passage's fused score
    passages: tuple[Hit, ...]


@dataclass(frozen=True)
class Uptake:
    """Where a recommendation was taken up: its own citation and the later documents."""

    item_id: str
    kind: str
    text: str
    document_id: str
    file_name: str
    year: int | None  # of the item's document; None: every other document is a candidate
    documents: tuple[UptakeDocument, ...]


def _where(document_id: str, year: int | None) -> tuple[str, list[object]]:
    """Passages and tables of other documents, dated `year` or later or undated."""
    where = "c.scope IN ('passage', 'table') AND c.document_id != ?"
    args: list[object] = [document_id]
    if year is not None:
        where += " AND (c.year IS NULL OR c.year >= ?)"
        args.append(year)
    return where, args


def _close(conn: sqlite3.Connection, qv: np.ndarray, nums: Sequence[int], floor: float) -> set[int]:
    """The candidates whose vector has a cosine ≥ `floor` with the query vector."""
    if not nums:
        return set()
    rows = conn.execute(
        "SELECT num, vector FROM chunks WHERE num IN (SELECT value FROM json_each(?))"
        " AND vector IS NOT NULL",
        (json.dumps(list(nums)),),
    ).fetchall()
    if not rows:
        return set()
    mat = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
    scores = mat @ qv.astype(np.float32)
    return {int(r[0]) for r, s in zip(rows, scores, strict=True) if s >= floor}


def find_uptake(
    searcher: Searcher,
    item_id: str,
    *,
    k: int = 10,
    passages: int = 3,
    min_similarity: float = MIN_SIMILARITY,
) -> Uptake:
    """The `k` best later documents addressing an item, each with up to `passages` passages.

    Raises NotFound for an item with no indexed search unit, InvalidQuery for k or passages
    below 1. An item with no later document (or none close enough) gets an empty
    `documents`.
    """
    if k < 1 or passages < 1:
        raise InvalidQuery("k and passages must be at least 1")
    conn = searcher.conn
    row = conn.execute(
        "SELECT vector, document_id, file_name, text, kind, year FROM chunks"
        " WHERE scope = 'item' AND ref = ? AND vector IS NOT NULL",
        (item_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"no indexed item with id {item_id!r}")
    qv = np.frombuffer(row[0], dtype=np.float32)
    text, year = row[3], row[5]
    where, args = _where(row[1], year)
    knobs = searcher.index.knobs
    depth = max(knobs.depth, min(10 * k * passages, MAX_DEPTH))
    phrases = searcher.index.glossary().expand(text).phrases
    match = match_expression(text, phrases, conn)
    lexical = lexical_search(conn, match, where, args, depth) if match else []
    dense = searcher._dense(qv, where, args, depth)
    close = _close(conn, qv, list(dict.fromkeys(n for n, _ in [*dense, *lexical])), min_similarity)
    ranked = [(n, s) for n, s in searcher._fuse([lexical, dense]) if n in close]
    folded: dict[int, list[int]] = {}
    if knobs.collapse:
        ranked, folded = collapse(conn, ranked, len(ranked), knobs.collapse_overlap)
    hits = searcher._hits(ranked, set(terms(text)) | {t for p in phrases for t in p}, folded)
    return Uptake(
        item_id=item_id,
        kind=row[4],
        text=text,
        document_id=row[1],
        file_name=row[2],
        year=year,
        documents=tuple(_grouped(conn, hits, year, k, passages)),
    )


def _grouped(
    conn: sqlite3.Connection, hits: Sequence[Hit], year: int | None, k: int, passages: int
) -> list[UptakeDocument]:
    """Hits grouped per document (best first); dated documents before undated ones."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.document_id, []).append(hit)
    if not groups:
        return []
    marks = ",".join("?" * len(groups))
    info = {
        r[0]: (r[1], r[2] or "")
        for r in conn.execute(
            f"SELECT document_id, MAX(year), MAX(doc_type) FROM chunks"
            f" WHERE document_id IN ({marks}) GROUP BY document_id",
            list(groups),
        )
    }
    docs = [
        UptakeDocument(
            document_id=doc_id,
            file_name=group[0].file_name,
            year=info.get(doc_id, (None, ""))[0],
            doc_type=info.get(doc_id, (None, ""))[1],
            score=group[0].score,
            passages=tuple(group[:passages]),
        )
        for doc_id, group in groups.items()
    ]
    docs.sort(key=lambda d: (year is not None and d.year is None, -d.score))
    return docs[:k]
