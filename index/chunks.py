"""Cut a document into search units: items, section-aware passages and table row groups.

Passages follow the outline: consecutive text blocks of one section are packed into pieces
of about 150-300 words and never cross a section boundary. Tables are cut into groups of
rows; each row reads "Header1: cell1; Header2: cell2", so a row is found by its column
names. Every extracted item is a unit of its own. The text that is indexed and embedded
(`unit_text`) is prefixed with the heading path.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence

from ingest.records import HEADING, TABLE, Block, Chunk, Document, Item, Table

from .knobs import ChunkKnobs

ITEM, PASSAGE, TABLE_SCOPE = "item", "passage", "table"
SCOPES = (ITEM, PASSAGE, TABLE_SCOPE)

DEFAULT = ChunkKnobs()
MIN_WORDS, MAX_WORDS = DEFAULT.min_words, DEFAULT.max_words
TABLE_MAX_WORDS, TABLE_MAX_ROWS = DEFAULT.table_max_words, DEFAULT.table_max_rows
# Bumped when chunk boundaries or chunk text change: a store built by another chunker is
# re-chunked (SearchIndex.rechunk) or flagged (Searcher.status: "chunker_current").
CHUNKER_VERSION = "2-table-row-headers"
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")


CHUNKER_KEY = "chunker_version"


def chunker_version(conn: sqlite3.Connection) -> str | None:
    """The chunker version recorded in the store (None before its first document)."""
    row = conn.execute("SELECT value FROM meta WHERE key=?", (CHUNKER_KEY,)).fetchone()
    return None if row is None else str(row[0])


def chunker_current(conn: sqlite3.Connection) -> bool:
    """True when this code's chunker built the stored chunks (or nothing is stored yet).

    A store with chunks but no recorded version predates the record: it counts as stale."""
    version = chunker_version(conn)
    if version is None:
        return conn.execute("SELECT 1 FROM chunks LIMIT 1").fetchone() is None
    return version == CHUNKER_VERSION


def chunk_document(
    doc: Document,
    items: Sequence[Item] = (),
    metadata: Mapping[str, object] | None = None,
    knobs: ChunkKnobs = DEFAULT,
) -> list[Chunk]:
    """All search units of a document: items first, then passages, then table row groups.

    `metadata` is accepted for symmetry with the indexer; chunk boundaries do not use it.
    """
    chunks = [item_chunk(doc.id, item) for item in items]
    chunks += passage_chunks(doc, knobs)
    for table in doc.tables:
        chunks += table_chunks(doc.id, table, knobs)
    return chunks


def item_chunk(document_id: str, item: Item) -> Chunk:
    """One item as one unit."""
    return Chunk(
        id=f"{document_id[:16]}-i{item.id}",
        scope=ITEM,
        document_id=document_id,
        text=item.text,
        pages=item.pages,
        section_path=item.section_path,
        kind=item.kind,
        ref=item.id,
    )


def _words(text: str) -> int:
    return len(text.split())


def _split_long(text: str, max_words: int) -> list[str]:
    """Split an over-long block on sentence ends into pieces of at most `max_words` words."""
    pieces: list[str] = []
    current: list[str] = []
    count = 0
    for sentence in _SENTENCE_END.split(text):
        n = _words(sentence)
        if current and count + n > max_words:
            pieces.append(" ".join(current))
            current, count = [], 0
        # A single sentence longer than the limit is cut on words (tables flattened to text).
        while n > max_words:
            tokens = sentence.split()
            pieces.append(" ".join(tokens[:max_words]))
            sentence = " ".join(tokens[max_words:])
            n = _words(sentence)
        current.append(sentence)
        count += n
    if current:
        pieces.append(" ".join(current))
    return [p for p in pieces if p.strip()]


def _section_runs(blocks: Iterable[Block]) -> Iterable[list[Block]]:
    """Consecutive text blocks that share a section path."""
    run: list[Block] = []
    for block in blocks:
        if block.kind in (HEADING, TABLE) or not block.text.strip():
            if block.kind == HEADING and run:
                yield run
                run = []
            continue
        if run and run[-1].section_path != block.section_path:
            yield run
            run = []
        run.append(block)
    if run:
        yield run


def passage_chunks(doc: Document, knobs: ChunkKnobs = DEFAULT) -> list[Chunk]:
    """Section-aware passages of about `min_words`-`max_words` words."""
    lo, hi = knobs.min_words, knobs.max_words
    chunks: list[Chunk] = []
    for run in _section_runs(doc.blocks):
        pieces: list[tuple[str, set[int]]] = []  # (text, pages)
        text, pages, count = [], set(), 0  # type: ignore[var-annotated]
        for block in run:
            parts = _split_long(block.text, hi) if _words(block.text) > hi else [block.text]
            for part in parts:
                n = _words(part)
                if text and count >= lo or text and count + n > hi:
                    pieces.append(("\n".join(text), pages))
                    text, pages, count = [], set(), 0
                text.append(part)
                pages |= set(block.pages)
                count += n
        if text:
            # A short tail joins the previous piece when the two still fit the upper bound.
            if pieces and count < lo // 2 and _words(pieces[-1][0]) + count <= hi:
                prev_text, prev_pages = pieces.pop()
                pieces.append((prev_text + "\n" + "\n".join(text), prev_pages | pages))
            else:
                pieces.append(("\n".join(text), pages))
        for body, page_set in pieces:
            chunks.append(
                Chunk(
                    id=f"{doc.id[:16]}-p{len(chunks)}",
                    scope=PASSAGE,
                    document_id=doc.id,
                    text=body,
                    pages=tuple(sorted(page_set)),
                    section_path=run[0].section_path,
                    kind=PASSAGE,
                )
            )
    return chunks


def _row_text(row: Sequence[str]) -> str:
    return " | ".join(" ".join(cell.split()) for cell in row)


def column_names(header: Sequence[Sequence[str]]) -> list[str]:
    """One name per column: the header rows' cells of that column, joined (repeats dropped)."""
    width = max((len(r) for r in header), default=0)
    names = []
    for col in range(width):
        cells = [" ".join(r[col].split()) for r in header if col < len(r) and r[col].strip()]
        names.append(" ".join(dict.fromkeys(cells)))
    return names


