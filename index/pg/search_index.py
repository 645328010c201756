"""The search index on PostgreSQL: `index.search_index.SearchIndex` with its writes, removals
and reads moved to Postgres (chunking, embedding, the glossary and the knobs are inherited).

There is no cache to refresh: pgvector's HNSW index is maintained by Postgres itself.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from ingest.errors import IndexMismatch, InvalidQuery
from ingest.records import Document, Item

from .. import indexer
from ..chunks import CHUNKER_VERSION, unit_text
from ..indexer import DIM_KEY, MODEL_KEY, _year, as_list, metadata_of, packed
from ..reindex import CHUNK_COLUMNS, unit_texts
from ..search_index import CHUNKER_KEY, SearchIndex
from ..textnorm import fold, normalise
from . import rows
from .db import Connection, get_meta, set_meta, write_transaction
from .search import PgSearcher, model_mismatch

HNSW_INDEX = "CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_ip_ops)"
MAX_POSITION = 16383  # tsvector positions stop here; later tokens are not positioned


def token_vector(body: str) -> tuple[str, int]:
    """(tsvector literal of the normalised terms with their 1-based positions, term count).

    The terms are those the SQLite FTS5 table holds (`normalise` splits into them), so the
    BM25 statistics read from this column equal FTS5's."""
    positions: dict[str, list[int]] = {}
    words = body.split()
    for i, word in enumerate(words[:MAX_POSITION], start=1):
        positions.setdefault(word, []).append(i)
    parts = []
    for word, where in positions.items():
        quoted = word.replace("\\", "\\\\").replace("'", "''")
        parts.append(f"'{quoted}':" + ",".join(map(str, where[:256])))
    return " ".join(parts), len(words)


def vector_literal(vector: np.ndarray) -> str:
    """A float32 vector as pgvector text (shortest repr: exact float32 round trip)."""
    return "[" + ",".join(repr(float(x)) for x in np.asarray(vector, dtype=np.float32)) + "]"


def ensure_vector_column(conn: Connection, dim: int) -> None:
    """Type `chunks.embedding` as vector(dim) with an HNSW index (once per model)."""
    row = conn.execute(
        "SELECT atttypmod FROM pg_attribute WHERE attrelid = 'chunks'::regclass"
        " AND attname = 'embedding'"
    ).fetchone()
    if row is not None and int(row["atttypmod"]) == dim:
        return
    conn.execute("DROP INDEX IF EXISTS chunks_embedding_hnsw")
    conn.execute(f"ALTER TABLE chunks ALTER COLUMN embedding TYPE vector({int(dim)})")
    conn.execute(HNSW_INDEX)


def check_model(conn: Connection, name: str, dim: int) -> None:
    """Record the embedding model; raise IndexMismatch if another one built the vectors."""
    mismatch = model_mismatch(conn, name, dim)
    if mismatch:
        raise IndexMismatch(mismatch)
    if get_meta(conn, MODEL_KEY) != name or get_meta(conn, DIM_KEY) != str(dim):
        set_meta(conn, MODEL_KEY, name)
        set_meta(conn, DIM_KEY, str(dim))
    ensure_vector_column(conn, dim)


