"""Both storage backends give the same store, items and search results (issue 12).

PostgreSQL runs inside the tests: the `pgserver` wheel bundles postgres and pgvector, started
once per session in a temp dir (no network). Every test here runs on SQLite and on Postgres,
or builds both and compares them; without pgserver/psycopg the Postgres cases are skipped.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pg_fixtures import database_url, new_database, pg_server
from search_fixtures import fill
from test_store import tiny_parsed

from index.embeddings import HashingEmbedder
from index.pg.backend import Backend, open_backend
from index.query import ItemQuery, SearchFilters, SearchRequest
from index.search import Hit
from ingest.errors import NotFound

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def both(pg_server: str, tmp_path: Path) -> Iterator[tuple[Backend, Backend]]:
    """The small corpus on SQLite and on a fresh Postgres database."""
    sqlite = fill(open_backend(tmp_path / "s", "", HashingEmbedder()))
    postgres = fill(open_backend(tmp_path / "p", new_database(pg_server), HashingEmbedder()))
    yield sqlite, postgres
    sqlite.conn.close()
    postgres.conn.close()


QUERIES = [
    "esclavage victimes",
    "migrants de retour réintégration",
    "budget des activités économiques",
    "slavery",
    "juges formés",
]
FILTERS = [
    SearchFilters(),
    SearchFilters(scope="item"),
    SearchFilters(kind="recommendation"),
    SearchFilters(country="mali", year_from=2022),
    SearchFilters(year_to=2021, scope="passage"),
    SearchFilters(document="ilo-slavery"),
    SearchFilters(addressee="oim"),
]


def top(backend: Backend, request: SearchRequest) -> list[tuple[str, float]]:
    """(chunk id, score) of the top hits."""
    return [(h.id, h.score) for h in backend.index.searcher(backend.conn).search(request)]


def same_hits(got: list[tuple[str, float]], expected: list[tuple[str, float]]) -> bool:
    """Same ids in the same order, scores equal to float32 precision (FAISS and pgvector
    sum the inner product in different orders)."""
    return [i for i, _ in got] == [i for i, _ in expected] and all(
        a == pytest.approx(b, abs=1e-5) for (_, a), (_, b) in zip(got, expected, strict=True)
    )


@pytest.mark.parametrize("mode", ["lexical", "dense", "hybrid"])
def test_same_top_hits_on_both_backends(both: tuple[Backend, Backend], mode: str) -> None:
    sqlite, postgres = both
    for query, filters in itertools.product(QUERIES, FILTERS):
        request = SearchRequest(query, filters, mode=mode)
        expected = top(sqlite, request)
        assert same_hits(top(postgres, request), expected), (query, filters)
    assert top(sqlite, SearchRequest("esclavage", mode=mode))  # not vacuous


def test_same_documents_items_and_tables(both: tuple[Backend, Backend]) -> None:
    sqlite, postgres = both
    assert postgres.library.items() == sqlite.library.items()
    for query in (
        ItemQuery(kind="recommendation"),
        ItemQuery(addressee="oi"),
        ItemQuery(theme="community"),
    ):
        assert postgres.library.items(query) == sqlite.library.items(query)
    assert postgres.library.items(limit=1, offset=1, sort="kind") == sqlite.library.items(
        limit=1, offset=1, sort="kind"
    )
    strip = lambda docs: [replace(d, ingested_at="") for d in docs]  # noqa: E731
    assert strip(postgres.library.documents()) == strip(sqlite.library.documents())
    assert postgres.library.document("ilo") == sqlite.library.document("ilo")
    item = sqlite.library.items()[0]
    assert postgres.library.item(item.id) == item
    for backend in both:  # a prefix of two ids names no item, on either backend
        with pytest.raises(NotFound):
            backend.library.item(item.id[:6])
    similar = postgres.index.searcher(postgres.conn).similar(item.id)
    assert [h.id for h in similar] == [
        h.id for h in sqlite.index.searcher(sqlite.conn).similar(item.id)
    ]


def test_postgres_schema_has_language_configs_and_hnsw(both: tuple[Backend, Backend]) -> None:
    _, postgres = both
    row = postgres.conn.execute(
        "SELECT tsv::text AS t FROM chunks WHERE text LIKE 'L''évaluation porte%%'"
    ).fetchone()
    assert "'esclavag'" in row["t"]  # the french configuration stemmed it
    indexes = {
        r["indexname"]: r["indexdef"]
        for r in postgres.conn.execute("SELECT indexname, indexdef FROM pg_indexes")
    }
    assert "hnsw" in indexes["chunks_embedding_hnsw"]
    typed = postgres.conn.execute(
        "SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute"
        " WHERE attrelid = 'chunks'::regclass AND attname = 'embedding'"
    ).fetchone()
    assert typed["t"] == "vector(64)"


def test_service_round_trip(database_url: str, tmp_path: Path) -> None:
    """KnowledgeBase on either backend: store, list, search, replace, delete."""
    from api.service import INGESTED, UNCHANGED, KnowledgeBase
    from api.settings import Settings

    settings = Settings(home=tmp_path / "data", database_url=database_url, jobs=1, ocr=False)
    kb = KnowledgeBase(settings, embedder=HashingEmbedder())
    try:
        assert kb.backend.name == ("postgresql" if database_url else "sqlite")
        path = tmp_path / "report.txt"
        path.write_bytes(b"version one")
        outcome = kb.store_parsed(path, tiny_parsed(b"version one"))
        assert outcome.status == INGESTED, outcome
        assert kb.store_parsed(path, tiny_parsed(b"version one")).status == UNCHANGED
        [item] = kb.read.items()
        assert item.label == "LA.1" and kb.read.item(item.id).text == item.text
        hits = kb.read.search(SearchRequest("dialogue social", SearchFilters(scope="item")))
        assert hits and hits[0].item_id == item.id
        assert kb.read.status()["documents"] == 1
        path.write_bytes(b"version two")
        second = kb.store_parsed(path, tiny_parsed(b"version two"))
        assert second.replaced == (outcome.document_id,)
        assert [d.id for d in kb.read.documents()] == [second.document_id]
        kb.delete(second.document_id or "")
        assert kb.read.documents() == [] and kb.read.items() == []
        assert kb.read.search(SearchRequest("dialogue")) == []
    finally:
        kb.close()


def test_http_reads(database_url: str, tmp_path: Path) -> None:
    """The HTTP API reads through the backend's own read connections."""
    from fastapi.testclient import TestClient

    from api.http.app import create_app
    from api.service import KnowledgeBase
    from api.settings import Settings

    settings = Settings(home=tmp_path / "data", database_url=database_url, jobs=1, ocr=False)
    kb = KnowledgeBase(settings, embedder=HashingEmbedder())
    try:
        path = tmp_path / "report.txt"
        path.write_bytes(b"http")
        kb.store_parsed(path, tiny_parsed(b"http"))
        with TestClient(create_app(kb)) as client:
            items = client.get("/items").json()["items"]
            assert [i["label"] for i in items] == ["LA.1"]
            hits = client.get("/search", params={"q": "dialogue", "scope": "item"}).json()["hits"]
            assert hits[0]["item_id"] == items[0]["id"]
            assert client.get("/documents").json()[0]["file_name"] == "report.txt"
    finally:
        kb.close()