def labelled_row(names: Sequence[str], row: Sequence[str]) -> str:
    """A body row as 'Header1: cell1; Header2: cell2' (empty cells dropped; a cell under an
    unnamed column, or one that repeats its header, stands alone)."""
    parts = []
    for col, cell in enumerate(row):
        text = " ".join(cell.split())
        if not text:
            continue
        name = names[col] if col < len(names) else ""
        parts.append(f"{name}: {text}" if name and name != text else text)
    return "; ".join(parts)


def table_chunks(document_id: str, table: Table, knobs: ChunkKnobs = DEFAULT) -> list[Chunk]:
    """Row groups of a table, each starting with the caption and the header rows."""
    header = [_row_text(r) for r in table.rows[: table.header_rows]]
    lead = ([table.caption] if table.caption else []) + header
    rows = [r for r in table.rows[table.header_rows :] if any(c.strip() for c in r)]
    names = column_names(table.rows[: table.header_rows])
    if knobs.table_row_headers and sum(1 for n in names if n) >= 2:
        # each row carries its column names, so the header line is not repeated
        lead = [table.caption] if table.caption else []
        body = [labelled_row(names, r) for r in rows]
    else:
        body = [_row_text(r) for r in rows]
    if not body:
        body, lead = header, ([table.caption] if table.caption else [])
    groups: list[list[str]] = []
    count = 0
    for row in body:
        n = _words(row)
        if (
            groups
            and groups[-1]
            and (count + n > knobs.table_max_words or len(groups[-1]) >= knobs.table_max_rows)
        ):
            groups.append([])
            count = 0
        if not groups:
            groups.append([])
        groups[-1].append(row)
        count += n
    ref = f"{document_id[:16]}-t{table.index}"  # same id as index.store.table_id
    return [
        Chunk(
            id=f"{ref}.{g}",
            scope=TABLE_SCOPE,
            document_id=document_id,
            text="\n".join(lead + rows),
            pages=table.pages,
            section_path=table.section_path,
            kind=TABLE_SCOPE,
            ref=ref,
        )
        for g, rows in enumerate(groups)
        if rows
    ]


def unit_text(chunk: Chunk, item: Item | None = None) -> str:
    """The text indexed and embedded for a chunk: heading path, item label/addressee, body."""
    parts = [" › ".join(chunk.section_path)] if chunk.section_path else []
    if item is not None:
        head = " ".join(x for x in (item.label, item.addressee and f"({item.addressee})") if x)
        if head:
            parts.append(head)
        if item.condition:
            parts.append(item.condition)
    parts.append(chunk.text)
    if item is not None:
        parts += [f"{name}: {value}" for name, value in item.fields if value]
    return "\n".join(parts)
