"""The records evalkb passes around: small frozen dataclasses, one module.

Readers turn a file into a `Document` (with its `Section`s, `Block`s and `Table`s);
the extractor turns a `Document` into `Item`s; the index cuts `Chunk`s for search.
Pages are 1-based everywhere. A section path is the tuple of heading titles from the
top of the outline down to the section that holds the piece.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .vocab import BBox

# Block kinds
HEADING = "heading"
PARAGRAPH = "paragraph"
LIST_ITEM = "list_item"
TABLE = "table"

# Item kinds
LESSON = "lesson"
GOOD_PRACTICE = "good_practice"
RECOMMENDATION = "recommendation"
ITEM_KINDS = (LESSON, GOOD_PRACTICE, RECOMMENDATION)


@dataclass(frozen=True)
class Section:
    """One node of a document's outline."""

    title: str
    level: int  # 1 = top level
    page_start: int
    page_end: int
    path: tuple[str, ...]  # titles from the top level down to this section, inclusive
    number: str = ""  # "5.8", "III", "Annexe 4" when the heading carries one


@dataclass(frozen=True)
class Block:
    """A run of text in reading order: heading, paragraph, list item or a table reference."""

    kind: str  # HEADING | PARAGRAPH | LIST_ITEM | TABLE
    text: str
    pages: tuple[int, ...]
    section_path: tuple[str, ...]
    bbox: BBox | None = None  # PDF only, on the first page of the block
    level: int = 0  # heading level, or list nesting depth (0 = top level list)
    marker: str = ""  # list marker as written: "-", "•", "1.", "a)"
    bold_prefix: str = ""  # leading bold run, e.g. "OIM :" (actor prefixes matter)
    table_index: int | None = None  # for TABLE blocks: index into Document.tables


@dataclass(frozen=True)
class Table:
    """A table as rows of cell texts, possibly spanning pages."""

    index: int  # position among the document's tables
    rows: tuple[tuple[str, ...], ...]
    pages: tuple[int, ...]
    section_path: tuple[str, ...] = ()
    header_rows: int = 1
    caption: str = ""
    bbox: BBox | None = None  # PDF only, on the first page
    row_pages: tuple[tuple[int, ...], ...] = ()  # pages of each row (PDF), aligned with rows

    @property
    def header(self) -> tuple[str, ...]:
        """The first header row, or an empty tuple for a table without one."""
        return self.rows[0] if self.rows and self.header_rows else ()


@dataclass(frozen=True)
class Document:
    """A parsed file: metadata plus its outline, blocks and tables."""

    id: str  # sha256 of the file's bytes
    file_name: str
    title: str
    language: str  # "fr" | "en" | "" when unknown
    page_count: int
    media_type: str  # "pdf" | "docx" | "xlsx" | "text" | "markdown" | "html"
    sections: tuple[Section, ...] = ()
    blocks: tuple[Block, ...] = ()
    tables: tuple[Table, ...] = ()
    warnings: tuple[str, ...] = ()
    versions: tuple[tuple[str, str], ...] = ()  # (parser, version) pairs that built it
    size: int = 0  # bytes
    metadata: tuple[tuple[str, str], ...] = ()  # extracted metadata (type, year, countries…)

    def text(self) -> str:
        """All block text in reading order, one block per line."""
        return "\n".join(b.text for b in self.blocks if b.kind != TABLE)


@dataclass(frozen=True)
class Occurrence:
    """Where an item appears: the same lesson may sit in the summary, the body and an annex."""

    pages: tuple[int, ...]
    section_path: tuple[str, ...]
    text: str = ""


@dataclass(frozen=True)
class Tag:
    """A criterion or theme attached to an item, with the evidence that set it."""

    kind: str  # "criterion" | "theme"
    value: str
    evidence: str


@dataclass(frozen=True)
class Item:
    """A lesson learned, good practice or recommendation with its fields and provenance."""

    id: str
    document_id: str
    kind: str  # LESSON | GOOD_PRACTICE | RECOMMENDATION
    text: str
    pages: tuple[int, ...]
    section_path: tuple[str, ...]
    label: str = ""  # "LA.1", "BP.2", "3", "Recommandation n°3"
    addressee: str = ""
    priority: str = ""
    resources: str = ""
    timing: str = ""
    condition: str = ""  # heading the item sits under, e.g. "A budget constant"
    parent_id: str = ""  # for sub-points
    fields: tuple[tuple[str, str], ...] = ()  # ILO template fields: (name, text)
    occurrences: tuple[Occurrence, ...] = ()
    tags: tuple[Tag, ...] = field(default=())
    evidence: str = ""  # what made it an item: "heading: 7. RECOMMENDATIONS", "label: R3"…
    confidence: float = 0.0  # in [0, 1]: table rows and labels high, weak cues low


@dataclass(frozen=True)
class Chunk:
    """A unit of search: an item, a section-aware passage or a group of table rows."""

    id: str
    scope: str  # "item" | "passage" | "table"
    document_id: str
    text: str
    pages: tuple[int, ...]
    section_path: tuple[str, ...]
    kind: str = ""  # item kind for item chunks, else the scope
    ref: str = ""  # item id or table index the chunk came from


# -- management responses (ingest/responses/) ------------------------------------------------
# Verdicts of a management response to one recommendation
ACCEPTED = "accepted"
PARTIALLY_ACCEPTED = "partially_accepted"
REJECTED = "rejected"
NOT_STATED = "not_stated"
VERDICTS = (ACCEPTED, PARTIALLY_ACCEPTED, REJECTED, NOT_STATED)


@dataclass(frozen=True)
class ResponseAction:
    """One key action a management response commits to, as the matrix states it.

    `id` is stable across re-reading: sha256 of the response id and the normalised text.
    """

    id: str
    text: str
    deadline: str = ""
    responsible: str = ""
    status: str = ""  # as written in the matrix ("" when the template cell is blank)
    comments: str = ""
    pages: tuple[int, ...] = ()


@dataclass(frozen=True)
class Response:
    """A management response to one recommendation block of an evaluation.

    `id` is stable across re-reading: sha256 of the document id and the normalised number
    (or the recommendation text when the block has no number). `numbers` lists every
    recommendation number the block answers ("B1–B3" → B1, B2, B3).
    """

    id: str
    document_id: str
    number: str  # as printed: "3", "A1", "B1–B3", "2, 3"; "" when unnumbered
    recommendation_text: str
    verdict: str = NOT_STATED  # one of VERDICTS
    verdict_evidence: str = ""  # the words the verdict was read from
    response_text: str = ""
    addressee: str = ""
    priority: str = ""
    actions: tuple[ResponseAction, ...] = ()
    pages: tuple[int, ...] = ()
    numbers: tuple[str, ...] = ()
    evidence: str = ""  # how the block was read: "table", "form"
