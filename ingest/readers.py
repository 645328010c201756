"""Pick the reader for a file from its bytes (not its name) and check the size limits.

A `.pdf` that is really a JPEG, ZIP or HTML page is refused with a reason that says so.
"""

from __future__ import annotations

from pathlib import Path

from .errors import FileTooLarge, IngestError, UnsupportedFile
from .options import Limits, ReadOptions
from .records import Document

TEXT_SUFFIXES = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
SUPPORTED_SUFFIXES = (".pdf", ".docx", ".xlsx", *TEXT_SUFFIXES)

__all__ = [
    "SUPPORTED_SUFFIXES",
    "TEXT_SUFFIXES",
    "Limits",
    "ReadOptions",
    "read_bytes",
    "read_path",
    "sniff",
]

_DEFAULTS = ReadOptions()  # frozen: one shared default is safe


def sniff(data: bytes, name: str) -> str:
    """The reader for these bytes: pdf, docx, xlsx, text, markdown or html; else
    UnsupportedFile."""
    head = data[:2048]
    suffix = Path(name).suffix.lower()
    if head.lstrip(b"\x00\t\r\n ").startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if suffix in (".docx", "") and b"word/" in data[:65536]:
            return "docx"
        if suffix in (".xlsx", "") and b"xl/" in data[:65536]:
            return "xlsx"
        kind = suffix or "supported"
        raise UnsupportedFile(name, f"the file is a ZIP archive, not a {kind} file")
    if head.startswith(b"\xff\xd8\xff"):
        raise UnsupportedFile(name, "the file is a JPEG image, not a PDF or text document")
    if head.startswith(b"\x89PNG"):
        raise UnsupportedFile(name, "the file is a PNG image, not a PDF or text document")
    if suffix == ".pdf":
        lowered = head.lower()
        if b"<html" in lowered or b"<!doctype html" in lowered:
            raise UnsupportedFile(name, "the file is an HTML page, not a PDF")
        raise UnsupportedFile(name, "not a PDF: no %PDF- header (truncated or corrupt file)")
    if suffix in TEXT_SUFFIXES:
        if b"\x00" in head:
            raise UnsupportedFile(name, "binary content in a text file")
        return TEXT_SUFFIXES[suffix]
    raise UnsupportedFile(
        name,
        f"unsupported file type {suffix or '(no extension)'}; "
        f"evalkb reads {', '.join(SUPPORTED_SUFFIXES)}",
    )


def read_bytes(data: bytes, name: str, options: ReadOptions = _DEFAULTS) -> Document:
    """Parse a file's bytes into a Document. Raises IngestError subclasses with a reason."""
    if not data:
        raise IngestError(name, "empty file (0 bytes)")
    if len(data) > options.limits.max_bytes:
        raise FileTooLarge(
            name,
            f"file is {len(data):,} bytes, over the limit of "
            f"{options.limits.max_bytes:,} bytes (EVALKB_MAX_FILE_MB)",
        )
    kind = sniff(data, name)
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(data, name, options)
    if kind == "docx":
        from .docx_reader import read_docx

        return read_docx(data, name, options)
    if kind == "xlsx":
        from .xlsx_reader import read_xlsx

        return read_xlsx(data, name, options)
    from .text_reader import read_text

    return read_text(data, name, kind, options)


def read_path(path: Path, options: ReadOptions = _DEFAULTS) -> Document:
    """Read a file from disk; unreadable paths become IngestError naming the path."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"cannot read file: {exc.strerror or exc}") from exc
    return read_bytes(data, path.name, options)
