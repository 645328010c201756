"""The typed search result: a `Hit` with its provenance, snippet and item fields, and the
`Place`s of the near-duplicates collapsed into it (`index.hit_rows` builds them)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    """Another place a collapsed near-duplicate passage is printed (summary and body)."""

    id: str  # chunk id
    pages: tuple[int, ...]
    section: tuple[str, ...]
    text: str = ""


@dataclass(frozen=True)
class Hit:
    """One search result with its provenance, a highlighted snippet and its item's fields."""

    id: str  # chunk id
    scope: str  # item | passage | table
    kind: str  # lesson | good_practice | recommendation | passage | table
    text: str
    snippet: str  # matched words wrapped in ** **
    document_id: str
    file_name: str
    pages: tuple[int, ...]
    section: tuple[str, ...]  # heading path
    score: float
    ref: str = ""  # item id (item hits) or table id (table hits)
    label: str = ""  # item label, e.g. "LA.1"
    matched: tuple[str, ...] = ()  # words of the text that matched the query
    addressee: str = ""  # item fields (item hits only)
    priority: str = ""
    resources: str = ""
    timing: str = ""
    also_at: tuple[Place, ...] = ()  # near-duplicates collapsed into this hit

    @property
    def all_pages(self) -> tuple[int, ...]:
        """Pages of this hit and of every near-duplicate collapsed into it."""
        return tuple(sorted({*self.pages, *(p for a in self.also_at for p in a.pages)}))

    @property
    def item_id(self) -> str:
        """The item's id, for item hits."""
        return self.ref if self.scope == "item" else ""

    @property
    def table_id(self) -> str:
        """The table's id, for table hits."""
        return self.ref if self.scope == "table" else ""


def place(row: sqlite3.Row) -> Place:
    """Where a collapsed near-duplicate is printed."""
    pages = tuple(json.loads(row["pages"]))
    return Place(row["id"], pages, tuple(json.loads(row["section_path"])), row["text"])
