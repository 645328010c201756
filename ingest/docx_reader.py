"""Read .docx files (python-docx) into blocks and tables in document order.

The body is walked element by element so paragraphs and tables stay interleaved as written.
Headings come from paragraph styles (`Heading N`, `Titre N`, `Title`, or a style based on
one); only when a document uses no heading style at all do numbered, bold or short lines go
through `headings.guess_heading`. DOCX has no pages of its own: when Word saved its layout
(`w:lastRenderedPageBreak`) those marks give real page numbers, else hard page breaks do,
else everything is page 1.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from .assemble import build_document
from .errors import IngestError
from .options import ReadOptions
from .records import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, Document, Table
from .text_reader import heading_level
from .text_tables import guess_header_rows, pad_rows
from .vocab import CAPTION, DOCX_BULLETS, TABLE_CAPTION_MAX, bullet_pattern, normalise_bullet

_HEADING_STYLE = re.compile(r"^(?:heading|titre|überschrift|título)\s*(\d)$", re.I)
_LIST_STYLE = re.compile(r"^(?:list|liste)\b.*?(\d)?$", re.I)
_LITERAL_MARKER = re.compile(r"^(" + bullet_pattern(DOCX_BULLETS, letters="o") + r")\s+(?=\S)")
_BULLET_FORMATS = {"bullet", "none"}
SHORT_LINE = 120

try:  # python-docx exposes no __version__ on every release
    from importlib.metadata import version as _pkg_version

    _DOCX_VERSION = _pkg_version("python-docx")
except Exception:  # pragma: no cover - metadata missing only in odd installs
    _DOCX_VERSION = ""


def _style_heading_level(style: Any) -> int:
    """Heading level of a paragraph style (following `based_on`), 0 when not a heading."""
    seen = 0
    while style is not None and seen < 10:
        name = style.name or ""
        if name.lower() == "title":
            return 1
        if m := _HEADING_STYLE.match(name):
            return max(1, int(m.group(1)))
        style = style.base_style
        seen += 1
    return 0


def _num_props(p: Paragraph) -> tuple[str, int] | None:
    """(numId, ilvl) from the paragraph's or its style's numbering properties."""
    for ppr in (p._p.pPr, getattr(p.style.element, "pPr", None) if p.style else None):
        num = ppr.find(qn("w:numPr")) if ppr is not None else None
        if num is not None:
            num_id = num.find(qn("w:numId"))
            ilvl = num.find(qn("w:ilvl"))
            nid = num_id.get(qn("w:val")) if num_id is not None else ""
            if nid and nid != "0":
                return nid, int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else 0
    return None


class _Numbering:
    """Resolves list markers from numbering.xml and counts numbered items."""

    def __init__(self, doc: Any) -> None:
        self.formats: dict[tuple[str, int], tuple[str, str, str]] = {}  # format, text, font
        self.counters: dict[tuple[str, int], int] = {}
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.findall(qn("w:abstractNum"))}
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            node = abstract.get(ref.get(qn("w:val"))) if ref is not None else None
            for lvl in node.findall(qn("w:lvl")) if node is not None else []:
                fmt, text = lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText"))
                font = lvl.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
                self.formats[(num.get(qn("w:numId")), int(lvl.get(qn("w:ilvl"), "0")))] = (
                    fmt.get(qn("w:val"), "") if fmt is not None else "bullet",
                    text.get(qn("w:val"), "") if text is not None else "•",
                    font.get(qn("w:ascii"), "") if font is not None else "",
                )

    def marker(self, num_id: str, ilvl: int) -> str:
        """The marker as Word would draw it: bullet glyph, "3." or "b)".

        A bullet in a Symbol/Wingdings font is the glyph it draws, as the PDF reader has it
        (`vocab.normalise_bullet`); one still unknown is "•".
        """
        fmt, text, font = self.formats.get((num_id, ilvl), ("bullet", "•", ""))
        for key in [k for k in self.counters if k[0] == num_id and k[1] > ilvl]:
            del self.counters[key]  # a shallower item restarts deeper counts
        if fmt in _BULLET_FORMATS:
            glyph = normalise_bullet(text, font) if text else "•"
            return "•" if ord(glyph[0]) >= 0xF000 else glyph
        count = self.counters[(num_id, ilvl)] = self.counters.get((num_id, ilvl), 0) + 1
        value = chr(96 + (count - 1) % 26 + 1) if fmt == "lowerLetter" else str(count)
        value = value.upper() if fmt == "upperLetter" else value
        return re.sub(r"%\d", value, text, count=1) if "%" in text else f"{value}."


class _Pager:
    """Counts pages from Word's rendered page breaks, or else hard page breaks."""

    def __init__(self, body: Any) -> None:
        self.rendered = body.find(".//" + qn("w:lastRenderedPageBreak")) is not None
        self.page = 1

    def _is_break(self, el: Any) -> bool:
        if self.rendered:
            return bool(el.tag == qn("w:lastRenderedPageBreak"))
        return bool(el.tag == qn("w:br") and el.get(qn("w:type")) == "page")

    def span(self, element: Any) -> tuple[int, ...]:
        """Pages an element covers; advances the counter past its breaks."""
        first, seen_text = self.page, False
        for el in element.iter(qn("w:t"), qn("w:br"), qn("w:lastRenderedPageBreak")):
            if el.tag == qn("w:t") and el.text and el.text.strip():
                seen_text = True
            elif self._is_break(el):
                self.page += 1
                if not seen_text:
                    first = self.page  # the break comes before any text: starts on the new page
        return tuple(range(first, self.page + 1))


