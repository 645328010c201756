"""Keep response links current: which evaluation a response document answers, and which of
its recommendation items each response answers.

Links are derived data, rebuilt whenever one side changes, inside the writer's transaction:

- a response document stored (or read again) is matched to the stored evaluation whose
  recommendation items explain its responses best (`linking.content_score`), helped by the
  two documents' context (a shared project code, countries, years); below `MIN_SCORE` it
  stays unmatched until a better candidate arrives;
- an evaluation stored later takes over every response document it explains better than
  that document's current match (a matrix ingested before its evaluation links then);
- a document whose items changed (re-extraction, re-ingest) has its response documents
  matched again; deleting either side drops the links (foreign keys), and `removed`
  matches the response documents left without an evaluation again.

The SQL runs on either backend (`index.dbapi`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ingest.records import Item, Response
from ingest.vocab import fold

from .dbapi import Conn
from .linking import KNOBS, LinkKnobs, content_score, link_items
from .responses import ResponseStore
from .rows import _tuple, row_to_item

MIN_SCORE = 0.3  # a document match scoring less is no match
CODE_BONUS = 0.2  # both documents name the same project code
PLACE_BONUS = 0.05  # … the same countries
YEAR_BONUS = 0.05  # the response is dated the evaluation's year or up to two years after
EARLY_PENALTY = 0.1  # the response is dated before the evaluation
CODE = re.compile(r"\b(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{4,12}\b")  # letters and digits


@dataclass(frozen=True)
class Context:
    """What, besides content, ties a response document to an evaluation."""

    codes: frozenset[str]
    countries: frozenset[str]
    year: int | None


@dataclass(frozen=True)
class Match:
    """A response document's evaluation, with a score in [0, 1] and how it was found."""

    evaluation_id: str
    score: float
    evidence: str


def _context(row: Any) -> Context:
    meta = {str(k): str(v) for k, v in _tuple(row["metadata"])}
    text = fold(" ".join([row["file_name"], row["title"], meta.get("title", "")]))
    codes = frozenset(c for c in CODE.findall(text.replace("-", " ").replace("_", " ")))
    countries = frozenset(c.strip() for c in meta.get("countries", "").split(";") if c.strip())
    year = meta.get("year", "")
    return Context(codes, countries, int(year) if year.isdigit() else None)


def context_bonus(response: Context, evaluation: Context) -> tuple[float, list[str]]:
    """The score the two documents' context adds (or takes), with the reasons."""
    bonus, why = 0.0, []
    if response.codes & evaluation.codes:
        bonus += CODE_BONUS
        why.append("code " + ",".join(sorted(response.codes & evaluation.codes)))
    if response.countries & evaluation.countries:
        bonus += PLACE_BONUS
        why.append("countries")
    if response.year and evaluation.year:
        if evaluation.year <= response.year <= evaluation.year + 2:
            bonus += YEAR_BONUS
            why.append("year")
        elif response.year < evaluation.year:
            bonus -= EARLY_PENALTY
            why.append("dated before")
    return bonus, why


