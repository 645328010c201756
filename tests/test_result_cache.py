"""The per-process caches of search (SQLite): a repeated search is answered from memory and a
query text is embedded once, but every write that changes what a search returns (new or
removed chunks, a reviewer's rejection) is seen by the next search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import store
from index.hits import Hit
from index.indexer import delete_document_chunks, prepare, write_chunks
from index.lru import StampedLRU
from index.query import SearchFilters, SearchRequest
from index.search import Searcher
from tests.search_fixtures import build, make_doc


@pytest.fixture
def searcher(tmp_path: Path) -> Searcher:
    return build(tmp_path)


def count_searches(searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> list[SearchRequest]:
    """Requests that reached the ranking (not answered from the cache)."""
    computed: list[SearchRequest] = []
    rank = Searcher._search

    def counted(self: Searcher, request: SearchRequest, qv: np.ndarray | None) -> list[Hit]:
        computed.append(request)
        return rank(self, request, qv)

    monkeypatch.setattr(Searcher, "_search", counted)
    return computed


def test_a_repeated_search_is_answered_from_memory(
    searcher: Searcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = SearchRequest("coordination des acteurs")
    first = searcher.search(request)
    assert first
    computed = count_searches(searcher, monkeypatch)
    assert searcher.search(request) == first
    assert computed == []
    other_page = SearchRequest("coordination des acteurs", k=3, offset=3)
    searcher.search(other_page)
    assert computed == [other_page]


def test_a_query_text_is_embedded_once(searcher: Searcher, monkeypatch: pytest.MonkeyPatch) -> None:
    embedder = searcher.index.embedder
    assert embedder is not None
    texts: list[str] = []
    encode = embedder.encode

    def counted(batch: list[str], *args: object, **kwargs: object) -> np.ndarray:
        texts.extend(batch)
        return encode(batch, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(embedder, "encode", counted)
    for filters in (SearchFilters(country="mali"), SearchFilters(year_from=2022), SearchFilters()):
        searcher.search(SearchRequest("formation des juges", filters))
    assert len(texts) == 1
    searcher.search(SearchRequest("formation des juges", expand=False, mode="dense"))
    assert len(texts) == 2  # without the glossary the embedded text differs


def reject(searcher: Searcher, item_id: str) -> None:
    with store.transaction(searcher.conn):
        searcher.conn.execute(
            "INSERT INTO item_reviews (item_id, verdict, updated_at) VALUES (?, 'rejected', ?)",
            (item_id, "2026-12-02T00:00:00"),
        )


def test_cached_results_follow_rejections_and_documents(searcher: Searcher) -> None:
    request = SearchRequest("coordination", k=50)
    items = [h.ref for h in searcher.search(request) if h.scope == "item"]
    assert items
    reject(searcher, items[0])
    assert items[0] not in {h.ref for h in searcher.search(request)}

    conn, embedder = searcher.conn, searcher.index.embedder
    assert embedder is not None
    new_id = "d" * 64
    doc = make_doc(new_id, "new.pdf", [(("Constats",), "La coordination a manqué.", 4)])
    prep = prepare(doc, [], embedder, {})
    with store.transaction(conn):
        store.write_document(conn, doc, doc.file_name, "")
        write_chunks(conn, doc, prep.chunks, prep.vectors, model=(embedder.name, embedder.dim))
    assert new_id in {h.document_id for h in searcher.search(request)}
    with store.transaction(conn):
        delete_document_chunks(conn, new_id)
    assert new_id not in {h.document_id for h in searcher.search(request)}


def test_the_lru_drops_the_oldest_past_its_count_and_bytes() -> None:
    lru: StampedLRU[str] = StampedLRU(3, budget=10, weigh=len)
    for key in "abc":
        lru.put(key, 1, key * 3)  # 9 bytes held
    assert lru.get("a", 1) == "aaa"  # now the most recent
    lru.put("d", 1, "ddd")  # 4 entries: "b" goes; 9 bytes
    assert lru.get("b", 1) is None and len(lru) == 3
    lru.put("e", 1, "eeeeee")  # "c" goes on count, then "a" on bytes (12 > 10)
    assert [k for k in "acde" if lru.get(k, 1)] == ["d", "e"]


def test_the_lru_misses_on_another_stamp_and_keeps_nothing_at_size_zero() -> None:
    lru: StampedLRU[int] = StampedLRU(2)
    lru.put("k", (1, 0), 7)
    assert lru.get("k", (1, 0)) == 7
    assert lru.get("k", (2, 0)) is None
    off: StampedLRU[int] = StampedLRU(0)
    off.put("k", None, 7)
    assert off.get("k") is None and len(off) == 0


def test_an_lru_of_fixed_weights_keeps_a_running_total() -> None:
    # weighed once at put (a cached search result never grows): the same evictions as an LRU
    # that weighs every entry again, including when a key is stored a second time
    fixed: StampedLRU[str] = StampedLRU(3, budget=10, weigh=len, fixed=True)
    again: StampedLRU[str] = StampedLRU(3, budget=10, weigh=len)
    for key, value in [("a", "aaa"), ("b", "bbb"), ("a", "a"), ("c", "cccccc"), ("d", "dd")]:
        fixed.put(key, 1, value)
        again.put(key, 1, value)
        assert [k for k in "abcd" if fixed.get(k, 1)] == [k for k in "abcd" if again.get(k, 1)]
    assert fixed._held == sum(len(v) for _, v in fixed._entries.values())
    fixed.clear()
    assert len(fixed) == 0 and fixed._held == 0
