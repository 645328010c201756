"""The FAISS vector cache beside the store: inner product on normalised vectors, id-mapped.

Ids are `chunks.num` (never reused), so adding or deleting a document touches only its
vectors. Below `flat_limit` vectors the index is exact (IDMap2 over FlatIP); above it an
IVF index (which also supports remove_ids) is trained from the stored vectors. The file is
written atomically (tmp + os.replace) with a JSON sidecar naming the model, dimension and the
store's chunk generation; a missing or stale file is rebuilt from the BLOBs in SQLite.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from .filter_sets import FilterSet

INDEX_FILE, SIDECAR_FILE = "vectors.faiss", "vectors.json"


def bitmap_selector(nums: np.ndarray) -> tuple[Any, np.ndarray]:
    """A FAISS selector of the ids `nums` (sorted), as a bitmap, and the bitmap it reads
    (keep both: FAISS does not own the array). Built in numpy, far faster than a hash set
    of a large filter's ids, and one bit test per candidate."""
    bits = np.zeros(int(nums[-1]) + 1 if len(nums) else 1, dtype=bool)
    bits[nums] = True
    packed = np.packbits(bits, bitorder="little")
    # n is the bitmap's size in bytes: ids past it are not members
    return faiss.IDSelectorBitmap(len(packed), faiss.swig_ptr(packed)), packed


def generation(conn: sqlite3.Connection) -> int:
    """The store's chunk generation: bumped by triggers on every chunk insert/delete."""
    row = conn.execute("SELECT value FROM meta WHERE key='chunks_generation'").fetchone()
    return int(row[0]) if row else 0


def load_vectors(conn: sqlite3.Connection) -> tuple[np.ndarray, np.ndarray, int]:
    """(ids, vectors, dim) of every chunk that has an embedding, read from SQLite."""
    rows = conn.execute("SELECT num, vector FROM chunks WHERE vector IS NOT NULL ORDER BY num")
    ids: list[int] = []
    blobs: list[bytes] = []
    for num, blob in rows:
        ids.append(num)
        blobs.append(blob)
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32), 0
    dim = len(blobs[0]) // 4
    vecs = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(ids), dim)
    return np.asarray(ids, dtype=np.int64), vecs, dim


