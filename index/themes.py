"""Recurring themes: recommendations and lessons from several documents clustered together.

Item vectors are grouped by average-linkage agglomerative clustering on cosine distance;
a theme is a cluster whose members come from at least `min_documents` documents. Its label
is the cluster's most distinctive words (frequency in the cluster × rarity among items).
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .textnorm import STOPWORDS, fold, words

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
    scored = sorted(counts, key=lambda w: -counts[w] * math.log(1 + n_docs / (1 + doc_freq[w])))
    return ", ".join(scored[:top])


def find_themes(
    conn: sqlite3.Connection,
    *,
    kinds: tuple[str, ...] = ("recommendation", "lesson", "good_practice"),
    distance: float = 0.5,
    min_documents: int = 2,
    min_size: int = 2,
) -> list[Theme]:
    """Themes across the corpus, most widespread first (needs stored item vectors)."""
    from scipy.cluster.hierarchy import fcluster, linkage

    marks = ",".join("?" * len(kinds))
    rows = conn.execute(
        f"SELECT ref, kind, text, document_id, file_name, year, vector FROM chunks"
        f" WHERE scope='item' AND kind IN ({marks}) AND vector IS NOT NULL"
        f" ORDER BY num DESC LIMIT {MAX_ITEMS}",
        kinds,
    ).fetchall()
    if len(rows) < 2:
        return []
    vecs = np.frombuffer(b"".join(r[6] for r in rows), dtype=np.float32).reshape(len(rows), -1)
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
