"""Hits from a ranking: one query reads the ranked chunks (and the near-duplicates collapsed
into them) with their item fields, and each becomes a `Hit` with its snippet.

Both backends assemble hits here: the PostgreSQL searcher copies the ranked rows into its
SQLite scratch store first (`index.pg.scratch`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence

from .hits import Hit, place
from .snippets import snippet

_HIT_SQL = (
    "SELECT c.num, c.id, c.scope, c.kind, c.text, c.document_id, c.file_name, c.pages,"
    " c.section_path, c.ref, c.label, i.addressee, i.priority, i.resources, i.timing"
    " FROM chunks c LEFT JOIN items i ON c.scope = 'item' AND i.id = c.ref"
    " WHERE c.num IN (SELECT value FROM json_each(?))"
)


def assemble_hits(
    conn: sqlite3.Connection,
    ranked: Sequence[tuple[int, float]],
    stems: set[str],
    folded: Mapping[int, Sequence[int]] | None = None,
) -> list[Hit]:
    """The hits of `ranked` in its order; `folded` maps a hit to the near-duplicates
    collapsed into it (cited as `also_at`). A chunk deleted since it was ranked is left out."""
    if not ranked:
        return []
    folded = folded or {}
    nums = [n for n, _ in ranked]
    extra = [d for n in nums for d in folded.get(n, ())]
    rows = {r["num"]: r for r in conn.execute(_HIT_SQL, (json.dumps(nums + extra),))}
    hits = []
    for num, score in ranked:
        r = rows.get(num)
        if r is None:
            continue
        snip, matched = snippet(r["text"], stems)
        hits.append(
            Hit(
                id=r["id"],
                scope=r["scope"],
                kind=r["kind"],
                text=r["text"],
                snippet=snip,
                document_id=r["document_id"],
                file_name=r["file_name"],
                pages=tuple(json.loads(r["pages"])),
                section=tuple(json.loads(r["section_path"])),
                score=round(score, 6),
                ref=r["ref"],
                label=r["label"],
                matched=matched,
                addressee=r["addressee"] or "",
                priority=r["priority"] or "",
                resources=r["resources"] or "",
                timing=r["timing"] or "",
                also_at=tuple(place(rows[d]) for d in folded.get(num, ()) if d in rows),
            )
        )
    return hits
