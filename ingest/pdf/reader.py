"""Read a PDF into blocks and tables: text in reading order, headings, lists, tables, OCR.

One pass over the pages (`pages`: pdfplumber words with font name and size, tables, OCR of
pages without a usable text layer on the other cores, a deadline), then document-wide
steps: running headers/footers and page numbers removed, lines joined into paragraphs
(`paragraphs`), headings and list items recognised, table captions attached.
`assemble.build_document` builds the outline. A failure on one page becomes a warning; only
a file that cannot be opened fails.
"""

from __future__ import annotations

import io
from typing import Any

from ..assemble import build_document, sha256
from ..errors import FileTooLarge, IngestError, PasswordRequired
from ..options import ReadOptions
from ..partial import incomplete_warning
from ..records import Block, Document, Table
from . import ocr
from .layout import strip_running_lines
from .pages import Page, read_pages
from .paragraphs import blocks_from_lines
from .table_placement import merge_tables


def read_pdf(data: bytes, name: str, options: ReadOptions) -> Document:
    """Parse PDF bytes into a Document; raise IngestError (or a subclass) with a reason.

    Pages the time limit left unread are named in a first `incomplete:` warning
    (`ingest.partial`); the document holds the pages read.
    """
    pdf = _open(data, name, options.password)
    warnings: list[str] = []
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
        page_count = len(page_objs)
        from .fast_page import faster  # imports pdfplumber, as `_open` does: lazily

        pages = [faster(p) for p in page_objs]  # same pages, characters read faster
        run = read_pages(pages, data, sha256(data), options, warnings)
        if not run.pages:
            why = "the time limit ran out" if run.missing else (warnings[0] if warnings else "")
            raise IngestError(name, f"no page could be read ({why})")
    finally:
        pdf.close()
    if run.missing:
        budget = options.limits.budget(page_count)
        warnings.insert(0, incomplete_warning(run.missing, page_count, budget))
    if not any(p.lines for p in run.pages):
        warnings.append("no text could be extracted from any page")
    strip_running_lines([(p.lines, p.height) for p in run.pages])
    blocks, tables = _assemble_blocks(run.pages)
    return build_document(
        data=data,
        file_name=name,
        media_type="pdf",
        blocks=blocks,
        tables=tables,
        page_count=page_count,
        warnings=warnings,
        versions=_versions(run.used_ocr),
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


def _assemble_blocks(pages: list[Page]) -> tuple[list[Block], list[Table]]:
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
