"""What an ingest batch is made of: the files a path names, and each file's outcome."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ingest.readers import SUPPORTED_SUFFIXES

INGESTED, UNCHANGED, FAILED = "ingested", "unchanged", "failed"


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one file of a batch."""

    path: str
    status: str  # ingested | unchanged | failed
    document_id: str = ""
    reason: str = ""
    replaced: tuple[str, ...] = ()  # ids of older versions of the same path


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[IngestOutcome]]:
    """Expand folders (recursively, supported types only); missing paths become failures."""
    files: list[Path] = []
    missing: list[IngestOutcome] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in SUPPORTED_SUFFIXES
                    and not p.name.startswith(".")
                )
            )
        elif path.exists():
            files.append(path)
        elif path.is_symlink():
            reason = "broken or looping symbolic link"
            missing.append(IngestOutcome(str(path), FAILED, reason=reason))
        else:
            missing.append(IngestOutcome(str(path), FAILED, reason="no such file or directory"))
    return files, missing
