"""Across reports on both storage backends (issue 12): themes, recurring recommendations and
uptake give the same results on SQLite and on PostgreSQL, through the one code path.

The reports of `test_recurring_uptake` (and the small search corpus of `test_backends`) are
stored once per module in each backend; the reads are compared result by result: the same
ids in the same order, scores equal to float32 precision. The HTTP routes are checked on
both. Runs on the server `test_backends` starts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pg_fixtures import new_database, pg_server
from test_api import make_client
from test_backends import both
from test_recurring_uptake import REPORTS, _parsed

from index import dbapi
from index.embeddings import HashingEmbedder
from index.pg.backend import Backend
from index.recurring import Recurring
from index.themes import Theme
from index.uptake import Uptake
from ingest.errors import NotFound

BACKENDS = ("sqlite", "postgresql")


def open_kb(home: Path, url: str) -> Any:
    """A KnowledgeBase on `url` ('' = SQLite under `home`) with the fake embedder."""
    from api.service import KnowledgeBase
    from api.settings import Settings

    settings = Settings(home=home, database_url=url, jobs=1, ocr=False)
    return KnowledgeBase(settings, embedder=HashingEmbedder())


def store_reports(kb: Any, folder: Path) -> dict[str, str]:
    """The reports of `test_recurring_uptake` stored; file name → document id."""
    folder.mkdir(parents=True, exist_ok=True)
    ids = {}
    for name, year, kind, paragraphs, recs in REPORTS:
        data = f"%PDF-1.4\n% {name}\n".encode()
        path = folder / name
        path.write_bytes(data)
        outcome = kb.store_parsed(path, _parsed(data, name, year, kind, paragraphs, recs))
        assert outcome.status == "ingested", outcome.reason
        ids[name] = outcome.document_id
    return ids


@pytest.fixture(scope="module")
def bases(
    pg_server: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Any]]:
    """The reports stored on SQLite and on a fresh Postgres database (read-only tests)."""
    tmp = tmp_path_factory.mktemp("across")
    kbs = {
        "sqlite": open_kb(tmp / "s", ""),
        "postgresql": open_kb(tmp / "p", new_database(pg_server)),
    }
    try:
        ids = [store_reports(kb, tmp / "src" / name) for name, kb in kbs.items()]
        assert ids[0] == ids[1]  # document ids are content hashes: the same on both
        yield {**kbs, "ids": ids[0]}
    finally:
        for kb in kbs.values():
            kb.close()


def item_ids(kb: Any) -> list[str]:
    """Every stored item's id, in the library's order."""
    return [item.id for item in kb.read.items()]


def same_recurring(got: list[Recurring], expected: list[Recurring]) -> None:
    """Equal clusters in the same order; cohesion to float32 precision."""
    assert [replace(r, cohesion=0.0) for r in got] == [replace(r, cohesion=0.0) for r in expected]
    assert [r.cohesion for r in got] == pytest.approx([r.cohesion for r in expected], abs=1e-5)


def same_themes(got: list[Theme], expected: list[Theme]) -> None:
    """Equal themes (label, members, documents, years, kinds) in the same order."""
    assert [replace(t, cohesion=0.0) for t in got] == [replace(t, cohesion=0.0) for t in expected]
    assert [t.cohesion for t in got] == pytest.approx([t.cohesion for t in expected], abs=1e-5)


def uptake_view(up: Uptake) -> tuple[Any, list[Any], list[float]]:
    """(the item's citation, documents with their passage ids, every score) of an uptake."""
    head = (up.item_id, up.kind, up.text, up.document_id, up.file_name, up.year)
    documents = [
        (d.document_id, d.file_name, d.year, d.doc_type, [(p.id, p.also_at) for p in d.passages])
        for d in up.documents
    ]
    scores = [s for d in up.documents for s in (d.score, *(p.score for p in d.passages))]
    return head, documents, scores


def test_recurring_same_on_both_backends(bases: dict[str, Any]) -> None:
    sqlite, postgres = bases["sqlite"].read, bases["postgresql"].read
    expected = sqlite.recurring()
    assert len(expected) == 1 and expected[0].document_count == 3  # not vacuous
    same_recurring(postgres.recurring(), expected)
    for kwargs in (
        {"min_documents": 3},
        {"min_documents": 4},
        {"limit": 1},
        {"document": "eval-2021.pdf"},
        {"document": "eval-2017.pdf"},
        {"kind": "lesson"},
    ):
        same_recurring(postgres.recurring(**kwargs), sqlite.recurring(**kwargs))


def test_uptake_same_on_both_backends(bases: dict[str, Any]) -> None:
    sqlite, postgres = bases["sqlite"].read, bases["postgresql"].read
    ids = item_ids(bases["sqlite"])
    assert ids == item_ids(bases["postgresql"]) and len(ids) == 7
    listed = 0
    for item_id in ids:
        for k, passages in ((10, 3), (1, 1)):
            head, documents, scores = uptake_view(sqlite.uptake(item_id, k=k, passages=passages))
            got = uptake_view(postgres.uptake(item_id, k=k, passages=passages))
            assert got[:2] == (head, documents), item_id
            assert got[2] == pytest.approx(scores, abs=1e-5), item_id
            listed += len(documents)
    assert listed >= 6  # not vacuous: most recommendations have later documents
    for read in (sqlite, postgres):
        with pytest.raises(NotFound):
            read.uptake("nope")
        with pytest.raises(NotFound):  # past the reader's item check: the index's own
            read.searcher.item_unit("nope")


def test_themes_same_on_both_backends(bases: dict[str, Any]) -> None:
    sqlite, postgres = bases["sqlite"].read, bases["postgresql"].read
    expected = sqlite.themes()
    assert expected  # the coordination recommendations, at least
    same_themes(postgres.themes(), expected)
    for distance in (0.3, 0.8, 0.95):
        same_themes(
            postgres.searcher.themes(distance=distance, min_documents=3),
            sqlite.searcher.themes(distance=distance, min_documents=3),
        )


def test_themes_and_similar_same_on_search_corpus(both: tuple[Backend, Backend]) -> None:
    sqlite, postgres = (b.index.searcher(b.conn) for b in both)
    expected = sqlite.themes(distance=0.95)
    assert expected
    same_themes(postgres.themes(distance=0.95), expected)
    for item in both[0].library.items():
        got = [(h.id, h.score) for h in postgres.similar(item.id, k=5)]
        want = [(h.id, h.score) for h in sqlite.similar(item.id, k=5)]
        assert [i for i, _ in got] == [i for i, _ in want]
        assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-5)


