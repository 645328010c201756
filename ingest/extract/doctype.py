"""Documents that hold no items of their own: management responses.

A management response (an organisation's answer to an evaluation's recommendations) names
itself on its first page ("Management Response Matrix", "Réponse de la direction") and is
built as a response matrix (key actions, accepted / partially accepted / rejected,
responsible unit, deadline, implementation status). It quotes the evaluation's
recommendations, which are read by the response reader, never as items of this document.
Cues live in `data/response.tsv`.
"""

from __future__ import annotations

from ..records import TABLE, Document
from .knobs import DEFAULT_KNOBS, ExtractKnobs
from .lexicon import folded, patterns, search

FILE = "response.tsv"
FIRST_LINES = 4  # lines of the first page where the document names its type


def _first_page_lines(doc: Document) -> list[str]:
    lines = [b.text for b in doc.blocks if b.kind != TABLE and b.pages and b.pages[0] == 1]
    return lines[:FIRST_LINES]


def _all_text(doc: Document) -> str:
    cells = [c for t in doc.tables for row in t.rows for c in row if c]
    return folded(doc.text() + "\n" + "\n".join(cells))


def response_cues(doc: Document) -> int:
    """How many distinct management-response matrix cues the document shows."""
    text = _all_text(doc)
    return sum(1 for p in patterns(FILE, "cue") if p.search(text))


def is_management_response(doc: Document, knobs: ExtractKnobs = DEFAULT_KNOBS) -> bool:
    """True when the first page names a management response and the body is a response matrix."""
    head = folded(" ".join([doc.title, *_first_page_lines(doc)]))
    if not search(FILE, "title", head):
        return False
    return response_cues(doc) >= knobs.response_min_cues
