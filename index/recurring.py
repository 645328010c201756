"""Recurring recommendations: the same advice given in several documents, over the years.

A recurring cluster is a recurring theme (`index.themes.find_themes`, the one clustering of
item vectors) restricted to one item kind, told in documents and years: how many distinct
documents give it, the first and last year, one plain sentence ("recommended in 4
evaluations since 2019") and its members with their citations, oldest first.

Items a reviewer rejected are dropped from a cluster after clustering; a cluster left with
fewer than `min_documents` documents is dropped too. Rows are read with SQL both backends
accept (`index.dbapi`) and vectors through the searcher, so SQLite and PostgreSQL agree.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.errors import InvalidQuery
from ingest.records import ITEM_KINDS

from .dbapi import Conn
from .query import normal_kind
from .search import Searcher
from .themes import find_themes

# how a sentence says an item kind was given
VERBS = {
    "recommendation": "recommended",
    "lesson": "drawn as a lesson",
    "good_practice": "cited as a good practice",
}
DISTANCE = 0.5  # cosine distance of average linkage: the default of `find_themes`


@dataclass(frozen=True)
class Member:
    """One item of a recurring cluster, with its citation."""

    item_id: str
    label: str
    text: str
    document_id: str
    file_name: str
    year: int | None
    pages: tuple[int, ...]
    section: tuple[str, ...]


@dataclass(frozen=True)
class Recurring:
    """Similar items from several documents: how often, since when, and which."""

    kind: str
    label: str  # the cluster's most distinctive words
    sentence: str  # e.g. "recommended in 4 evaluations since 2019"
    document_count: int  # distinct documents
    first_year: int | None
    last_year: int | None
    years: tuple[int, ...]
    cohesion: float  # mean cosine of the members to their centre
    members: tuple[Member, ...]  # oldest first; undated last

    @property
    def document_ids(self) -> tuple[str, ...]:
        """Ids of the documents giving it, in member order, each once."""
        return tuple(dict.fromkeys(m.document_id for m in self.members))


def sentence(kind: str, documents: int, years: Sequence[int], evaluations: bool) -> str:
    """ "recommended in 4 evaluations since 2019"; "… in 2021" for one year; no year part
    when no document is dated. `evaluations`: every document is an evaluation (else
    "documents")."""
    noun = "evaluation" if evaluations else "document"
    text = f"{VERBS.get(kind, 'given')} in {documents} {noun}{'' if documents == 1 else 's'}"
    if not years:
        return text
    first, last = min(years), max(years)
    return f"{text} since {first}" if first < last else f"{text} in {first}"


def _members(conn: Conn, ids: Sequence[str]) -> dict[str, tuple[Member, str]]:
    """Item id → (member, folded document type), read from the items' search units."""
    if not ids:
        return {}
    rows = conn.execute(
        "SELECT ref, label, text, document_id, file_name, year, pages, section_path, doc_type"
        f" FROM chunks WHERE scope = 'item' AND ref IN ({','.join('?' * len(ids))})",
        list(ids),
    ).fetchall()
    return {
        r[0]: (
            Member(
                item_id=r[0],
                label=r[1],
                text=r[2],
                document_id=r[3],
                file_name=r[4],
                year=r[5],
                pages=tuple(json.loads(r[6])),
                section=tuple(json.loads(r[7])),
            ),
            r[8],
        )
        for r in rows
    }


def _rejected(conn: Conn) -> set[str]:
    """Ids of the items a reviewer rejected (none on a store older than reviews)."""
    try:
        rows = conn.execute("SELECT item_id FROM item_reviews WHERE verdict = 'rejected'")
        return {r[0] for r in rows}
    except sqlite3.OperationalError:
        return set()


def find_recurring(
    searcher: Searcher,
    *,
    kind: str = "recommendation",
    min_documents: int = 2,
    document_ids: Sequence[str] = (),
    distance: float = DISTANCE,
    limit: int | None = None,
) -> list[Recurring]:
    """Clusters of similar `kind` items given in at least `min_documents` documents, the
    most widespread first (then the most recent). `document_ids` keeps the clusters with a
    member from one of these documents. Needs stored item vectors. InvalidQuery for an
    unknown kind. `searcher` reads through its connection on either backend."""
    kind = normal_kind(kind)
    if kind not in ITEM_KINDS:
        raise InvalidQuery(f"unknown kind {kind!r}; use one of {', '.join(ITEM_KINDS)}")
    if min_documents < 2 or (limit is not None and limit < 1):
        raise InvalidQuery("min_documents must be at least 2 and limit at least 1")
    conn = searcher.shared
    themes = find_themes(
        conn,
        searcher.stored_vectors,
        kinds=(kind,),
        distance=distance,
        min_documents=min_documents,
    )
    found = _members(conn, [m for t in themes for m in t.members])
    rejected = _rejected(conn)
    wanted = set(document_ids)
    out: list[Recurring] = []
    for theme in themes:
        pairs = [found[m] for m in theme.members if m in found and m not in rejected]
        members = sorted(
            (m for m, _ in pairs),
            key=lambda m: (m.year is None, m.year or 0, m.file_name, m.pages, m.item_id),
        )
        documents = {m.document_id for m in members}
        if len(documents) < min_documents or (wanted and not wanted & documents):
            continue
        years = sorted({m.year for m in members if m.year is not None})
        evaluations = all(doc_type == "evaluation" for _, doc_type in pairs)
        out.append(
            Recurring(
                kind=kind,
                label=theme.label,
                sentence=sentence(kind, len(documents), years, evaluations),
                document_count=len(documents),
                first_year=years[0] if years else None,
                last_year=years[-1] if years else None,
                years=tuple(years),
                cohesion=theme.cohesion,
                members=tuple(members),
            )
        )
    out.sort(key=lambda r: (-r.document_count, -(r.last_year or 0), -len(r.members)))
    return out if limit is None else out[:limit]
