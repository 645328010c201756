"""A small thread-safe LRU whose entries hold while the store is unchanged.

Search keeps several per-process caches (the chunks a filter allows, whole search results,
query vectors). Each entry records the `stamp` it was computed at, for the store-backed ones
the chunk and review generations kept by triggers (`generations`), and a lookup with another
stamp misses. Entries are bounded by count and by the bytes `weigh` says they hold.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")

GENERATIONS = (
    "SELECT (SELECT value FROM meta WHERE key = 'chunks_generation'),"
    " (SELECT value FROM meta WHERE key = 'reviews_generation')"
)


def generations(conn: sqlite3.Connection) -> tuple[object, ...]:
    """The store's chunk and review generations: any write that can change what a search
    returns (chunks, vectors, a review verdict) moves one of them."""
    return tuple(conn.execute(GENERATIONS).fetchone())


class StampedLRU(Generic[V]):
    """Least-recently-used entries, each valid for the stamp it was stored with."""

    def __init__(
        self,
        size: int,
        budget: int = 0,
        weigh: Callable[[V], int] | None = None,
        *,
        fixed: bool = False,
    ) -> None:
        self.size = size  # 0 = store nothing
        self.budget = budget  # bytes; 0 = no byte bound
        self.weigh = weigh
        # fixed: a value's weight never changes once stored, so it is weighed once and a
        # running total kept (re-weighing 512 cached results cost 5 ms per search)
        self.fixed = fixed
        self._entries: OrderedDict[Hashable, tuple[object, V]] = OrderedDict()
        self._weights: dict[Hashable, int] = {}
        self._held = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, stamp: object = None) -> V | None:
        """The value stored for `key` at this `stamp`, or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] != stamp:
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, stamp: object, value: V) -> None:
        """Store a value, dropping the least recently used past the count or byte bound.

        Weights are read at each put: a value may grow after it is stored (a filter set
        gains its FAISS selector on first use)."""
        if self.size <= 0:
            return
        with self._lock:
            self._forget(key)
            self._entries[key] = (stamp, value)
            if self.fixed and self.weigh is not None:
                self._weights[key] = self.weigh(value)
                self._held += self._weights[key]
            while len(self._entries) > self.size:
                self._drop_oldest()
            if self.budget and self.weigh is not None:
                held = self._held if self.fixed else self._weigh_all()
                while len(self._entries) > 1 and held > self.budget:
                    held -= self._drop_oldest()

    def _weigh_all(self) -> int:
        assert self.weigh is not None
        return sum(self.weigh(v) for _, v in self._entries.values())

    def _forget(self, key: Hashable) -> None:
        if self._entries.pop(key, None) is not None:
            self._held -= self._weights.pop(key, 0)

    def _drop_oldest(self) -> int:
        """Drop the least recently used entry; its weight (0 when not weighed)."""
        key, (_, gone) = self._entries.popitem(last=False)
        weight = self._weights.pop(key, None)
        if weight is not None:
            self._held -= weight
            return weight
        return self.weigh(gone) if self.weigh is not None else 0

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
            self._weights.clear()
            self._held = 0