class ResponseLinker:
    """Rebuilds response links after writes, under the caller's transaction."""

    def __init__(self, conn: Conn, knobs: LinkKnobs = KNOBS) -> None:
        self.conn = conn
        self.store = ResponseStore(conn)
        self.knobs = knobs

    # -- entry points -------------------------------------------------------------------
    def stored(self, document_id: str, responses: Sequence[Response]) -> None:
        """A document was stored or read again: keep its responses, match it if it is a
        response document, and let it take over the response documents it explains best."""
        self.store.write(document_id, responses)
        if responses:
            self._match(document_id)
        else:
            self.conn.execute(
                "DELETE FROM response_documents WHERE document_id = ?", (document_id,)
            )
        items = self._recommendations(document_id) if not responses else []
        for other, current, score in self._response_documents():
            if other == document_id:
                continue
            if current == document_id:
                self._match(other)  # this document's items changed: match again
            elif items:
                match = self._score(other, self.store.of_document(other), document_id, items)
                if match.score >= MIN_SCORE and match.score > score:
                    self._save(other, match)

    def removed(self) -> None:
        """Documents were deleted: match again the response documents left unmatched."""
        for document_id, current, _ in self._response_documents():
            if not current:
                self._match(document_id)

    def relink_all(self) -> None:
        """Match every response document again (after the linker changed)."""
        for document_id, _, _ in self._response_documents():
            self._match(document_id)

    # -- matching -----------------------------------------------------------------------
    def _match(self, document_id: str) -> None:
        best = Match("", 0.0, "")
        responses = self.store.of_document(document_id)
        for candidate in self._candidates():
            items = self._recommendations(candidate)
            match = self._score(document_id, responses, candidate, items)
            if match.score > best.score:
                best = match
        self._save(document_id, best if best.score >= MIN_SCORE else Match("", 0.0, ""))

    def _score(
        self, document_id: str, responses: Sequence[Response], candidate: str, items: Sequence[Item]
    ) -> Match:
        """How well `candidate`'s recommendation items explain a document's responses."""
        content = content_score(responses, items, self.knobs)
        bonus, why = context_bonus(self._context(document_id), self._context(candidate))
        score = max(0.0, min(1.0, content + bonus)) if content > 0 else 0.0
        evidence = "; ".join([f"content {content:.2f}", *why])
        return Match(candidate, round(score, 3), evidence)

    def _save(self, document_id: str, match: Match) -> None:
        """Record the document match and rebuild its responses' item links."""
        self.conn.execute(
            "INSERT INTO response_documents (document_id, evaluation_id, score, evidence)"
            " VALUES (?,?,?,?) ON CONFLICT (document_id) DO UPDATE SET"
            " evaluation_id = excluded.evaluation_id, score = excluded.score,"
            " evidence = excluded.evidence",
            (document_id, match.evaluation_id or None, match.score, match.evidence),
        )
        self.conn.execute(
            "DELETE FROM response_links WHERE response_id IN"
            " (SELECT id FROM responses WHERE document_id = ?)",
            (document_id,),
        )
        if not match.evaluation_id:
            return
        responses = self.store.of_document(document_id)
        links = link_items(responses, self._recommendations(match.evaluation_id), self.knobs)
        self.conn.executemany(
            "INSERT INTO response_links (response_id, item_id, score, method) VALUES (?,?,?,?)"
            " ON CONFLICT (response_id, item_id) DO UPDATE SET score = excluded.score,"
            " method = excluded.method",
            [(lk.response_id, lk.item_id, lk.score, lk.method) for lk in links],
        )

    # -- rows ---------------------------------------------------------------------------
    def _response_documents(self) -> list[tuple[str, str, float]]:
        rows = self.conn.execute(
            "SELECT DISTINCT r.document_id, COALESCE(rd.evaluation_id, ''),"
            " COALESCE(rd.score, 0) FROM responses r"
            " LEFT JOIN response_documents rd ON rd.document_id = r.document_id"
            " ORDER BY r.document_id"
        ).fetchall()
        return [(r[0], r[1], float(r[2])) for r in rows]

    def _candidates(self) -> list[str]:
        """Documents with recommendation items that are not response documents."""
        rows = self.conn.execute(
            "SELECT DISTINCT i.document_id FROM items i WHERE i.kind = 'recommendation'"
            " AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.document_id = i.document_id)"
            " ORDER BY i.document_id"
        )
        return [r[0] for r in rows]

    def _recommendations(self, document_id: str) -> list[Item]:
        rows = self.conn.execute(
            "SELECT * FROM items WHERE document_id = ? AND kind = 'recommendation' ORDER BY ord",
            (document_id,),
        )
        return [row_to_item(r) for r in rows]

    def _context(self, document_id: str) -> Context:
        row = self.conn.execute(
            "SELECT file_name, title, metadata FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        if row is None:
            return Context(frozenset(), frozenset(), None)
        return _context(row)
