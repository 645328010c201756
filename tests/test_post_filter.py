"""A filter tried on the unfiltered ranking first (`index.post_filter`): the same hits as
through the filter's chunk set, and no set computed when enough allowed rows come."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.query import SearchFilters, SearchRequest
from index.search import Searcher
from tests.search_fixtures import build
from tests.test_filter_sets import FILTERS

QUERIES = ("migrants esclavage victimes", "renforcer la coordination des acteurs")


@pytest.fixture
def searcher(tmp_path: Path) -> Searcher:
    found = build(tmp_path)
    # shallow lists, so the unfiltered ranking read a few times deeper is cut short on this
    # small store: broad filters pass there, narrow ones fall back to their set
    found.index.knobs = found.index.knobs.model_copy(update={"depth": 2, "post_filter": 8})
    return found


def hits(searcher: Searcher, request: SearchRequest, post_filter: int) -> list[tuple]:
    index = searcher.index
    index.knobs = index.knobs.model_copy(update={"post_filter": post_filter})
    index.filter_sets.clear()
    index.results.clear()
    qv = index.embed_query(request.query)
    return [(h.id, round(h.score, 5), h.pages) for h in searcher.search(request, qv)]


@pytest.mark.parametrize("mode", ["lexical", "dense", "hybrid"])
def test_post_filtering_gives_the_hits_of_the_filter_set(searcher: Searcher, mode: str) -> None:
    probed = fell_back = 0
    for filters in FILTERS:
        for query in QUERIES:
            for k in (2, 5):
                request = SearchRequest(query, filters, mode=mode, k=k, expand=False)  # type: ignore[arg-type]
                through_set = hits(searcher, request, 0)
                first = hits(searcher, request, 8)
                assert first == through_set, (filters, query, k)
                if len(searcher.index.filter_sets):
                    fell_back += 1
                else:
                    probed += 1
    # both paths ran: some filters keep enough of the unfiltered top rows, some do not
    assert probed and fell_back


def test_a_broad_filter_computes_no_set(searcher: Searcher) -> None:
    index = searcher.index
    index.filter_sets.clear()
    found = searcher.search(
        SearchRequest("coordination", SearchFilters(scope="all", year_from=2000), k=3)
    )
    assert found and len(index.filter_sets) == 0
    # a filter nothing passes falls back to its (empty) set, which is then cached
    assert searcher.search(SearchRequest("coordination", SearchFilters(country="niger"))) == []
    assert len(index.filter_sets) == 1