class PgSearchIndex(SearchIndex):
    """Chunks, token vectors and embeddings in PostgreSQL (no file cache)."""

    def write(  # type: ignore[override]
        self, conn: Connection, doc: Document, items: Sequence[Item], prepared: indexer.Prepared
    ) -> int:
        """Replace a document's chunks (caller's transaction); returns the chunk count."""
        chunks, vectors = prepared.chunks, prepared.vectors
        if vectors is not None and len(vectors) != len(chunks):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        if get_meta(conn, CHUNKER_KEY) is None:
            set_meta(conn, CHUNKER_KEY, CHUNKER_VERSION)
        if self.embedder is not None and chunks and vectors is not None:
            check_model(conn, self.embedder.name, self.embedder.dim)
        self.remove(conn, doc.id)
        meta = metadata_of(doc)
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
        batch = []
        for i, chunk in enumerate(chunks):
            item = by_id.get(chunk.ref)
            themes = [t.value for t in item.tags if t.kind == "theme"] if item else doc_themes
            tokens, length = token_vector(normalise(unit_text(chunk, item)))
            batch.append(
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
                    tokens,
                    length,
                    None if vectors is None else vector_literal(vectors[i]),
                )
            )
        # one COPY: fast, and the statistics trigger runs once for the document
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY chunks (id, document_id, file_name, scope, kind, ref, label, text,"
                " pages, section_path, language, doc_type, year, countries, organisations,"
                " addressee, themes, tokens, body_len, embedding) FROM STDIN"
            ) as copy,
        ):
            for row in batch:
                copy.write_row(row)
        return len(chunks)

    def remove(self, conn: Connection, document_id: str) -> int:  # type: ignore[override]
        """Delete a document's chunks; returns the count."""
        return conn.execute("DELETE FROM chunks WHERE document_id = %s", (document_id,)).rowcount

    def refresh(self, conn: Connection) -> None:  # type: ignore[override]
        """Nothing to bring in step: Postgres maintains its indexes."""

    def searcher(self, conn: Connection) -> PgSearcher:  # type: ignore[override]
        """A searcher reading through `conn`."""
        return PgSearcher(conn, self)

    def vectors(self, conn: Any) -> Any:
        """No FAISS cache on Postgres (dense search reads pgvector)."""
        raise InvalidQuery("the PostgreSQL backend keeps no FAISS cache")

    def rechunk(self, conn: Connection, force: bool = False) -> int:  # type: ignore[override]
        """Cut every stored document again when another chunker built the store (or `force`).

        One write transaction per document (other processes' searches go on meanwhile);
        the chunker version is recorded at the end. Returns the documents re-chunked."""
        version = get_meta(conn, CHUNKER_KEY)
        empty = conn.execute("SELECT 1 FROM chunks LIMIT 1").fetchone() is None
        if not force and (version == CHUNKER_VERSION or (version is None and empty)):
            return 0
        ids = [r["id"] for r in conn.execute("SELECT id FROM documents ORDER BY id")]
        for doc_id in ids:
            doc = rows.load_document(conn, doc_id)
            items = [
                rows.to_item(r)
                for r in conn.execute(
                    "SELECT * FROM items WHERE document_id = %s ORDER BY ord", (doc_id,)
                )
            ]
            prepared = self.prepare(doc, items)  # embedding: before the lock
            with write_transaction(conn):
                self.write(conn, doc, items, prepared)
        with write_transaction(conn):
            set_meta(conn, CHUNKER_KEY, CHUNKER_VERSION)
        return len(ids)

    def reindex(  # type: ignore[override]
        self, conn: Connection, progress: bool = True, batch_size: int = 64
    ) -> int:
        """Re-embed every chunk with the configured model; returns the chunk count.

        The vectors are computed first, then swapped in one write transaction: the column
        is retyped for the model's dimension and the HNSW index rebuilt, so searches wait
        for that transaction (minutes on a large store) and never see a mix of models."""
        if self.embedder is None:
            raise InvalidQuery("reindex needs an embedding model, none is configured")
        items = {r["id"]: rows.to_item(r) for r in conn.execute("SELECT * FROM items")}
        found = conn.execute(f"SELECT {CHUNK_COLUMNS} FROM chunks ORDER BY num").fetchall()
        vectors = self.embedder.encode(
            unit_texts(found, items), batch_size=batch_size, progress=progress
        )
        dim = int(self.embedder.dim)
        with write_transaction(conn):
            conn.execute("DROP INDEX IF EXISTS chunks_embedding_hnsw")
            conn.execute("UPDATE chunks SET embedding = NULL")  # the old dimension goes
            conn.execute(f"ALTER TABLE chunks ALTER COLUMN embedding TYPE vector({dim})")
            conn.execute(
                f"CREATE TEMP TABLE new_vectors (num BIGINT, v vector({dim})) ON COMMIT DROP"
            )
            with conn.cursor() as cur, cur.copy("COPY new_vectors (num, v) FROM STDIN") as copy:
                for row, vector in zip(found, vectors, strict=True):
                    copy.write_row((row["num"], vector_literal(vector)))
            conn.execute(
                "UPDATE chunks SET embedding = n.v FROM new_vectors n WHERE chunks.num = n.num"
            )
            conn.execute(HNSW_INDEX)
            set_meta(conn, MODEL_KEY, self.embedder.name)
            set_meta(conn, DIM_KEY, str(dim))
        return len(found)

    def status(self) -> dict[str, object]:
        """The vector index kind."""
        return {"vector_index": "pgvector HNSW (inner product)"} if self.embedder else {}
