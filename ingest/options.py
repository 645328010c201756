"""How to read a file: `ReadOptions` (PDF password, OCR) and the per-file `Limits`.

A module of its own so that `readers` (which picks a reader) and each reader (which takes
the options) both import it, rather than each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Per-file limits; a file over any of them is refused with a clear message."""

    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    seconds: float = 300.0  # wall time for parsing one file in its worker
    memory_bytes: int = 3 * 1024 * 1024 * 1024  # address space of one worker


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file: PDF password, OCR of pages without text, limits."""

    password: str | None = None
    ocr: bool = True
    limits: Limits = Limits()
