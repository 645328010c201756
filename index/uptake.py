"""Uptake of a recommendation: the later documents whose passages address it, ranked.

The recommendation's own search unit is the query: its stored vector for the dense list and
its words (with their glossary equivalents) for the lexical list, fused as a search fuses
them (`index.fusion.fuse`). Candidates are passages and table row groups of *other* documents
dated the same year as the item's document or later; documents with no year are candidates
too, listed after the dated ones. A passage must also be close in meaning (cosine of its
vector to the item's ≥ `min_similarity`), so a later document that merely shares words is
not listed. Passages are grouped per document, best first, documents ranked by their best
passage. When the item's own document has no year, every other document is a candidate and
all are ranked by score alone.

One code path on both backends: the lists, stored vectors and hits come from the searcher
(`PgSearcher` on PostgreSQL), the rest is SQL both engines accept (`index.dbapi`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ingest.errors import InvalidQuery

from .dbapi import Conn
from .fusion import fuse
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


def _close(searcher: Searcher, qv: np.ndarray, nums: Sequence[int], floor: float) -> set[int]:
    """The candidates whose vector has a cosine ≥ `floor` with the query vector."""
    found, mat = searcher.stored_vectors(nums)
    if not found:
        return set()
    scores = mat @ qv.astype(np.float32)
    return {n for n, s in zip(found, scores, strict=True) if s >= floor}


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
    unit = searcher.item_unit(item_id)  # NotFound without a stored vector
    qv, text, year = unit.vector, unit.text, unit.year
    where, args = _where(unit.document_id, year)
    knobs = searcher.index.knobs
    depth = max(knobs.depth, min(10 * k * passages, MAX_DEPTH))
    phrases = searcher.index.glossary().expand(text).phrases
    lexical = searcher._lexical(text, phrases, where, args, depth)
    dense = searcher._dense(qv, where, args, depth)
    candidates = list(dict.fromkeys(n for n, _ in [*dense, *lexical]))
    close = _close(searcher, qv, candidates, min_similarity)
    ranked = [(n, s) for n, s in fuse([lexical, dense], knobs) if n in close]
    stems = set(terms(text)) | {t for p in phrases for t in p}
    hits = searcher._plain_hits(ranked, stems, fold=True)
    return Uptake(
        item_id=item_id,
        kind=unit.kind,
        text=text,
        document_id=unit.document_id,
        file_name=unit.file_name,
        year=year,
        documents=tuple(_grouped(searcher.shared, hits, year, k, passages)),
    )


def _grouped(
    conn: Conn, hits: Sequence[Hit], year: int | None, k: int, passages: int
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
