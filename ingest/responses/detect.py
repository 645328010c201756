"""Is this document a management response? From its structure and first page, not from
phrases of any one file.

Yes when the document says so near its start ("Management Response Matrix", "Réponse de la
direction", "Plan de réponse"), or the extractor's metadata typed it so, or a table of it is
headed like a response matrix (a recommendation column beside a management-response or
key-actions column) — and, in every case, the blocks read from it carry responses: a
verdict, a response text or actions for at least half of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..records import TABLE, Document
from .draft import Draft
from .grid import header_roles
from .vocab import first_match, folded

FIRST_LINES = 8  # lines of the first page where a document names its type
RESPONSE_SHARE = 0.5  # of the blocks read, those that must carry a response
TYPE_KEY = "type"
RESPONSE_TYPE = "management response"


def names_itself_a_response(doc: Document) -> bool:
    """The title or the first lines of page 1 call the document a management response."""
    lines = [doc.title]
    lines += [b.text for b in doc.blocks if b.kind != TABLE and b.pages[:1] == (1,)][:FIRST_LINES]
    if doc.tables:
        lines += [c for row in doc.tables[0].rows[:3] for c in row]
    return first_match("title", folded(" ".join(lines))) is not None


def has_matrix_header(doc: Document) -> bool:
    """A table header row names a recommendation column and a response or actions column."""
    for table in doc.tables:
        for row in table.rows[:6]:
            roles = set((header_roles(tuple(row), False) or {}).values())
            if "recommendation" in roles and roles & {"response", "actions"}:
                return True
    return False


def typed_as_response(doc: Document) -> bool:
    """The extractor's metadata says 'management response'."""
    return dict(doc.metadata).get(TYPE_KEY, "").strip().lower() == RESPONSE_TYPE


def is_response_document(doc: Document, drafts: Sequence[Draft]) -> bool:
    """True when the document is a management response and its blocks carry responses."""
    blocks = [d for d in drafts if d.has_content()]
    if not blocks:
        return False
    answered = sum(d.has_response() for d in blocks)
    if answered < max(1, RESPONSE_SHARE * len(blocks)):
        return False
    return names_itself_a_response(doc) or typed_as_response(doc) or has_matrix_header(doc)
