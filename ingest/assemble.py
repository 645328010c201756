"""Turn a reader's flat blocks into a Document: outline, section paths, language.

Readers only decide what is a heading (and its level); this module builds the section tree
with page spans and stamps every block and table with the section path that holds it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace

from .records import HEADING, TABLE, Block, Document, Section, Table

_FR = frozenset(
    {"le", "la", "les", "des", "du", "de", "et", "est", "une", "un", "pour", "dans", "sur"}
    | {"par", "avec", "qui", "que", "aux", "au", "pas", "ont", "été", "sont"}
)
_EN = frozenset(
    {"the", "of", "and", "to", "in", "is", "for", "on", "with", "that", "by", "this"}
    | {"are", "was", "were", "be", "from", "has", "have", "not"}
)
_WORD = re.compile(r"[a-zà-ÿ]+")


def detect_language(text: str) -> str:
    """'fr' or 'en' by stop-word counts over the first 20,000 characters; '' when unclear."""
    words = _WORD.findall(text[:20000].lower())
    fr = sum(w in _FR for w in words)
    en = sum(w in _EN for w in words)
    if fr + en < 5:
        return ""
    return "fr" if fr >= en else "en"


def sha256(data: bytes) -> str:
    """The document id: hex sha256 of the file's bytes."""
    return hashlib.sha256(data).hexdigest()


def build_document(
    *,
    data: bytes,
    file_name: str,
    media_type: str,
    blocks: Sequence[Block],
    tables: Sequence[Table],
    page_count: int,
    warnings: Sequence[str] = (),
    versions: Sequence[tuple[str, str]] = (),
    title: str = "",
) -> Document:
    """Assemble a Document, computing sections and section paths from heading blocks."""
    stack: list[tuple[int, str]] = []  # (level, title) of open headings
    open_sections: list[int] = []  # indexes into `sections` of the open headings
    sections: list[Section] = []
    placed: list[Block] = []
    table_paths: dict[int, tuple[str, ...]] = {}
    last_page = 1
    for block in blocks:
        first_page = block.pages[0] if block.pages else last_page
        last_page = block.pages[-1] if block.pages else last_page
        if block.kind == HEADING:
            level = max(1, block.level)
            while stack and stack[-1][0] >= level:
                stack.pop()
                open_sections.pop()
            title_text = " ".join(block.text.split())
            stack.append((level, title_text))
            path = tuple(t for _, t in stack)
            sections.append(
                Section(title_text, len(stack), first_page, last_page, path, _number_of(title_text))
            )
            open_sections.append(len(sections) - 1)
            placed.append(replace(block, section_path=path, level=len(stack)))
            continue
        for i in open_sections:  # every open section extends to this block's last page
            if sections[i].page_end < last_page:
                sections[i] = replace(sections[i], page_end=last_page)
        path = tuple(t for _, t in stack)
        if block.kind == TABLE and block.table_index is not None:
            table_paths[block.table_index] = path
        placed.append(replace(block, section_path=path))
    stamped_tables = tuple(
        replace(t, section_path=table_paths.get(t.index, t.section_path)) for t in tables
    )
    outline = tuple(sections)
    body = "\n".join(b.text for b in placed if b.kind != TABLE)
    return Document(
        id=sha256(data),
        file_name=file_name,
        title=title or _guess_title(placed, file_name),
        language=detect_language(body),
        page_count=page_count,
        media_type=media_type,
        sections=outline,
        blocks=tuple(placed),
        tables=stamped_tables,
        warnings=tuple(warnings),
        versions=tuple(versions),
        size=len(data),
    )


_NUMBER = re.compile(r"^((?:SECTION|ANNEXE?|PARTIE)\s+\w+|[IVX]+\.|\d+(?:\.\d+)*\.?)\s", re.I)


def _number_of(title: str) -> str:
    m = _NUMBER.match(title)
    return m.group(1).rstrip(".") if m else ""


def _guess_title(blocks: Sequence[Block], file_name: str) -> str:
    """The first substantial line of the first page, else the file name."""
    for block in blocks[:30]:
        text = " ".join(block.text.split())
        if block.kind != TABLE and 12 <= len(text) <= 200 and sum(c.isalpha() for c in text) > 10:
            return text
    return file_name
