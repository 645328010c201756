"""The PDF reader's page loop: text layer, OCR on other cores, progress and a deadline.

Pages are read in order with pdfplumber. A page without a text layer, or whose text layer is
garbled (`garble`), is rendered and handed to `ocr.PageReader`, which reads it on another
core while the loop goes on; its words come back into the same layout code. Each page read
is reported to `progress`, and once the file's reading time (`Limits.read_seconds`) is used
up the loop takes no new page: the caller stores what was read and flags the rest missing.
OCR results are kept per page under `ReadOptions.cache_dir` until the document is read
whole, so a second run (`evalkb resume`) only OCRs the pages still missing.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..options import ReadOptions
from ..progress import current
from . import ocr
from .garble import MIN_TOKENS, GarbleCheck, verdict
from .layout import Line, Word, page_lines
from .tables import PageTable, extract_page_tables


@dataclass
class Page:
    """One page's lines (with table placeholders) and tables."""

    number: int
    height: float
    width: float = 0.0
    lines: list[Line] = field(default_factory=list)
    tables: list[PageTable] = field(default_factory=list)


@dataclass
class PageRun:
    """What the loop read: pages in order, the pages it had no time for, whether OCR ran."""

    pages: list[Page]
    missing: list[int]
    used_ocr: bool


def read_pages(
    page_objs: list[Any], data: bytes, doc_id: str, options: ReadOptions, warnings: list[str]
) -> PageRun:
    """Read every page (or as many as the time limit allows)."""
    progress = current()
    total = len(page_objs)
    progress.pages(total)
    deadline = progress.started + options.limits.read_seconds(total)
    queue = _OcrQueue(data, doc_id, options, warnings)
    check = GarbleCheck()
    read: dict[int, Page] = {}
    attempted: set[int] = set()
    short: dict[int, tuple[Page, list[Word]]] = {}  # too few words to judge alone: seen again
    try:
        for number, page in enumerate(page_objs, 1):
            if time.monotonic() > deadline:
                break
            attempted.add(number)
            try:
                content, words, problem = _read_page(page, number, check)
                if problem:
                    queue.add(content, problem)
                else:
                    read[number] = content
                    progress.page_done()
                    if words and 0 < verdict(w["text"] for w in words).tokens < MIN_TOKENS:
                        short[number] = (content, words)
            except RecursionError:
                warnings.append(f"page {number}: PDF structure loops (recursion); page skipped")
                progress.page_done()
            except Exception as exc:  # noqa: BLE001 - one bad page must not fail the document
                warnings.append(f"page {number}: could not be read ({_why(exc)}); page skipped")
                progress.page_done()
            finally:
                page.close()  # drop pdfplumber's per-page caches: memory stays flat
            read.update(queue.done())
        if check.bad_fonts and queue.enabled and time.monotonic() <= deadline:
            for number, (content, words) in short.items():  # a title in a garbled font
                if check.garbled(words):
                    read.pop(number, None)
                    queue.add(content, "is set in a garbled font", counted=True)
        read.update(queue.finish())
    finally:
        queue.close()
    missing = [n for n in range(1, total + 1) if n not in attempted]
    if not missing:
        queue.forget()
    return PageRun([read[n] for n in sorted(read)], missing, queue.used)


def _read_page(page: Any, number: int, check: GarbleCheck) -> tuple[Page, list[Word], str]:
    """One page → (content, its words, why it needs OCR or "")."""
    content = Page(number, float(page.height), float(page.width))
    words: list[Word] = page.extract_words(extra_attrs=["fontname", "size"])
    if not words:
        if not page.images and not page.curves:
            return content, words, ""  # a blank page
        return content, words, "has no text layer (scanned?)"
    if check.garbled(words):
        return content, words, "has a garbled text layer (unmapped font glyphs)"
    content.tables = extract_page_tables(page, words)
    if content.tables:
        boxes = [t.bbox for t in content.tables]
        words = [w for w in words if not _inside(w, boxes)]
    lines = page_lines(words, number, content.width)
    for k, table in enumerate(content.tables):
        x0, top, x1, bottom = table.bbox
        lines.append(Line([], number, x0, x1, top, bottom, 0.0, False, "", table=k))
    content.lines = _in_order(lines)
    return content, words, ""


class _OcrQueue:
    """Pages waiting for OCR: rendered here, read by `ocr.PageReader`, cached on disk."""

    def __init__(self, data: bytes, doc_id: str, options: ReadOptions, warnings: list[str]):
        self.data, self.options, self.warnings = data, options, warnings
        self.enabled = options.ocr and ocr.available()
        self.cache = Path(options.cache_dir) / doc_id if options.cache_dir else None
        self.used = False
        self._doc: Any = None
        self._reader: ocr.PageReader | None = None
        self._pending: dict[int, tuple[Page, Future[list[Word]], bool]] = {}
        self._ready: dict[int, Page] = {}

    def add(self, content: Page, problem: str, counted: bool = False) -> None:
        """OCR this page (or note why it cannot be)."""
        number = content.number
        content.lines, content.tables = [], []
        if not self.enabled:
            how = (
                "OCR not available: install tesseract-ocr"
                if self.options.ocr
                else ("OCR is turned off")
            )
            self.warnings.append(f"page {number} {problem}; {how}")
            self._finished(number, content, counted)
            return
        self.warnings.append(f"page {number} {problem}; text read by OCR (tesseract)")
        self.used = True
        cached = self._cached(number)
        if cached is not None:
            content.lines = page_lines(cached, number, content.width)
            self._finished(number, content, counted)
            return
        if self._reader is None:
            import pypdfium2

            self._doc = pypdfium2.PdfDocument(self.data, password=self.options.password)
            self._reader = ocr.PageReader(self.options.ocr_threads)
        image = ocr.render(self._doc, number - 1)
        self._pending[number] = (content, self._reader.submit(image), counted)

    def _finished(self, number: int, content: Page, counted: bool) -> None:
        self._ready[number] = content
        if not counted:
            current().page_done()

    def done(self, wait: bool = False) -> dict[int, Page]:
        """Pages read since the last call (all in flight when `wait`)."""
        for number, (content, future, counted) in list(self._pending.items()):
            if not wait and not future.done():
                continue
            del self._pending[number]
            try:
                words = future.result()
                self._store(number, words)
                content.lines = page_lines(words, number, content.width)
            except ocr.OcrFailed as exc:
                self.warnings.append(f"page {number}: OCR failed ({exc}); page left empty")
            self._finished(number, content, counted)
        ready, self._ready = self._ready, {}
        return ready

    def finish(self) -> dict[int, Page]:
        """Wait for every page in flight."""
        return self.done(wait=True)

    def close(self) -> None:
        """Stop the OCR threads and close the rendering document."""
        if self._reader is not None:
            self._reader.close()
        if self._doc is not None:
            self._doc.close()

    def _path(self, number: int) -> Path | None:
        if self.cache is None:
            return None
        return self.cache / f"p{number}-{ocr.RESOLUTION}-{ocr.LANGS}.json"

    def _cached(self, number: int) -> list[Word] | None:
        path = self._path(number)
        if path is None or not path.exists():
            return None
        try:
            words = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return words if isinstance(words, list) else None

    def _store(self, number: int, words: list[Word]) -> None:
        path = self._path(number)
        if path is None:
            return
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(words), encoding="utf-8")
            tmp.chmod(0o600)
            tmp.replace(path)

    def forget(self) -> None:
        """The document was read whole: its cached pages are no longer needed."""
        if self.cache is not None:
            shutil.rmtree(self.cache, ignore_errors=True)


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


def _why(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]