def test_stored_vectors_are_the_same_floats(both: tuple[Backend, Backend]) -> None:
    """pgvector's text form parses back to the very float32 values SQLite's BLOB holds."""
    sqlite, postgres = (b.index.searcher(b.conn) for b in both)
    by_id = [
        {r[1]: r[0] for r in dbapi.shared(b.conn).execute("SELECT num, id FROM chunks")}
        for b in both
    ]
    assert by_id[0].keys() == by_id[1].keys()
    chunk_ids = sorted(by_id[0])
    found_s, mat_s = sqlite.stored_vectors([by_id[0][c] for c in chunk_ids])
    found_p, mat_p = postgres.stored_vectors([by_id[1][c] for c in chunk_ids])
    assert len(found_s) == len(found_p) == len(chunk_ids)
    order_s = {n: i for i, n in enumerate(found_s)}
    order_p = {n: i for i, n in enumerate(found_p)}
    for chunk in chunk_ids:
        row_s, row_p = mat_s[order_s[by_id[0][chunk]]], mat_p[order_p[by_id[1][chunk]]]
        assert row_p.dtype == np.float32 and np.array_equal(row_p, row_s), chunk
    for searcher in (sqlite, postgres):  # nothing asked, nothing found: an empty lookup
        assert searcher.stored_vectors([])[0] == []
        assert searcher.stored_vectors([10**9])[0] == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_http_themes_recurring_and_uptake(bases: dict[str, Any], backend: str) -> None:
    """The routes answer 200 with the same bodies on both backends (422 before issue 12)."""
    ids = bases["ids"]
    item_id = f"{ids['eval-2021.pdf'][:10]}-0"
    with make_client(bases[backend]) as client:
        response = client.get("/recurring")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["count"] == 1
        cluster = body["clusters"][0]
        assert cluster["sentence"] == "recommended in 3 evaluations since 2019"
        assert [m["document"] for m in cluster["members"]] == [
            "eval-2019.pdf",
            "eval-2021.pdf",
            "eval-2023.pdf",
        ]
        response = client.get(f"/items/{item_id}/uptake", params={"k": 5, "passages": 2})
        assert response.status_code == 200, response.text
        up = response.json()
        assert [d["document"] for d in up["documents"]] == ["plan-2022.pdf", "note-undated.pdf"]
        assert up["documents"][0]["passages"][0]["section"] == "Mesures"
        response = client.get("/themes")
        assert response.status_code == 200, response.text
        themes = response.json()
        assert themes and {"eval-2019.pdf", "eval-2021.pdf", "eval-2023.pdf"} <= set(
            themes[0]["documents"]
        )
        assert client.get("/items/nope/uptake").status_code == 404
