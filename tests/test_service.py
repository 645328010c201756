"""KnowledgeBase end to end on small text files: ingest, items, search, re-extraction; on
SQLite and on PostgreSQL (the server `test_backends` starts; skipped without pgserver)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pg_fixtures import count, database_url, pg_server  # noqa: F401  (both backends)

from api.settings import Settings
from api.views import hit_dict
from index.chunks import CHUNKER_VERSION
from index.query import ItemQuery, SearchFilters, SearchRequest

REPORT = """RAPPORT D'EVALUATION FINALE DU PROJET JUSTICE AU MALI

1. Introduction

Le projet a renforcé l'accès à la justice des femmes dans le centre du Mali.

5. RECOMMANDATIONS

- Renforcer la formation des juges sur les violences basées sur le genre.
- Mettre en place un mécanisme de plainte accessible aux victimes.
"""


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """The conftest settings, on SQLite or on a fresh Postgres database."""
    return Settings(
        home=tmp_path / "data", database_url=database_url, jobs=2, parse_timeout=60, ocr=False
    )


def set_meta(kb: Any, key: str, value: str) -> None:
    with kb.backend.transaction():
        kb.backend.set_meta(key, value)


def search(kb, query: str, scope: str = "all") -> list[dict]:  # type: ignore[no-untyped-def]
    return [hit_dict(h) for h in kb.read.search(SearchRequest(query, SearchFilters(scope=scope)))]


def dense_search(kb, query: str) -> list[dict]:  # type: ignore[no-untyped-def]
    request = SearchRequest(query, SearchFilters(), mode="dense")
    return [hit_dict(h) for h in kb.read.search(request)]


def ingest_report(kb, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "rapport-justice.txt"
    path.write_text(REPORT, encoding="utf-8")
    [outcome] = kb.ingest([path])
    assert outcome.status == "ingested", outcome.reason
    return str(outcome.document_id)


def test_items_are_extracted_and_searchable(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc_id = ingest_report(kb, tmp_path)
    texts = {it.text for it in kb.read.items(ItemQuery(kind="recommendation"))}
    assert any("formation des juges" in t for t in texts), texts
    hits = search(kb, "mécanisme de plainte", scope="items")
    assert hits and "plainte" in hits[0]["text"]
    assert hits[0]["document_id"] == doc_id and hits[0]["document"] == "rapport-justice.txt"
    assert hits[0]["pages"] == [1] and "RECOMMANDATIONS" in hits[0]["section"]


def test_reextract_runs_when_the_extractor_changed(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ingest_report(kb, tmp_path)
    before = [it.id for it in kb.read.items()]
    assert kb.reextract() == 0  # up to date: nothing to do
    set_meta(kb, "extractor_version", "extract-0.old")
    assert kb.reextract() == 1
    assert [it.id for it in kb.read.items()] == before
    assert search(kb, "formation des juges", scope="items")


def test_reextract_recuts_passages_an_older_chunker_made(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ingest_report(kb, tmp_path)
    set_meta(kb, "chunker_version", "1-old")
    assert kb.reextract() == 1
    assert kb.backend.get_meta("chunker_version") == CHUNKER_VERSION
    assert kb.reextract() == 0


def test_rechunk_recuts_a_store_an_older_chunker_made(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ingest_report(kb, tmp_path)
    assert kb.index.rechunk(kb.conn) == 0  # current: nothing to do
    before = search(kb, "formation des juges")
    set_meta(kb, "chunker_version", "1-old")
    with kb.backend.transaction():
        kb.conn.execute("UPDATE chunks SET text = 'stale' WHERE scope = 'passage'")
    assert kb.index.rechunk(kb.conn) == 1
    assert kb.backend.get_meta("chunker_version") == CHUNKER_VERSION
    assert search(kb, "formation des juges") == before
    assert kb.index.rechunk(kb.conn) == 0


def test_reindex_rebuilds_the_vectors_for_another_model(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from api.service import KnowledgeBase
    from index.embeddings import HashingEmbedder
    from ingest.errors import IndexMismatch

    first = KnowledgeBase(settings, embedder=HashingEmbedder(64))
    try:
        ingest_report(first, tmp_path)
        dense = [h["text"] for h in dense_search(first, "mécanisme de plainte")]
    finally:
        first.close()
    kb = KnowledgeBase(settings, embedder=HashingEmbedder(96))
    try:
        with pytest.raises(IndexMismatch, match="reindex"):
            dense_search(kb, "mécanisme de plainte")  # another model built the vectors
        assert kb.reindex() == count(kb, "chunks") > 0
        assert kb.backend.get_meta("embedding_model") == "hashing-96"
        assert kb.backend.get_meta("embedding_dim") == "96"
        hits = dense_search(kb, "mécanisme de plainte")
        assert hits and "plainte" in hits[0]["text"]
        assert len(hits) == len(dense)
    finally:
        kb.close()


def test_delete_removes_items_chunks_and_file(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc_id = ingest_report(kb, tmp_path)
    kb.delete("rapport-justice.txt")
    assert kb.read.items() == [] and kb.read.documents() == []
    assert count(kb, "chunks") == 0
    assert not list(kb.files.glob(f"{doc_id}*"))
    assert search(kb, "juges") == []


def test_search_and_chunking_settings_reach_the_index(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from api.service import KnowledgeBase
    from index.embeddings import HashingEmbedder
    from index.knobs import ChunkKnobs, SearchKnobs

    tuned = settings.model_copy(
        update={
            "search": SearchKnobs(fusion="rrf", depth=20),
            "chunking": ChunkKnobs(min_words=10, max_words=20),
        }
    )
    kb = KnowledgeBase(tuned, embedder=HashingEmbedder())
    try:
        ingest_report(kb, tmp_path)
        assert kb.index.knobs.fusion == "rrf" and kb.index.knobs.depth == 20
        found = kb.conn.execute("SELECT text FROM chunks WHERE scope='passage'").fetchall()
        passages = [r["text"] if isinstance(r, dict) else r[0] for r in found]
        assert passages and max(len(t.split()) for t in passages) <= 20
        assert search(kb, "formation des juges")
    finally:
        kb.close()


def test_reingest_reads_the_kept_original_and_keeps_ids(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc_id = ingest_report(kb, tmp_path)
    (tmp_path / "rapport-justice.txt").unlink()  # only the kept original is left
    before = kb.read.summary(doc_id)
    items = [it.id for it in kb.read.items()]
    [outcome] = kb.reingest()
    assert outcome.status == "ingested" and outcome.document_id == doc_id, outcome
    after = kb.read.summary(doc_id)
    assert after.file_name == "rapport-justice.txt" and after.source_path == before.source_path
    assert after.ingested_at == before.ingested_at
    assert [it.id for it in kb.read.items()] == items
    assert search(kb, "mécanisme de plainte", scope="items")
    if kb.backend.name == "sqlite":  # the FTS5 table follows the chunks
        assert count(kb, "chunks_fts") == count(kb, "chunks")


def test_items_carry_evidence_and_confidence(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ingest_report(kb, tmp_path)
    items = kb.read.items(sort="confidence")
    assert items and all(it.evidence for it in items)
    assert [it.confidence for it in items] == sorted(it.confidence for it in items)
