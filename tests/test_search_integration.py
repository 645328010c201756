"""Search quality on the real corpus with the real model (slow: `pytest -m integration`)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from index import store
from index.embeddings import SentenceTransformerEmbedder
from index.indexer import prepare, write_chunks
from index.search import Searcher
from index.search_index import SearchIndex
from index.textnorm import fold
from tests.search_fixtures import find

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.integration


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", fold(text)))


def _ndcg(searcher: Searcher, query: dict, mode: str, expand: bool) -> float:
    targets = [(r["doc"], _norm(r["contains"])) for r in query["relevant"]]
    seen: set[int] = set()
    dcg = 0.0
    for rank, hit in enumerate(find(searcher, query["query"], k=10, mode=mode, expand=expand)):
        for i, (doc, needle) in enumerate(targets):
            if i not in seen and Path(hit.file_name).stem == doc and needle in _norm(hit.text):
                seen.add(i)
                dcg += 1 / math.log2(rank + 2)
                break
    return dcg / sum(1 / math.log2(i + 2) for i in range(min(10, len(targets))))


@pytest.fixture(scope="module")
def corpus_searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    from ingest.pipeline import parse_file
    from ingest.readers import ReadOptions

    pdfs = sorted((ROOT / "corpus").glob("*.pdf"))
    if not pdfs:
        pytest.skip("corpus/ is empty")
    home = tmp_path_factory.mktemp("search-corpus")
    conn = store.connect(home)
    embedder = SentenceTransformerEmbedder()
    for path in pdfs:
        parsed = parse_file(path, ReadOptions(ocr=False))
        prep = prepare(parsed.document, parsed.items, embedder)
        with store.transaction(conn):
            store.write_document(conn, parsed.document, str(path), "")
            store.write_items(conn, parsed.document.id, parsed.items)
            write_chunks(
                conn,
                parsed.document,
                prep.chunks,
                prep.vectors,
                items=parsed.items,
                model=(embedder.name, embedder.dim),
            )
    return SearchIndex(home, embedder).searcher(conn)


def test_english_queries_reach_target_and_hybrid_beats_single_modes(
    corpus_searcher: Searcher,
) -> None:
    gold = json.loads((ROOT / "tests/gold/queries.json").read_text())["queries"]
    assert len(gold) >= 40 and {q["lang"] for q in gold} == {"en", "fr"}

    def mean(mode: str, expand: bool, lang: str = "") -> float:
        qs = [q for q in gold if not lang or q["lang"] == lang]
        return sum(_ndcg(corpus_searcher, q, mode, expand) for q in qs) / len(qs)

    assert mean("hybrid", True, "en") >= 0.6
    hybrid = mean("hybrid", True)
    assert hybrid > mean("lexical", False) and hybrid > mean("dense", False)


def test_similar_and_themes_on_corpus(corpus_searcher: Searcher) -> None:
    item = corpus_searcher.conn.execute(
        "SELECT ref, document_id FROM chunks WHERE scope='item' LIMIT 1"
    ).fetchone()
    hits = corpus_searcher.similar(item[0], k=5)
    assert hits and all(h.document_id != item[1] for h in hits)
    themes = corpus_searcher.themes()
    assert all(len(t.documents) >= 2 for t in themes)