def _bold_prefix(p: Paragraph) -> str:
    """Text of the leading bold runs when more (non-bold) text follows them."""
    prefix: list[str] = []
    runs = [r for r in p.runs if r.text]
    for i, run in enumerate(runs):
        if not run.bold:
            rest = "".join(r.text for r in runs[i:]).strip()
            return " ".join("".join(prefix).split()) if prefix and rest else ""
        prefix.append(run.text)
    return ""


def _all_bold(p: Paragraph) -> bool:
    runs = [r for r in p.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def _table_rows(tbl: Any) -> tuple[list[list[str]], bool]:
    """Cell texts per row, one cell per `w:tc` (spans not repeated, vMerge continuations ''),
    plus whether the first row is marked as a repeating header row."""
    rows: list[list[str]] = []
    header = False
    for i, tr in enumerate(tbl.findall(qn("w:tr"))):
        trpr = tr.find(qn("w:trPr"))
        if i == 0 and trpr is not None and trpr.find(qn("w:tblHeader")) is not None:
            header = True
        cells: list[str] = []
        for tc in tr.iter(qn("w:tc")):
            if tc.getparent() is not tr and tc.getparent().tag != qn("w:sdtContent"):
                continue  # nested tables are flattened into their outer cell's text
            vmerge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            if vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue":
                cells.append("")
                continue
            paras = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))]
            cells.append(" ".join(" ".join(paras).split()))
        rows.append(cells)
    return rows, header


def _first_row_bold(tbl: Any) -> bool:
    tr = tbl.find(qn("w:tr"))
    runs = [
        r for r in tr.iter(qn("w:r")) if "".join(t.text or "" for t in r.iter(qn("w:t"))).strip()
    ]
    return bool(runs) and all(
        r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None
        and r.find(f"{qn('w:rPr')}/{qn('w:b')}").get(qn("w:val"), "true") not in ("0", "false")
        for r in runs
    )


def _body_elements(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables in order, looking inside content controls (e.g. a TOC)."""
    for child in parent.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_elements(content)


def read_docx(data: bytes, name: str, options: ReadOptions) -> Document:
    """Read a .docx file's bytes into a Document with outline, blocks and tables."""
    try:
        doc = open_docx(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(name, f"not a readable Word document: {exc}") from exc
    except Exception as exc:  # python-docx raises bare errors on odd packages
        raise IngestError(name, f"cannot open Word document: {type(exc).__name__}: {exc}") from exc
    body = doc.element.body
    elements = list(_body_elements(body))
    paragraphs = {el: Paragraph(el, doc) for el in elements if el.tag == qn("w:p")}
    styled = any(_style_heading_level(p.style) for p in paragraphs.values() if p.style)
    numbering, pager = _Numbering(doc), _Pager(body)
    blocks: list[Block] = []
    tables: list[Table] = []
    title = ""
    for el in elements:
        pages = pager.span(el)
        if el.tag == qn("w:tbl"):
            raw, marked = _table_rows(el)
            rows = tuple(r for r in pad_rows(raw) if any(r))
            if not rows:
                continue
            prev = blocks[-1] if blocks else None
            caption = (
                prev.text[:TABLE_CAPTION_MAX]
                if (prev and prev.kind != TABLE and CAPTION.match(prev.text))
                else ""
            )
            header = (
                1
                if marked or (len(rows) > 1 and _first_row_bold(el))
                else (guess_header_rows(list(rows)))
            )
            tables.append(Table(len(tables), rows, pages, header_rows=header, caption=caption))
            blocks.append(
                Block(
                    TABLE, caption or f"Table {len(tables)}", pages, (), table_index=len(tables) - 1
                )
            )
            continue
        p = paragraphs[el]
        text = " ".join(p.text.split())
        if not text:
            continue
        level = _style_heading_level(p.style) if p.style else 0
        if level and p.style is not None and p.style.name.lower() == "title" and not title:
            title = text
        if not level and not styled and (_all_bold(p) or len(text) <= SHORT_LINE):
            level = heading_level(text, allow_plain_caps=_all_bold(p))
        if level:
            blocks.append(Block(HEADING, text, pages, (), level=level))
            continue
        num = _num_props(p)
        style_name = p.style.name if p.style is not None else ""
        list_style = _LIST_STYLE.match(style_name)
        if num or list_style:
            # "List Bullet 2" often carries its own list at ilvl 0: the style digit wins then
            style_depth = int(list_style.group(1) or 1) - 1 if list_style else 0
            ilvl = max(num[1] if num else 0, style_depth)
            marker = (
                numbering.marker(*num) if num else ("1." if "number" in style_name.lower() else "•")
            )
            blocks.append(
                Block(
                    LIST_ITEM,
                    text,
                    pages,
                    (),
                    level=ilvl,
                    marker=marker,
                    bold_prefix=_bold_prefix(p),
                )
            )
            continue
        if m := _LITERAL_MARKER.match(text):
            blocks.append(
                Block(
                    LIST_ITEM,
                    text[m.end() :],
                    pages,
                    (),
                    marker=m.group(1),
                    bold_prefix=_bold_prefix(p),
                )
            )
            continue
        blocks.append(Block(PARAGRAPH, text, pages, (), bold_prefix=_bold_prefix(p)))
    title = title or (doc.core_properties.title or "").strip()
    return build_document(
        data=data,
        file_name=name,
        media_type="docx",
        blocks=blocks,
        tables=tables,
        page_count=max(1, pager.page),
        title=title,
        versions=(("python-docx", _DOCX_VERSION),),
    )
