"""Recurring themes: recommendations and lessons from several documents clustered together.

Item vectors are grouped by average-linkage agglomerative clustering on cosine distance;
a theme is a cluster whose members come from at least `min_documents` documents. Its label
is the cluster's most distinctive words (frequency in the cluster × rarity among items).
The rows are read with SQL both backends accept and the vectors through the searcher's
`VectorLookup`, so themes are the same on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .stored_vectors import VectorLookup
from .textnorm import STOPWORDS, fold, words

if TYPE_CHECKING:
    from .dbapi import Conn

MAX_ITEMS = 4000  # average linkage is O(n²) memory; above this the most recent items are used


@dataclass(frozen=True)
class Theme:
    """A recurring theme and where it recurs."""

    label: str
    members: tuple[str, ...]  # item ids
    documents: tuple[str, ...]  # file names
    years: tuple[int, ...]
    kinds: tuple[str, ...]
    cohesion: float  # mean cosine similarity of members to the cluster centre


# Words every recommendation shares ("La Cour demande au maire de veiller à…"): they say who
# and how, not what, so they never label a theme.
_LEAD_IN = frozenset(
    fold(w)
    for w in [
        "cour",
        "demande",
        "demandent",
        "recommande",
        "recommandons",
        "recommandé",
        "veiller",
        "mettre",
        "place",
        "assurer",
        "garantir",
        "renforcer",
        "améliorer",
        "maire",
        "ministre",
        "ministère",
        "directeur",
        "directrice",
        "général",
        "générale",
        "projet",
        "projets",
        "should",
        "recommend",
        "recommends",
        "ensure",
        "strengthen",
        "improve",
        "conformément",
        "cadre",
        "notamment",
        "afin",
    ]
)


def _label(texts: list[str], doc_freq: Counter[str], n_docs: int, top: int = 3) -> str:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(
            {
                w
                for w in words(text)
                if len(w) > 3 and fold(w) not in STOPWORDS and fold(w) not in _LEAD_IN
            }
        )
    # ties go alphabetically: `counts` was filled from sets, whose order changes with each
    # process's string hashing, and two servers must label one cluster alike
    scored = sorted(
        counts, key=lambda w: (-counts[w] * math.log(1 + n_docs / (1 + doc_freq[w])), w)
    )
    return ", ".join(scored[:top])


def _newest(
    conn: Conn, vectors: VectorLookup, kinds: Sequence[str]
) -> tuple[list[tuple[Any, ...]], np.ndarray]:
    """(rows, vectors) of the `MAX_ITEMS` newest items of `kinds` that have a stored vector,
    newest first. Vectors are looked up a batch at a time: an item stored without a model
    has none, and the next batch makes up for it."""
    marks = ",".join("?" * len(kinds))
    sql = f"SELECT num FROM chunks WHERE scope = 'item' AND kind IN ({marks}) ORDER BY num DESC"
    nums = [r[0] for r in conn.execute(sql, tuple(kinds))]
    found: dict[int, np.ndarray] = {}
    for start in range(0, len(nums), MAX_ITEMS):
        if len(found) >= MAX_ITEMS:
            break
        found.update(zip(*vectors(nums[start : start + MAX_ITEMS]), strict=True))
    newest = sorted(found, reverse=True)[:MAX_ITEMS]
    if not newest:
        return [], np.zeros((0, 0), dtype=np.float32)
    rows = conn.execute(
        "SELECT num, ref, kind, text, document_id, file_name, year FROM chunks"
        f" WHERE num IN ({','.join('?' * len(newest))}) ORDER BY num DESC",
        newest,
    ).fetchall()
    if not rows:
        return [], np.zeros((0, 0), dtype=np.float32)
    return [tuple(r)[1:] for r in rows], np.stack([found[r[0]] for r in rows])


def find_themes(
    conn: Conn,
    vectors: VectorLookup,
    *,
    kinds: tuple[str, ...] = ("recommendation", "lesson", "good_practice"),
    distance: float = 0.5,
    min_documents: int = 2,
    min_size: int = 2,
) -> list[Theme]:
    """Themes across the corpus, most widespread first (needs stored item vectors).

    `conn` reads the item rows (either backend, `index.dbapi.Conn`); `vectors` is the
    searcher's lookup of their stored vectors (`Searcher.stored_vectors`)."""
    from scipy.cluster.hierarchy import fcluster, linkage

    rows, vecs = _newest(conn, vectors, kinds)
    if len(rows) < 2:
        return []
    tree = linkage(vecs.astype(np.float64), method="average", metric="cosine")
    labels = fcluster(tree, t=distance, criterion="distance")
    doc_freq: Counter[str] = Counter()
    for r in rows:
        doc_freq.update({w for w in words(r[2])})
    themes = []
    for cluster in set(labels.tolist()):
        idx = np.flatnonzero(labels == cluster)
        members = [rows[i] for i in idx]
        documents = sorted({m[4] for m in members})
        if len(idx) < min_size or len(documents) < min_documents:
            continue
        centre = vecs[idx].mean(axis=0)
        centre /= np.linalg.norm(centre) or 1.0
        themes.append(
            Theme(
                label=_label([m[2] for m in members], doc_freq, len(rows)),
                members=tuple(m[0] for m in members),
                documents=tuple(documents),
                years=tuple(sorted({m[5] for m in members if m[5] is not None})),
                kinds=tuple(sorted({m[1] for m in members})),
                cohesion=round(float((vecs[idx] @ centre).mean()), 4),
            )
        )
    return sorted(themes, key=lambda t: (-len(t.documents), -len(t.members), -t.cohesion))
