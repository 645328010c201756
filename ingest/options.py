"""How to read a file: `ReadOptions` (PDF password, OCR) and the per-file `Limits`.

A module of its own so that `readers` (which picks a reader) and each reader (which takes
the options) both import it, rather than each other.
"""

from __future__ import annotations

from dataclasses import dataclass

READ_SHARE = 0.8  # of a file's time budget spent reading pages; the rest assembles and extracts


@dataclass(frozen=True)
class Limits:
    """Per-file limits; a file over any of them is refused with a clear message.

    Time scales with length: a file may take `seconds + seconds_per_page × pages`. The reader
    stops taking new pages at `READ_SHARE` of that and stores what it has, flagged incomplete
    (`ingest.partial`); the worker is killed only past the whole budget.
    """

    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    seconds: float = 300.0  # wall time for parsing one file in its worker, before pages
    memory_bytes: int = 3 * 1024 * 1024 * 1024  # address space of one worker
    seconds_per_page: float = 4.0  # added per page: an OCRed page takes 2-5 s of one core

    def budget(self, pages: int = 0) -> float:
        """Wall-time limit for a file of `pages` pages (0 = not known yet)."""
        return self.seconds + self.seconds_per_page * max(0, pages)

    def read_seconds(self, pages: int) -> float:
        """Time after which the reader stops taking new pages."""
        return READ_SHARE * self.budget(pages)


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file: PDF password, OCR of pages without (usable) text, limits.

    `cache_dir`, when set, keeps each OCRed page's words (`<cache_dir>/<document id>/`) until
    the document is read whole, so a re-run after a time-out reads only the missing pages;
    `ocr_threads` Tesseract processes read pages at once (0 = one per core).
    """

    password: str | None = None
    ocr: bool = True
    limits: Limits = Limits()
    cache_dir: str = ""
    ocr_threads: int = 0
