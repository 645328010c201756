"""The chunks a search filter allows, as a sorted array of chunk numbers, cached.

A filtered dense search needs the set of chunks the filter allows (exact scoring of a small
set, or a FAISS selector for a large one). Computing it reads the filter index, which costs
tens of milliseconds on a large store, while the same filter returns for query after query
(a user refining a search, an API client's fixed scope). Each set is kept, with its FAISS
selector, until the chunks or the reviews change: the entry records the store's chunk and
review generations (both kept by triggers) and is dropped when either moved.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

GENERATIONS = (
    "SELECT (SELECT value FROM meta WHERE key = 'chunks_generation'),"
    " (SELECT value FROM meta WHERE key = 'reviews_generation')"
)


@dataclass
class FilterSet:
    """The chunk numbers one filter allows and, made on first use, their FAISS selector with
    the bitmap it reads (a large set) or their stored vectors (a small set, scored exactly)."""

    nums: np.ndarray
    stamp: tuple[object, ...]  # the chunk and review generations it was read at
    selector: Any = field(default=None, repr=False)
    vectors: tuple[list[int], np.ndarray] | None = field(default=None, repr=False)

    @property
    def nbytes(self) -> int:
        """Memory held by the numbers, the bitmap and the vectors."""
        held = self.nums.nbytes
        if self.selector is not None:
            held += self.selector[1].nbytes
        return held + (self.vectors[1].nbytes if self.vectors is not None else 0)


class FilterSets:
    """A small LRU of filter sets shared by a process's searchers (thread-safe), bounded by
    entries and by the bytes they hold."""

    def __init__(self, size: int = 32, budget: int = 64 << 20) -> None:
        self.size = size
        self.budget = budget
        self._sets: OrderedDict[tuple[str, tuple[object, ...]], FilterSet] = OrderedDict()
        self._lock = threading.Lock()

    def allowed(self, conn: sqlite3.Connection, where: str, args: Sequence[object]) -> FilterSet:
        """The chunks `where` (over `chunks AS c`) allows, from the cache when still valid."""
        key = (where, tuple(args))
        stamp = tuple(conn.execute(GENERATIONS).fetchone())
        with self._lock:
            found = self._sets.get(key)
            if found is not None and found.stamp == stamp:
                self._sets.move_to_end(key)
                return found
        # one string, parsed in C: far cheaper than a Python object per row on large sets
        row = conn.execute(f"SELECT group_concat(c.num) FROM chunks c WHERE {where}", args)
        text = row.fetchone()[0]
        nums = np.array(text.split(","), dtype=np.int64) if text else np.zeros(0, np.int64)
        nums.sort()
        made = FilterSet(nums, stamp)
        with self._lock:
            self._sets[key] = made
            self._sets.move_to_end(key)
            held = sum(s.nbytes for s in self._sets.values())
            while len(self._sets) > 1 and (len(self._sets) > self.size or held > self.budget):
                _, gone = self._sets.popitem(last=False)
                held -= gone.nbytes
        return made

    def clear(self) -> None:
        """Forget every set (after a rebuild)."""
        with self._lock:
            self._sets.clear()
