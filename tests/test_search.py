"""Search with the fake embedder: modes, filters, snippets, cache upkeep, similar, themes.

The tests taking `searcher` run on SQLite and on PostgreSQL (`pg_fixtures`); cache upkeep is
SQLite's FAISS file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_fixtures import database_url, pg_server

from index import store
from index.embeddings import HashingEmbedder
from index.indexer import delete_document_chunks
from index.query import SearchFilters
from index.search import Searcher
from index.search_index import SearchIndex
from index.vectors import INDEX_FILE, SIDECAR_FILE
from ingest.errors import IndexMismatch, InvalidQuery, NotFound
from tests.search_fixtures import EU, ILO, build, fill, find


@pytest.fixture
def searcher(tmp_path: Path, database_url: str) -> Iterator[Searcher]:
    """The small corpus on SQLite (written below the service) or on a fresh Postgres."""
    if not database_url:
        yield build(tmp_path)
        return
    from index.pg.backend import open_backend

    backend = fill(open_backend(tmp_path, database_url, HashingEmbedder()))
    try:
        yield backend.index.searcher(backend.conn)
    finally:
        backend.conn.close()


@pytest.mark.parametrize("mode", ["lexical", "dense", "hybrid"])
def test_relevant_text_ranks_first(searcher: Searcher, mode: str) -> None:
    hits = find(searcher, "commissions communautaires de médiation", mode=mode)
    assert hits and "médiation" in hits[0].text
    hit = hits[0]
    assert hit.file_name == "ilo-slavery.pdf" and hit.document_id == ILO
    assert hit.pages == (20,) and hit.section == ("Résultats", "Efficacité")
    assert hit.scope == "passage" and hit.score > 0


def test_hit_fields_and_snippet(searcher: Searcher) -> None:
    hits = find(searcher, "paiement des kits", SearchFilters(scope="item"))
    assert hits[0].scope == "item" and hits[0].kind == "recommendation"
    assert hits[0].label == "R1" and hits[0].ref.startswith("bbbb")
    assert "**paiement**" in hits[0].snippet and "**kits**" in hits[0].snippet


def test_table_rows_are_searchable(searcher: Searcher) -> None:
    hits = find(searcher, "juges formés", SearchFilters(scope="table"))
    assert hits and hits[0].scope == "table" and "Indicateur: Juges formés" in hits[0].text
    assert hits[0].ref == f"{ILO[:16]}-t0"


def test_english_query_finds_french_text_through_glossary(searcher: Searcher) -> None:
    q = "income-generating activities sustainability"
    assert not find(searcher, q, mode="lexical", expand=False)
    hits = find(searcher, q, mode="lexical", expand=True)
    assert hits and "activités génératrices de revenus" in hits[0].text


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (SearchFilters(document="eutf-migration.pdf"), {EU}),
        (SearchFilters(document=ILO[:8]), {ILO}),
        (SearchFilters(year_from=2022), {ILO}),
        (SearchFilters(year_to=2021), {EU}),
        (SearchFilters(country="sénégal"), {EU}),
        (SearchFilters(country="MALI"), {ILO, EU}),
        (SearchFilters(organisation="Union Européenne"), {EU}),
        (SearchFilters(doc_type="evaluation"), {ILO}),
        (SearchFilters(addressee="oim"), {EU}),
        (SearchFilters(theme="community", scope="item"), {ILO, EU}),
        (SearchFilters(language="fr"), {ILO, EU}),
    ],
)
def test_filters_restrict_before_ranking(
    searcher: Searcher, filters: SearchFilters, expected: set[str]
) -> None:
    for mode in ("lexical", "dense", "hybrid"):
        hits = find(searcher, "migrants esclavage victimes", filters, k=50, mode=mode)
        assert hits and {h.document_id for h in hits} <= expected, (mode, filters)


@pytest.mark.parametrize(
    "filters",
    [
        SearchFilters(country="Niger"),
        SearchFilters(year_from=2030),
        SearchFilters(language="en"),
        SearchFilters(document="nothing.pdf"),
        SearchFilters(kind="lesson", document=EU),
    ],
)
def test_filter_matching_nothing_returns_nothing(
    searcher: Searcher, filters: SearchFilters
) -> None:
    for mode in ("lexical", "dense", "hybrid"):
        assert find(searcher, "migrants", filters, mode=mode) == []


def test_invalid_queries(searcher: Searcher) -> None:
    with pytest.raises(InvalidQuery):
        find(searcher, "   ")
    with pytest.raises(InvalidQuery):
        find(searcher, "x", mode="semantic")
    with pytest.raises(InvalidQuery):
        find(searcher, "x", SearchFilters(year_from=2022, year_to=2020))
    with pytest.raises(InvalidQuery):
        find(searcher, "x", SearchFilters(scope="chapter"))


def test_offset_pages_through_results(searcher: Searcher) -> None:
    full = find(searcher, "migrants victimes esclavage", k=6)
    assert [h.id for h in find(searcher, "migrants victimes esclavage", k=3, offset=3)] == [
        h.id for h in full[3:6]
    ]


def test_cache_follows_deletes_and_is_rebuilt_when_missing(tmp_path: Path) -> None:
    searcher = build(tmp_path)
    assert find(searcher, "réintégration migrants", mode="dense")
    assert (tmp_path / INDEX_FILE).exists() and (tmp_path / SIDECAR_FILE).exists()
    with store.transaction(searcher.conn):
        delete_document_chunks(searcher.conn, EU)
    hits = find(searcher, "réintégration migrants", mode="dense", k=50)
    assert hits and all(h.document_id == ILO for h in hits)
    # A fresh process with the FAISS file gone rebuilds it from the stored vectors.
    (tmp_path / INDEX_FILE).unlink()
    fresh = SearchIndex(tmp_path, HashingEmbedder()).searcher(searcher.conn)
    again = find(fresh, "réintégration migrants", mode="dense", k=50)
    assert [h.id for h in again] == [h.id for h in hits]
    assert (tmp_path / INDEX_FILE).exists()


def test_document_delete_cascades_to_chunks(tmp_path: Path) -> None:
    searcher = build(tmp_path)
    with store.transaction(searcher.conn):
        store.delete_document_rows(searcher.conn, EU)
    assert (
        searcher.conn.execute("SELECT COUNT(*) FROM chunks_fts").fetchone()[0]
        == searcher.conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    )
    assert all(h.document_id == ILO for h in find(searcher, "migrants", k=50))


def test_other_model_raises_index_mismatch_until_reindex(tmp_path: Path) -> None:
    build(tmp_path)
    other_index = SearchIndex(tmp_path, HashingEmbedder(dim=32))
    other = other_index.searcher(store.connect(tmp_path))
    with pytest.raises(IndexMismatch, match="reindex"):
        find(other, "migrants", mode="dense")
    assert find(other, "migrants", mode="lexical")  # lexical needs no vectors
    count = other_index.reindex(other.conn, progress=False)
    assert count > 0 and find(other, "migrants", mode="dense")


def test_similar_lists_items_from_other_documents(searcher: Searcher) -> None:
    item_id = f"{ILO[:4]}{2:012d}"  # the community-approach lesson
    hits = searcher.similar(item_id, k=5)
    assert hits and all(h.document_id == EU and h.scope == "item" for h in hits)
    assert hits == sorted(hits, key=lambda h: -h.score)
    with pytest.raises(NotFound):
        searcher.similar("nope")


def test_themes_group_items_across_documents(searcher: Searcher) -> None:
    themes = searcher.themes(distance=0.95)
    assert themes
    for theme in themes:
        assert len(theme.documents) >= 2 and len(theme.members) >= 2 and theme.label
        assert set(theme.years) <= {2021, 2023}
