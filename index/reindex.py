"""Re-embed every stored chunk with the configured model (what `evalkb reindex` runs).

`unit_texts` reads the chunks and rebuilds the text each was embedded from (an item's
passage carries its item's fields); both backends encode those texts and swap the vectors
in one transaction (`reembed` here for SQLite, `index.pg.search_index` for Postgres).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from ingest.records import Chunk, Item

from .chunks import unit_text
from .embeddings import Embedder
from .indexer import DIM_KEY, MODEL_KEY

CHUNK_COLUMNS = "num, id, scope, kind, ref, document_id, text, pages, section_path"


def unit_texts(rows: list[Any], items: Mapping[str, Item]) -> list[str]:
    """The embedded text of each chunk row (`CHUNK_COLUMNS`, read by name)."""
    texts = []
    for r in rows:
        chunk = Chunk(
            id=r["id"],
            scope=r["scope"],
            document_id=r["document_id"],
            text=r["text"],
            pages=tuple(json.loads(r["pages"])),
            section_path=tuple(json.loads(r["section_path"])),
            kind=r["kind"],
            ref=r["ref"],
        )
        texts.append(unit_text(chunk, items.get(r["ref"]) if r["scope"] == "item" else None))
    return texts


def reembed(
    conn: sqlite3.Connection, embedder: Embedder, *, progress: bool = True, batch_size: int = 64
) -> int:
    """Encode all chunks again and store the vectors and model name in one transaction."""
    from index.store import row_to_item  # the lead's store: item rows → Item records

    items = {r["id"]: row_to_item(r) for r in conn.execute("SELECT * FROM items")}
    rows = conn.execute(f"SELECT {CHUNK_COLUMNS} FROM chunks ORDER BY num").fetchall()
    vectors = embedder.encode(unit_texts(rows, items), batch_size=batch_size, progress=progress)
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(
            "UPDATE chunks SET vector=? WHERE num=?",
            [(vectors[i].tobytes(), r["num"]) for i, r in enumerate(rows)],
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