def _gold_queries() -> list[str]:
    data = json.loads((ROOT / "tests" / "gold" / "queries.json").read_text())
    return [q["query"] for q in data["queries"]]


def group(hit: Hit) -> frozenset[str]:
    """A hit with the near-duplicates collapsed into it. Two identical texts (a table printed
    twice) score exactly alike; which one stands for the pair follows the tie order of the
    dense scan (numpy's argsort on SQLite), so a hit is compared with its duplicates."""
    return frozenset([hit.id, *(place.id for place in hit.also_at)])


@pytest.mark.integration
def test_corpus_same_items_and_top10(pg_server: str, tmp_path: Path) -> None:
    """The real corpus ingested into both: same items, same top-10 for every dev query."""
    from api.service import KnowledgeBase
    from api.settings import Settings

    pdfs = sorted((ROOT / "corpus").glob("*.pdf"))
    bases: list[Any] = []
    for name, url in (("s", ""), ("p", new_database(pg_server))):
        settings = Settings(home=tmp_path / name, database_url=url, jobs=2, ocr=False)
        bases.append(KnowledgeBase(settings, embedder=HashingEmbedder(384)))
    try:
        for kb in bases:
            assert all(o.status == "ingested" for o in kb.ingest(pdfs))
        sqlite, postgres = bases
        assert postgres.read.items() == sqlite.read.items()
        for query, mode in itertools.product(_gold_queries(), ("lexical", "dense", "hybrid")):
            request = SearchRequest(query, mode=mode)
            expected = [group(h) for h in sqlite.read.search(request)]
            assert [group(h) for h in postgres.read.search(request)] == expected, (query, mode)
    finally:
        for kb in bases:
            kb.close()
