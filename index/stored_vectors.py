"""Stored chunk vectors by chunk number, and an item's own search unit, on either backend.

The cross-document reads (`index.themes`, `index.recurring`, `index.uptake`, similar items)
need the stored vectors of a few chunks. Where those live differs: a float32 BLOB in SQLite's
`chunks.vector`, a pgvector column `chunks.embedding` on PostgreSQL. Each searcher reads its
own (`Searcher.stored_vectors`, overridden by `PgSearcher`) under the one contract of
`VectorLookup`; which chunks to read and what to do with their vectors is written once.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ingest.errors import NotFound

if TYPE_CHECKING:
    from .dbapi import Conn

# nums → (the nums that have a stored vector, ascending; their vectors as float32 rows)
VectorLookup = Callable[[Sequence[int]], tuple[list[int], np.ndarray]]


def no_vectors() -> tuple[list[int], np.ndarray]:
    """What a lookup gives when no chunk asked for has a vector."""
    return [], np.zeros((0, 0), dtype=np.float32)


def blob_vectors(conn: sqlite3.Connection, nums: Sequence[int]) -> tuple[list[int], np.ndarray]:
    """The `VectorLookup` of the SQLite store: `chunks.vector` BLOBs. `json_each` rather than
    an `IN (?, …)` list: the dense search's exact path asks for up to `exact_limit` chunks
    (up to a million), beyond SQLite's limit on bound parameters."""
    if not nums:
        return no_vectors()
    rows = conn.execute(
        "SELECT num, vector FROM chunks WHERE num IN (SELECT value FROM json_each(?))"
        " AND vector IS NOT NULL ORDER BY num",
        (json.dumps([int(n) for n in nums]),),
    ).fetchall()
    if not rows:
        return no_vectors()
    mat = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
    return [int(r[0]) for r in rows], mat.reshape(len(rows), -1)


@dataclass(frozen=True, eq=False)  # eq=False: a numpy array has no plain truth value
class ItemUnit:
    """An item's own search unit with its stored vector: a query made of the item."""

    item_id: str
    kind: str
    text: str
    document_id: str
    file_name: str
    year: int | None  # of the item's document
    vector: np.ndarray  # float32, unit length


def item_unit(conn: Conn, vectors: VectorLookup, item_id: str) -> ItemUnit:
    """The search unit of item `item_id` (NotFound when it has none with a stored vector)."""
    rows = conn.execute(
        "SELECT num, kind, text, document_id, file_name, year FROM chunks"
        " WHERE scope = 'item' AND ref = ? ORDER BY num",
        (item_id,),
    ).fetchall()
    found, mat = vectors([r[0] for r in rows])
    if not found:
        raise NotFound(f"no indexed item with id {item_id!r}")
    row = next(r for r in rows if r[0] == found[0])
    return ItemUnit(
        item_id=item_id,
        kind=row[1],
        text=row[2],
        document_id=row[3],
        file_name=row[4],
        year=row[5],
        vector=mat[0],
    )
