"""Re-embed every stored chunk with the configured model (what `evalkb reindex` runs)."""

from __future__ import annotations

import json
import sqlite3

from ingest.records import Chunk

from .chunks import unit_text
from .embeddings import Embedder
from .indexer import DIM_KEY, MODEL_KEY


def reembed(
    conn: sqlite3.Connection, embedder: Embedder, *, progress: bool = True, batch_size: int = 64
) -> int:
    """Encode all chunks again and store the vectors and model name in one transaction."""
    from index.store import row_to_item  # the lead's store: item rows → Item records

    items = {r["id"]: row_to_item(r) for r in conn.execute("SELECT * FROM items")}
    rows = conn.execute(
        "SELECT num, id, scope, kind, ref, document_id, text, pages, section_path FROM chunks"
        " ORDER BY num"
    ).fetchall()
    texts = []
    for r in rows:
        chunk = Chunk(
            id=r[1],
            scope=r[2],
            document_id=r[5],
            text=r[6],
            pages=tuple(json.loads(r[7])),
            section_path=tuple(json.loads(r[8])),
            kind=r[3],
            ref=r[4],
        )
        texts.append(unit_text(chunk, items.get(r[4]) if r[2] == "item" else None))
    vectors = embedder.encode(texts, batch_size=batch_size, progress=progress)
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(
            "UPDATE chunks SET vector=? WHERE num=?",
            [(vectors[i].tobytes(), r[0]) for i, r in enumerate(rows)],
        )
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (MODEL_KEY, embedder.name))
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (DIM_KEY, str(embedder.dim)))
    except BaseException:
        if own:
            conn.execute("ROLLBACK")
        raise
    if own:
        conn.execute("COMMIT")
    return len(rows)
