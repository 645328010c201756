"""Write and delete search units inside the caller's SQLite transaction.

Each chunk becomes a row of `chunks` (text, provenance, folded filter columns, float32
embedding) plus a row of `chunks_fts` (normalised text). The FAISS file is only a cache of
these rows; `index.vectors.VectorCache` brings it up to date after the commit.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ingest.errors import IndexMismatch
from ingest.records import Chunk, Document, Item

from .chunks import chunk_document, unit_text
from .embeddings import Embedder
from .knobs import ChunkKnobs
from .textnorm import fold, normalise

MODEL_KEY, DIM_KEY = "embedding_model", "embedding_dim"


@dataclass(frozen=True)
class Prepared:
    """A document's chunks and their embeddings, computed before the write transaction."""

    chunks: tuple[Chunk, ...]
    vectors: np.ndarray | None  # (len(chunks), dim) float32, L2-normalised; None = lexical only


def metadata_of(doc: Document, metadata: Mapping[str, object] | None = None) -> dict[str, object]:
    """The metadata mapping to use: the one given, else the document's stored pairs."""
    return dict(metadata) if metadata is not None else dict(doc.metadata)


def chunk_units(
    doc: Document,
    items: Sequence[Item],
    metadata: Mapping[str, object] | None = None,
    chunking: ChunkKnobs | None = None,
) -> list[Chunk]:
    """A document's search units (items, passages, table row groups)."""
    return chunk_document(doc, items, metadata_of(doc, metadata), chunking or ChunkKnobs())


def prepare(
    doc: Document,
    items: Sequence[Item],
    embedder: Embedder,
    metadata: Mapping[str, object] | None = None,
    progress: bool = False,
    chunking: ChunkKnobs | None = None,
) -> Prepared:
    """Chunk a document and embed its units (slow part; run it outside the transaction)."""
    chunks = chunk_units(doc, items, metadata, chunking)
    by_id = {it.id: it for it in items}
    texts = [unit_text(c, by_id.get(c.ref)) for c in chunks]
    return Prepared(tuple(chunks), embedder.encode(texts, progress=progress))


def as_list(value: object) -> list[str]:
    """A metadata value as a list of strings ('a; b' strings are split)."""
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split(";") if v.strip()]


def packed(values: Sequence[str]) -> str:
    """Folded values packed as '|a|b|' so a filter is `LIKE '%|a|%'`."""
    cleaned = [fold(" ".join(v.split())) for v in values if v.strip()]
    return "|" + "|".join(cleaned) + "|" if cleaned else ""


def _year(value: object) -> int | None:
    try:
        return int(str(value)[:4]) if value not in (None, "") else None
    except ValueError:
        return None


def stored_model(conn: sqlite3.Connection) -> str:
    """Name of the embedding model that built the stored vectors ('' before the first)."""
    row = conn.execute("SELECT value FROM meta WHERE key=?", (MODEL_KEY,)).fetchone()
    return str(row[0]) if row else ""


def check_model(conn: sqlite3.Connection, name: str, dim: int) -> None:
    """Record the embedding model on first use; raise IndexMismatch if another one built it."""
    rows = dict(
        conn.execute(
            "SELECT key, value FROM meta WHERE key IN (?, ?)", (MODEL_KEY, DIM_KEY)
        ).fetchall()
    )
    stored = rows.get(MODEL_KEY)
    has_vectors = conn.execute("SELECT 1 FROM chunks WHERE vector IS NOT NULL LIMIT 1").fetchone()
    if stored and has_vectors and (stored != name or int(rows.get(DIM_KEY, dim)) != dim):
        raise IndexMismatch(
            f"the index was built with embedding model {stored!r} (dim {rows.get(DIM_KEY)}) "
            f"but {name!r} (dim {dim}) is configured; run `evalkb reindex` to rebuild it"
        )
    if stored != name or rows.get(DIM_KEY) != str(dim):
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (MODEL_KEY, name))
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (DIM_KEY, str(dim)))


def write_chunks(
    conn: sqlite3.Connection,
    doc: Document,
    chunks: Sequence[Chunk],
    vectors: np.ndarray | None,
    *,
    items: Sequence[Item] = (),
    metadata: Mapping[str, object] | None = None,
    model: tuple[str, int] | None = None,
) -> int:
    """Replace a document's chunks (caller holds the transaction). Returns the row count.

    `vectors` rows align with `chunks` (None stores chunks without embeddings, lexical only).
    `model` = (name, dim) records and checks the embedding model against the store.
    """
    if vectors is not None and len(vectors) != len(chunks):
        raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
    if model is not None and len(chunks):
        check_model(conn, *model)
    delete_document_chunks(conn, doc.id)
    meta = metadata_of(doc, metadata)
    by_id = {it.id: it for it in items}
    doc_themes = sorted({t.value for it in items for t in it.tags if t.kind == "theme"})
    common = (
        doc.file_name,
        doc.language or str(meta.get("language") or ""),
        fold(str(meta.get("type") or meta.get("doc_type") or "")),
        _year(meta.get("year")),
        packed(as_list(meta.get("countries"))),
        packed(as_list(meta.get("organisations")) + as_list(meta.get("donors"))),
    )
    for i, chunk in enumerate(chunks):
        item = by_id.get(chunk.ref)
        themes = [t.value for t in item.tags if t.kind == "theme"] if item else doc_themes
        blob = None if vectors is None else np.asarray(vectors[i], dtype=np.float32).tobytes()
        cur = conn.execute(
            "INSERT INTO chunks (id, document_id, file_name, scope, kind, ref, label, text, pages,"
            " section_path, language, doc_type, year, countries, organisations, addressee,"
            " themes, vector) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                chunk.id,
                chunk.document_id,
                common[0],
                chunk.scope,
                chunk.kind,
                chunk.ref,
                item.label if item else "",
                chunk.text,
                json.dumps(list(chunk.pages)),
                json.dumps(list(chunk.section_path), ensure_ascii=False),
                *common[1:],
                fold(item.addressee) if item else "",
                packed(themes),
                blob,
            ),
        )
        conn.execute(
            "INSERT INTO chunks_fts (rowid, body) VALUES (?, ?)",
            (cur.lastrowid, normalise(unit_text(chunk, item))),
        )
    return len(chunks)


def delete_document_chunks(conn: sqlite3.Connection, document_id: str) -> int:
    """Delete a document's chunks (the FTS rows go by trigger). Returns the count."""
    return conn.execute("DELETE FROM chunks WHERE document_id = ?", (document_id,)).rowcount


def to_vector(blob: bytes) -> np.ndarray:
    """A stored BLOB back to a float32 vector."""
    return np.frombuffer(blob, dtype=np.float32)
