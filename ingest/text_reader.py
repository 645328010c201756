"""Read plain text, Markdown and HTML into blocks and tables.

Text has no layout, so structure comes from the words: `#` headings, numbering ("5.8.",
"SECTION 5", "III.", "Annexe 4") via `headings.guess_heading`, list markers, tab-separated
and `|` pipe tables. Inline markup (HTML fragments, `**bold**`, `*italic*`, `\\$` escapes)
is stripped; a leading bold run is kept in `Block.bold_prefix`. HTML is first flattened
into the same line form (tables kept as row lists) so one parser serves all three kinds.
Pages exist only when the text has form feeds; otherwise everything is page 1.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from .assemble import build_document
from .headings import guess_heading, is_all_caps, is_toc_line
from .html_text import BREAK_TAGS, flatten_html
from .options import ReadOptions
from .records import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, Document, Table
from .text_tables import guess_header_rows, is_tab_row, pad_rows, take_pipe_table, take_tab_table
from .vocab import CAPTION, TABLE_CAPTION_MAX, TEXT_BULLETS, bullet_pattern

__all__ = [
    "clean_inline",
    "decode_text",
    "guess_header_rows",
    "heading_level",
    "pad_rows",
    "read_text",
    "split_bold_prefix",
]

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?/?>")
_BOLD_LEAD = re.compile(r"^(\*{2,3}|__)(?=\S)(.+?)(?<=\S)\1(?!\*)\s*(.*)$")
_BOLD = re.compile(r"(\*{2,3}|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_DANGLING = re.compile(r"^\*{2,3}(?=\S)|(?<=\S)\*{2,3}$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_SUPERSCRIPT = re.compile(r"\^\{([^{}]*)\}")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$|<>~])")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MARKER = re.compile(
    r"^("
    + bullet_pattern(TEXT_BULLETS, letters="o")
    + r"|\d{1,2}[.)](?!\d)|[a-z][.)]|[ivx]{1,4}\))\s+(?=\S)"
)
_DOT_LEADER = re.compile(r"(\.{4,}|…{2,})\s*\d*\s*$")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else cp1252, else latin-1 (which never fails)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def clean_inline(text: str, sep: str = " ") -> str:
    """Strip inline HTML tags and Markdown emphasis/links/escapes; collapse whitespace."""
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub(lambda m: sep if m.group(2).lower() in BREAK_TAGS else "", text)
    text = html.unescape(text)
    text = _LINK.sub(r"\1", text)
    text = _BOLD.sub(r"\2", text)
    text = _ITALIC.sub(r"\1", text)
    text = _DANGLING.sub("", text.strip())
    text = _SUPERSCRIPT.sub(r"\1", text)
    text = _ESCAPE.sub(r"\1", text)
    return " ".join(text.split())


def split_bold_prefix(line: str) -> tuple[str, str]:
    """('OIM :', rest) for "**OIM :** rest"; ('', line) when the line has no leading bold run."""
    stripped = _TAG.sub("", line).strip()
    m = _BOLD_LEAD.match(stripped)
    if not m or not m.group(3).strip():
        return "", line
    return clean_inline(m.group(2)), m.group(3)


def heading_level(text: str, *, allow_plain_caps: bool = True) -> int:
    """Heading level from the line's words (0 = not a heading), via `guess_heading`.

    Adjusts the shared rules where they disagree with how Word documents of the corpus are
    styled: numbered lines ending in ':' or '.' are list labels, not headings; a bare
    "Annexes" needs a number or capitals; all-caps lines stop at 85 characters but may end
    with a comma (multi-line decree titles: "LE PREMIER MINISTRE,").
    """
    line = " ".join(text.split())
    guess = guess_heading(line, allow_plain_caps=allow_plain_caps)
    caps = is_all_caps(line)
    if guess is None:
        comma_caps = allow_plain_caps and caps and line.endswith(",") and len(line) <= 85
        return 1 if comma_caps and not is_toc_line(text) else 0
    if guess.number[:1].isdigit() and line[-1] in ":.":
        return 0
    if guess.number == "Annexe" and not caps:
        return 0
    if not guess.number and len(line) > 85:
        return 0
    return guess.level


class _Builder:
    """Accumulates blocks and tables with page numbers while lines are read."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.tables: list[Table] = []
        self.page = 1
        self.joinable = False  # the previous line was text (no blank line since)

    def add(
        self, kind: str, text: str, *, level: int = 0, marker: str = "", bold_prefix: str = ""
    ) -> None:
        if text:
            self.blocks.append(
                Block(
                    kind,
                    text,
                    (self.page,),
                    (),
                    level=level,
                    marker=marker,
                    bold_prefix=bold_prefix,
                )
            )

    def add_table(self, rows: list[list[str]], header_rows: int | None = None) -> None:
        self.joinable = False
        padded = pad_rows([[clean_inline(c) for c in r] for r in rows])
        padded = tuple(r for r in padded if any(r))
        if not padded:
            return
        caption = ""
        prev = self.blocks[-1] if self.blocks else None
        if prev and prev.kind != TABLE and CAPTION.match(prev.text):
            caption = prev.text[:TABLE_CAPTION_MAX]
        index = len(self.tables)
        header = guess_header_rows(list(padded)) if header_rows is None else header_rows
        self.tables.append(Table(index, padded, (self.page,), header_rows=header, caption=caption))
        self.blocks.append(
            Block(TABLE, caption or f"Table {index + 1}", (self.page,), (), table_index=index)
        )

    def add_line(self, raw: str, *, markdown: bool) -> None:
        """Classify one non-table line: markdown heading, TOC line, heading, list item, text."""
        indent = len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip())
        line = raw.strip()
        if m := _MD_HEADING.match(line):
            self.add(HEADING, clean_inline(m.group(2)), level=len(m.group(1)))
            return
        if line.strip("-*_ ") == "" and len(line) >= 3:
            return  # a horizontal rule
        bold_prefix, rest = split_bold_prefix(line)
        text = clean_inline(line)
        if not text:
            return
        if is_toc_line(raw) or _DOT_LEADER.search(text):
            self.add(PARAGRAPH, text)
            return
        if level := heading_level(text):
            self.add(HEADING, text, level=level)
            return
        if (m := _MARKER.match(text)) and (m.group(1) != "*" or not text.endswith("*")):
            marker, item, raw_item, depth = m.group(1), text[m.end() :], line, 0
            raw_item = raw_item[raw_item.find(marker) + len(marker) :].strip()
            while (inner := _MARKER.match(item)) and inner.group(1) in TEXT_BULLETS:
                # "- o **Organiser …**": a nested bullet written after its parent's marker
                marker, item, depth = inner.group(1), item[inner.end() :], depth + 1
                raw_item = raw_item[raw_item.find(marker) + len(marker) :].strip()
            self.add(
                LIST_ITEM,
                item,
                level=(indent // 2 if markdown else indent // 4) + depth,
                marker=marker,
                bold_prefix=split_bold_prefix(raw_item)[0],
            )
            return
        last = self.blocks[-1] if self.blocks else None
        if markdown and self.joinable and last is not None and last.kind in (PARAGRAPH, LIST_ITEM):
            # Markdown wraps paragraphs over lines: a line right under one continues it
            pages = tuple(sorted({*last.pages, self.page}))
            self.blocks[-1] = replace(last, text=f"{last.text} {text}", pages=pages)
            return
        self.add(PARAGRAPH, text, bold_prefix=bold_prefix if rest else "")


def _parse_lines(builder: _Builder, text: str, *, markdown: bool) -> None:
    """Walk the lines, gathering tab and pipe tables and classifying the rest."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        pages = line.count("\f")
        line = line.replace("\f", "")
        if is_tab_row(line, False):
            i = take_tab_table(builder, lines, i)
            continue
        if line.lstrip().startswith("|") and line.rstrip().endswith("|"):
            rows, header, i = take_pipe_table(lines, i)
            builder.add_table(rows, header_rows=header)
            continue
        builder.page += pages
        if line.strip():
            builder.add_line(line, markdown=markdown)
        builder.joinable = bool(line.strip())
        i += 1


def _flatten_html(text: str, builder: _Builder) -> None:
    """Parse an HTML document's structure straight into blocks and tables."""
    for seg in flatten_html(text):
        if seg.rows:
            builder.add_table(seg.rows)
        elif seg.heading:
            builder.add(HEADING, clean_inline(seg.text), level=seg.heading)
        elif seg.list_item:
            prefix, _ = split_bold_prefix(seg.text)
            builder.add(LIST_ITEM, clean_inline(seg.text), marker="•", bold_prefix=prefix)
        else:
            builder.add_line(seg.text, markdown=False)


def read_text(data: bytes, name: str, kind: str, options: ReadOptions) -> Document:
    """Read a .txt / .md / .html file's bytes into a Document (page 1 unless form feeds)."""
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    builder = _Builder()
    if kind == "html":
        _flatten_html(text, builder)
    else:
        _parse_lines(builder, text, markdown=kind == "markdown")
    return build_document(
        data=data,
        file_name=name,
        media_type=kind,
        blocks=builder.blocks,
        tables=builder.tables,
        page_count=builder.page,
        versions=(("evalkb-text", "1"),),
    )