class VectorCache:
    """An in-memory FAISS index kept in step with the store, and its file on disk."""

    def __init__(
        self, home: Path, model: str, dim: int, *, flat_limit: int = 50_000, nprobe: int = 32
    ) -> None:
        self.home = Path(home)
        self.model, self.dim = model, dim
        self.flat_limit, self.nprobe = flat_limit, nprobe
        self.index: faiss.Index | None = None
        self.ids: set[int] = set()
        self.generation = -1
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        """Where the index file lives."""
        return self.home / INDEX_FILE

    # -- building ----------------------------------------------------------------------
    def _new_index(self, ids: np.ndarray, vecs: np.ndarray) -> faiss.Index:
        index: Any
        if len(ids) < self.flat_limit:
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
        else:
            # k-means needs a point per list at least (a flat_limit set very low)
            nlist = min(int(4 * math.sqrt(len(ids))), len(ids))
            quantizer = faiss.IndexFlatIP(self.dim)
            index = faiss.IndexIVFFlat(quantizer, self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
            rng = np.random.default_rng(0)
            sample = vecs[rng.choice(len(vecs), min(len(vecs), 40 * nlist), replace=False)]
            index.train(np.ascontiguousarray(sample))
            index.nprobe = self.nprobe
        if len(ids):
            index.add_with_ids(np.ascontiguousarray(vecs), ids)
        return index

    def rebuild(self, conn: sqlite3.Connection) -> None:
        """Rebuild the index from the stored vectors and save it."""
        with self._lock:
            self._rebuild(conn)

    def _rebuild(self, conn: sqlite3.Connection) -> None:
        gen = generation(conn)
        ids, vecs, dim = load_vectors(conn)
        if dim and dim != self.dim:
            raise ValueError(f"stored vectors have dimension {dim}, model gives {self.dim}")
        self.index = self._new_index(ids, vecs)
        self.ids = set(ids.tolist())
        self.generation = gen
        self._save()

    def _save(self) -> None:
        if self.index is None:
            return
        self.home.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".faiss.tmp")
        faiss.write_index(self.index, str(tmp))
        os.replace(tmp, self.path)
        side = {
            "model": self.model,
            "dim": self.dim,
            "generation": self.generation,
            "count": len(self.ids),
            "kind": type(self.index).__name__,
        }
        tmp_side = self.home / (SIDECAR_FILE + ".tmp")
        tmp_side.write_text(json.dumps(side))
        os.replace(tmp_side, self.home / SIDECAR_FILE)

    def _load(self, conn: sqlite3.Connection, gen: int) -> bool:
        """Load the file when its sidecar matches the store exactly."""
        try:
            side = json.loads((self.home / SIDECAR_FILE).read_text())
            if (side.get("model"), side.get("dim"), side.get("generation")) != (
                self.model,
                self.dim,
                gen,
            ):
                return False
            index = faiss.read_index(str(self.path))
        except (OSError, ValueError, RuntimeError):
            return False
        ids = {r[0] for r in conn.execute("SELECT num FROM chunks WHERE vector IS NOT NULL")}
        if index.ntotal != len(ids):
            return False
        if isinstance(index, faiss.IndexIVF):
            index.nprobe = self.nprobe
        self.index, self.ids, self.generation = index, ids, gen
        return True

    # -- keeping in step ---------------------------------------------------------------
    def sync(self, conn: sqlite3.Connection, save: bool = True) -> bool:
        """Bring the index in step with the store; True when something changed."""
        gen = generation(conn)
        if self.index is not None and gen == self.generation:
            return False
        with self._lock:
            if self.index is not None and gen == self.generation:
                return False
            if self.index is None:
                if self._load(conn, gen):
                    return False
                self._rebuild(conn)
                return True
            current = {
                r[0] for r in conn.execute("SELECT num FROM chunks WHERE vector IS NOT NULL")
            }
            gone = np.fromiter(self.ids - current, dtype=np.int64)
            new = sorted(current - self.ids)
            if len(current) >= self.flat_limit and not isinstance(self.index, faiss.IndexIVF):
                self._rebuild(conn)  # grew past the threshold: switch to IVF
                return True
            if len(gone):
                self.index.remove_ids(faiss.IDSelectorBatch(gone))
            for start in range(0, len(new), 5000):
                part = new[start : start + 5000]
                rows = conn.execute(
                    "SELECT num, vector FROM chunks WHERE num IN (SELECT value FROM json_each(?))"
                    " ORDER BY num",
                    (json.dumps(part),),
                ).fetchall()
                vecs = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
                self.index.add_with_ids(
                    vecs.reshape(len(rows), self.dim),
                    np.asarray([r[0] for r in rows], dtype=np.int64),
                )
            self.ids = current
            self.generation = gen
            if save:
                self._save()
            return True

    @property
    def partitioned(self) -> bool:
        """True for an IVF index: a search probes `nprobe` of its lists, not every vector."""
        return isinstance(self.index, faiss.IndexIVF)

    def search(
        self, query: np.ndarray, k: int, allowed: FilterSet | None = None, every_list: bool = False
    ) -> list[tuple[int, float]]:
        """Top-k (id, cosine) for a normalised query, optionally only among `allowed` ids
        (their FAISS selector is made once and kept with the set). `every_list` probes all
        of an IVF index's lists: with a small `allowed` set that is an exact search, and
        only the set's ids are scored."""
        if self.index is None or self.index.ntotal == 0 or k <= 0:
            return []
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        params: Any = None
        if allowed is not None:
            if allowed.selector is None:
                allowed.selector = bitmap_selector(allowed.nums)
            selector = allowed.selector[0]
            # faiss' type stubs do not know these keyword arguments
            kind: Any = faiss.SearchParameters
            if isinstance(self.index, faiss.IndexIVF):
                nprobe = self.index.nlist if every_list else self.nprobe
                params = faiss.SearchParametersIVF(sel=selector, nprobe=nprobe)  # type: ignore[call-arg]
            else:
                params = kind(sel=selector)
        scores, ids = self.index.search(q, min(k, self.index.ntotal), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def size_on_disk(self) -> int:
        """Bytes of the index file (0 when not saved yet)."""
        return self.path.stat().st_size if self.path.exists() else 0
