"""Candidate items: an item as found at one place, before repeats are merged.

The walker (`walker.Walker`) returns them in reading order, each with the evidence that made
it an item and a base confidence; `ingest.extract.collect` filters them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Candidate:
    """An item as found at one place, before merging repeats."""

    kind: str
    text: str
    pages: tuple[int, ...]
    section_path: tuple[str, ...]
    label: str = ""
    addressee: str = ""
    priority: str = ""
    resources: str = ""
    timing: str = ""
    condition: str = ""
    parent: int = -1  # index of the parent candidate for sub-points
    fields: list[tuple[str, str]] = field(default_factory=list)
    evidence: str = ""  # "heading: 7. RECOMMENDATIONS", "label: Recommendation 3", …
    confidence: float = 0.0  # base confidence from how it was found (knobs.Confidence)
    context: str = ""  # label of the lesson a recommendation is nested under


def merge_pages(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    """The sorted union of two page tuples."""
    return tuple(sorted(set(a) | set(b)))
