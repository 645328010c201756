"""Read a PDF into blocks and tables: text in reading order, headings, lists, tables, OCR.

One pass over the pages with pdfplumber (words with font name and size, tables), OCR for
pages without a usable text layer, then document-wide steps: running headers/footers and
page numbers removed, lines joined into paragraphs (`paragraphs`), headings and list
items recognised, table captions attached. `assemble.build_document` builds the outline.
A failure on one page becomes a warning; only a file that cannot be opened fails.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from ..assemble import build_document
from ..errors import FileTooLarge, IngestError, PasswordRequired
from ..options import ReadOptions
from ..records import Block, Document, Table
from . import ocr
from .layout import Line, Word, page_lines, strip_running_lines
from .paragraphs import blocks_from_lines
from .table_placement import merge_tables
from .tables import PageTable, extract_page_tables

_CID = re.compile(r"\(cid:\d+\)")
_NOT_GARBAGE = re.compile(r"[\s\d.…_\-–—,;:()%/']+")


@dataclass
class _Page:
    number: int
    height: float
    lines: list[Line] = field(default_factory=list)
    tables: list[PageTable] = field(default_factory=list)


def read_pdf(data: bytes, name: str, options: ReadOptions) -> Document:
    """Parse PDF bytes into a Document; raise IngestError (or a subclass) with a reason."""
    pdf = _open(data, name, options.password)
    warnings: list[str] = []
    pages: list[_Page] = []
    used_ocr = False
    try:
        try:
            page_objs = pdf.pages
        except RecursionError as exc:
            raise IngestError(name, "PDF structure loops (recursion)") from exc
        except Exception as exc:  # noqa: BLE001 - pdfminer raises anything on a broken tree
            raise IngestError(
                name, f"corrupt PDF: cannot read the page tree ({_why(exc)})"
            ) from exc
        if not page_objs:
            raise IngestError(name, "the PDF has no pages")
        if len(page_objs) > options.limits.max_pages:
            raise FileTooLarge(
                name,
                f"the PDF has {len(page_objs):,} pages, over the limit of "
                f"{options.limits.max_pages:,} (EVALKB_MAX_PAGES)",
            )
        renderer = _Renderer(data, options.password)
        for number, page in enumerate(page_objs, 1):
            try:
                content, ocred = _read_page(page, number, options, renderer, warnings)
                used_ocr |= ocred
                pages.append(content)
            except RecursionError:
                warnings.append(f"page {number}: PDF structure loops (recursion); page skipped")
            except Exception as exc:  # noqa: BLE001 - one bad page must not fail the document
                warnings.append(f"page {number}: could not be read ({_why(exc)}); page skipped")
            finally:
                page.close()  # drop pdfplumber's per-page caches: memory stays flat
        renderer.close()
        page_count = len(page_objs)
        if not pages:
            raise IngestError(name, f"no page could be read ({warnings[0] if warnings else ''})")
    finally:
        pdf.close()
    if not any(p.lines for p in pages):
        warnings.append("no text could be extracted from any page")
    strip_running_lines([(p.lines, p.height) for p in pages])
    blocks, tables = _assemble_blocks(pages)
    return build_document(
        data=data,
        file_name=name,
        media_type="pdf",
        blocks=blocks,
        tables=tables,
        page_count=page_count,
        warnings=warnings,
        versions=_versions(used_ocr),
    )


def _open(data: bytes, name: str, password: str | None) -> Any:
    import pdfplumber

    try:
        return pdfplumber.open(io.BytesIO(data), password=password or "")
    except RecursionError as exc:
        raise IngestError(name, "PDF structure loops (recursion)") from exc
    except Exception as exc:  # noqa: BLE001 - pdfplumber wraps pdfminer's errors
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        kind = type(inner).__name__
        if kind in ("PDFPasswordIncorrect", "PDFEncryptionError"):
            what = "wrong password" if password else "password required"
            raise PasswordRequired(name, f"{what}: the PDF is encrypted; pass --password") from exc
        if isinstance(inner, RecursionError):
            raise IngestError(name, "PDF structure loops (recursion)") from exc
        raise IngestError(name, f"corrupt or truncated PDF ({_why(inner)})") from exc


def _why(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


class _Renderer:
    """Opens the PDF with pypdfium2 only when a page needs OCR."""

    def __init__(self, data: bytes, password: str | None) -> None:
        self.data, self.password, self.doc = data, password, None

    def image(self, index: int) -> Any:
        if self.doc is None:
            import pypdfium2

            self.doc = pypdfium2.PdfDocument(self.data, password=self.password)
        return ocr.render(self.doc, index)

    def close(self) -> None:
        if self.doc is not None:
            self.doc.close()


def _read_page(
    page: Any, number: int, options: ReadOptions, renderer: _Renderer, warnings: list[str]
) -> tuple[_Page, bool]:
    """One page → lines (with table placeholders) and tables. Returns (page, used OCR)."""
    content = _Page(number, float(page.height))
    words: list[Word] = page.extract_words(extra_attrs=["fontname", "size"])
    problem = ""
    if not words:
        if not page.images and not page.curves:
            return content, False  # a blank page
        problem = "has no text layer (scanned?)"
    elif _garbled(words):
        problem = "has a garbled text layer (unmapped font glyphs)"
    if problem:
        if options.ocr and ocr.available():
            words = ocr.ocr_words(renderer.image(number - 1))
            warnings.append(f"page {number} {problem}; text read by OCR (tesseract)")
            content.lines = page_lines(words, number, float(page.width))
            return content, True
        warnings.append(
            f"page {number} {problem}; OCR not available: install tesseract-ocr"
            if options.ocr
            else f"page {number} {problem}; OCR is turned off"
        )
        return content, False
    content.tables = extract_page_tables(page, words)
    if content.tables:
        boxes = [t.bbox for t in content.tables]
        words = [w for w in words if not _inside(w, boxes)]
    lines = page_lines(words, number, float(page.width))
    for k, table in enumerate(content.tables):
        x0, top, x1, bottom = table.bbox
        lines.append(Line([], number, x0, x1, top, bottom, 0.0, False, "", table=k))
    content.lines = _in_order(lines)
    return content, False


def _in_order(lines: list[Line]) -> list[Line]:
    """Insert table placeholders into the line order by position (top within the column)."""
    text = [ln for ln in lines if ln.table < 0]
    for ph in (ln for ln in lines if ln.table >= 0):
        at = len(text)
        for i, ln in enumerate(text):
            if ln.top >= ph.top and (ln.column == 0 or ph.x0 < ln.x1 and ln.x0 < ph.x1):
                at = i
                break
        text.insert(at, ph)
    return text


def _inside(word: Word, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return any(
        x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1 for x0, top, x1, bottom in boxes
    )


def _garbled(words: list[Word]) -> bool:
    """Many `(cid:NN)` tokens or mostly non-letters: the font has no usable Unicode map."""
    text = "".join(w["text"] for w in words)
    cids = len(_CID.findall(text))
    if cids >= max(5, 0.2 * len(words)):
        return True
    # Dot leaders, numbers and dashes are not garbage (a table of contents is mostly that).
    rest = _NOT_GARBAGE.sub("", text)
    letters = sum(c.isalpha() for c in rest)
    return len(rest) >= 200 and letters < 0.5 * len(rest)


def _assemble_blocks(pages: list[_Page]) -> tuple[list[Block], list[Table]]:
    placed = merge_tables(
        [(p.number, p.tables, p.lines) for p in pages], {p.number: p.height for p in pages}
    )
    return blocks_from_lines([(p.number, p.lines) for p in pages], placed)


def _versions(used_ocr: bool) -> tuple[tuple[str, str], ...]:
    import pdfminer
    import pdfplumber

    versions = [
        ("pdfplumber", str(pdfplumber.__version__)),
        ("pdfminer.six", str(getattr(pdfminer, "__version__", ""))),
    ]
    if used_ocr:
        versions.append(("tesseract", ocr.version()))
    return tuple(versions)
