"""Filtered search at scale (SQLite): document-level filters through `chunk_documents`, and
the cached filter sets, which must follow every change of the chunks and of the reviews."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from index import store
from index.filters import where_clause
from index.indexer import delete_document_chunks, prepare, write_chunks
from index.lexical import lexical_search, lexical_within, match_expression
from index.query import SearchFilters, SearchRequest
from index.search import Searcher
from tests.search_fixtures import EU, ILO, build, make_doc

FILTERS = [
    SearchFilters(country="mali"),
    SearchFilters(country="Sénégal"),
    SearchFilters(year_from=2022),
    SearchFilters(year_to=2021, scope="passage"),
    SearchFilters(doc_type="evaluation", kind="recommendation"),
    SearchFilters(organisation="OIT"),
    SearchFilters(language="fr", addressee="oim"),
    SearchFilters(theme="livelihoods", year_from=2021),
    SearchFilters(country="niger"),  # matches nothing
]


def nums(searcher: Searcher, where: str, args: list[object]) -> set[int]:
    rows = searcher.conn.execute(f"SELECT c.num FROM chunks c WHERE {where}", args)
    return {r[0] for r in rows}


@pytest.fixture
def searcher(tmp_path: Path) -> Searcher:
    found = build(tmp_path)
    # every filter goes through its set here (the post-filter path: tests/test_post_filter.py)
    found.index.knobs = found.index.knobs.model_copy(update={"post_filter": 0})
    return found


@pytest.mark.parametrize("filters", FILTERS)
def test_documents_table_selects_the_same_chunks(
    searcher: Searcher, filters: SearchFilters
) -> None:
    plain = nums(searcher, *where_clause(filters))
    through = nums(searcher, *where_clause(filters, documents="chunk_documents"))
    assert through == plain
    assert plain or filters.country == "niger"  # the fixture answers every other filter


def test_chunk_documents_follow_writes_and_deletes(searcher: Searcher) -> None:
    conn = searcher.conn
    rows = dict(conn.execute("SELECT document_id, year FROM chunk_documents").fetchall())
    assert rows == {ILO: 2023, EU: 2021}
    with store.transaction(conn):
        delete_document_chunks(conn, EU)
    assert [r[0] for r in conn.execute("SELECT document_id FROM chunk_documents")] == [ILO]


def dense_refs(searcher: Searcher, filters: SearchFilters) -> set[str]:
    qv = searcher.index.embed_query("renforcer la coordination des acteurs")
    request = SearchRequest("coordination", filters, mode="dense", k=50)
    return {h.ref for h in searcher.search(request, qv)}


def add_verdicts(conn: sqlite3.Connection, verdicts: dict[str, str]) -> None:
    with store.transaction(conn):
        for item_id, verdict in verdicts.items():
            conn.execute(
                "INSERT INTO item_reviews (item_id, verdict, updated_at) VALUES (?, ?, ?)",
                (item_id, verdict, "2026-12-03T00:00:00"),
            )


def test_a_cached_filter_set_follows_every_rejection(searcher: Searcher) -> None:
    filters = SearchFilters(scope="item", country="mali")
    items = sorted(dense_refs(searcher, filters))
    assert len(items) >= 3
    for n, item_id in enumerate(items[:2], start=1):
        add_verdicts(searcher.conn, {item_id: "rejected"})
        # the second rejection leaves the SQL of the filter as it was: only the review
        # generation tells the cache that its set is stale
        assert dense_refs(searcher, filters) == set(items[n:])
    assert len(searcher.index.filter_sets) >= 1


def test_a_cached_filter_set_follows_new_and_removed_documents(
    searcher: Searcher, tmp_path: Path
) -> None:
    filters = SearchFilters(country="mali", year_from=2024)
    assert dense_refs(searcher, filters) == set()
    conn, embedder = searcher.conn, searcher.index.embedder
    assert embedder is not None
    new_id = "c" * 64
    doc = make_doc(new_id, "new.pdf", [(("Recommandations",), "Renforcer la coordination.", 2)])
    meta = {"type": "evaluation", "year": 2024, "countries": ["Mali"]}
    prep = prepare(doc, [], embedder, meta)
    with store.transaction(conn):
        store.write_document(conn, doc, doc.file_name, "")
        write_chunks(
            conn, doc, prep.chunks, prep.vectors, metadata=meta, model=(embedder.name, embedder.dim)
        )
    found = {h.document_id for h in searcher.search(SearchRequest("coordination", filters))}
    assert found == {new_id}
    with store.transaction(conn):
        delete_document_chunks(conn, new_id)
    assert searcher.search(SearchRequest("coordination", filters)) == []


def test_filter_sets_stay_within_their_budget(searcher: Searcher) -> None:
    sets = searcher.index.filter_sets
    sets._sets.size = 3
    for year, scope in itertools.product((2020, 2021, 2022, 2023), ("all", "item")):
        dense_refs(searcher, SearchFilters(year_from=year, scope=scope))
    assert len(sets) == 3


@pytest.mark.parametrize("limit", [1, 2, 5, 100])
def test_lexical_within_a_filter_set_equals_the_joined_search(
    searcher: Searcher, limit: int
) -> None:
    conn = searcher.conn
    compared = 0
    for filters, query in itertools.product(FILTERS, ("migrants esclavage", "coordination")):
        where, args = where_clause(filters, documents="chunk_documents")
        match = match_expression(query, (), conn)
        allowed = searcher.index.filter_sets.allowed(conn, where, args).nums
        within = lexical_within(conn, match, allowed, limit)
        joined = lexical_search(conn, match, where, args, limit)
        if within is not None:
            assert within == joined, (filters, query)
            compared += 1
        else:
            assert not len(allowed)  # the fixture's filters keep a large share, or nothing
    assert compared >= 10


def test_term_counts_are_cached_until_the_chunks_change(searcher: Searcher) -> None:
    from index.term_stats import TermStats, vocabulary_counts

    conn, stats = searcher.conn, TermStats()
    words = ["migr", "esclavag", "nothing-like-this"]
    first, total = stats.frequencies(conn, words)
    assert (
        first == vocabulary_counts(conn, words) and total > 0 and "nothing-like-this" not in first
    )
    with store.transaction(conn):
        delete_document_chunks(conn, EU)
    after, _ = stats.frequencies(conn, words)
    assert after == vocabulary_counts(conn, words) and after != first


def test_bitmap_selector_holds_exactly_its_ids() -> None:
    import numpy as np

    from index.vectors import bitmap_selector

    rng = np.random.default_rng(1)
    ids = np.sort(rng.choice(30_000, 9_000, replace=False)).astype(np.int64)
    selector, _bitmap = bitmap_selector(ids)
    members = {i for i in range(0, 40_000) if selector.is_member(i)}
    assert members == set(ids.tolist())
    few, _ = bitmap_selector(np.array([3, 9, 17], dtype=np.int64))
    assert [i for i in range(64) if few.is_member(i)] == [3, 9, 17]  # nothing past the bitmap


def test_large_filter_sets_go_through_faiss_with_the_same_hits(searcher: Searcher) -> None:
    qv = searcher.index.embed_query("migrants esclavage victimes")
    for filters in FILTERS:
        request = SearchRequest("migrants esclavage victimes", filters, mode="dense", k=20)
        exact = [(h.id, round(h.score, 5)) for h in searcher.search(request, qv)]
        index = searcher.index
        index.knobs = index.knobs.model_copy(update={"exact_limit": 0})  # FAISS + selector
        index.filter_sets.clear()
        try:
            through = [(h.id, round(h.score, 5)) for h in searcher.search(request, qv)]
        finally:
            index.knobs = index.knobs.model_copy(update={"exact_limit": 4096})
            index.filter_sets.clear()
        assert through == exact, filters


@pytest.mark.parametrize("kind", ["recommendation", "lesson", "good_practice", "passage", "table"])
def test_a_kind_filter_reads_the_scope_kind_index(searcher: Searcher, kind: str) -> None:
    conn = searcher.conn
    where, args = where_clause(SearchFilters(kind=kind), documents="chunk_documents")
    plain = {r[0] for r in conn.execute("SELECT num FROM chunks WHERE kind = ?", (kind,))}
    assert nums(searcher, where, args) == plain
    assert plain or kind == "good_practice"  # the fixture has every other kind
    plan = " ".join(
        str(r[-1])
        for r in conn.execute(f"EXPLAIN QUERY PLAN SELECT c.num FROM chunks c WHERE {where}", args)
    )
    assert "SEARCH" in plan and "SCAN" not in plan, plan


@pytest.mark.parametrize("review", ["", "verified", "unreviewed", "rejected", "all"])
def test_review_filters_keep_the_chunks_their_verdicts_say(searcher: Searcher, review: str) -> None:
    conn = searcher.conn
    items = [r[0] for r in conn.execute("SELECT ref FROM chunks WHERE scope = 'item'")]
    assert len(items) >= 4
    add_verdicts(conn, {items[0]: "rejected", items[1]: "verified", items[2]: "corrected"})
    verdict = dict(conn.execute("SELECT item_id, verdict FROM item_reviews").fetchall())
    rows = conn.execute("SELECT num, scope, ref FROM chunks").fetchall()
    keep = {
        "": lambda scope, ref: verdict.get(ref) != "rejected",
        "verified": lambda scope, ref: verdict.get(ref) in ("verified", "corrected"),
        "unreviewed": lambda scope, ref: scope == "item" and ref not in verdict,
        "rejected": lambda scope, ref: verdict.get(ref) == "rejected",
        "all": lambda scope, ref: True,
    }[review]
    expected = {num for num, scope, ref in rows if keep(scope, ref)}
    where, args = where_clause(SearchFilters(review=review), documents="chunk_documents")
    assert nums(searcher, where, args) == expected
    # the cached set takes the hidden items out in numpy (index.filters.split_hidden)
    assert set(searcher.index.filter_sets.allowed(conn, where, args).nums.tolist()) == expected
    country, args = where_clause(
        SearchFilters(review=review, country="mali"), documents="chunk_documents"
    )
    allowed = searcher.index.filter_sets.allowed(conn, country, args).nums.tolist()
    assert sorted(allowed) == allowed and set(allowed) == nums(searcher, country, args)


def test_hiding_rejected_items_keeps_a_filter_on_its_covering_index(searcher: Searcher) -> None:
    """The default review condition once named `ref`, which the document and scope indexes
    lack: every chunk a filter selected was then read from the table (2-3x slower at 200k)."""
    conn = searcher.conn
    item = conn.execute("SELECT ref FROM chunks WHERE scope = 'item' LIMIT 1").fetchone()[0]
    add_verdicts(conn, {item: "rejected"})
    for filters in (SearchFilters(country="mali"), SearchFilters(scope="passage")):
        where, args = where_clause(filters, documents="chunk_documents")
        plan = [
            str(r[-1])
            for r in conn.execute(
                f"EXPLAIN QUERY PLAN SELECT c.num FROM chunks c WHERE {where}", args
            )
        ]
        assert any(step.startswith("SEARCH c USING COVERING INDEX") for step in plan), plan
        assert item not in {
            r[0] for r in conn.execute(f"SELECT c.ref FROM chunks c WHERE {where}", args)
        }


def test_small_sets_on_an_ivf_index_are_searched_exactly(
    searcher: Searcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.vectors import VectorCache

    index, conn = searcher.index, searcher.conn
    index.knobs = index.knobs.model_copy(update={"flat_limit": 8})
    index._cache = None  # a new cache that builds IVF for this small store
    cache = index.vectors(conn)
    cache.rebuild(conn)
    assert cache.partitioned
    cache.nprobe = 1  # one list probed by default: only probing every list is exact here
    query = "migrants esclavage victimes"
    qv = index.embed_query(query)

    def dense(filters: SearchFilters) -> list[tuple[str, float]]:
        index.filter_sets.clear()
        request = SearchRequest(query, filters, mode="dense", k=20)
        return [(h.id, round(h.score, 5)) for h in searcher.search(request, qv)]

    compared = 0
    for filters in FILTERS:
        through_ivf = dense(filters)
        # the path of a flat index: the set's stored vectors read and scored exactly
        with monkeypatch.context() as m:
            m.setattr(VectorCache, "partitioned", property(lambda self: False))
            exact = dense(filters)
        assert through_ivf == exact, filters
        compared += bool(exact)
    assert compared >= 5
