"""The store: round trip, one transaction per document, replacement, migrations; every test
taking `kb` runs on SQLite and on PostgreSQL (`pg_fixtures`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pg_fixtures import count, database_url, new_database, pg_server

from index import store
from index.migrations import MIGRATIONS, current_version
from index.query import ItemQuery
from ingest.assemble import build_document
from ingest.errors import NotFound
from ingest.pipeline import Parsed
from ingest.records import HEADING, PARAGRAPH, TABLE, Block, Item, Occurrence, Table, Tag


def tiny_parsed(data: bytes, name: str = "report.txt") -> Parsed:
    blocks = [
        Block(HEADING, "5.8. LECONS APPRISES", (3,), (), level=2),
        Block(PARAGRAPH, "Le dialogue social renforce la durabilité.", (3,), ()),
        Block(TABLE, "", (4,), (), table_index=0),
    ]
    tables = [
        Table(
            0,
            (("Recommandations", "Priorité"), ("Former les juges", "Haute")),
            (4,),
            row_pages=((4,), (4,)),
        )
    ]
    doc = build_document(
        data=data, file_name=name, media_type="text", blocks=blocks, tables=tables, page_count=4
    )
    item = Item(
        id=f"{doc.id[:8]}-i1",
        document_id=doc.id,
        kind="lesson",
        text="Le dialogue social renforce la durabilité.",
        pages=(3,),
        section_path=("5.8. LECONS APPRISES",),
        label="LA.1",
        occurrences=(Occurrence((3,), ("5.8. LECONS APPRISES",)),),
        tags=(Tag("criterion", "sustainability", "durabilité"),),
    )
    return Parsed(doc, (item,), "test-1")


@pytest.fixture
def kb(tmp_path: Path, database_url: str) -> Iterator[Any]:
    """A KnowledgeBase (fake embedder) on a temp SQLite store or a fresh Postgres database."""
    from api.service import KnowledgeBase
    from api.settings import Settings
    from index.embeddings import HashingEmbedder

    settings = Settings(home=tmp_path / "data", database_url=database_url, jobs=2, ocr=False)
    base = KnowledgeBase(settings, embedder=HashingEmbedder())
    yield base
    base.close()


def write(kb, tmp_path: Path, content: bytes, name: str = "report.txt"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(content)
    return kb.store_parsed(path, tiny_parsed(content, name))


def test_round_trip(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outcome = write(kb, tmp_path, b"version one")
    assert outcome.status == "ingested"
    doc = kb.read.document("report.txt")
    assert doc.sections[0].title == "5.8. LECONS APPRISES" and doc.sections[0].page_start == 3
    assert doc.blocks[1].section_path == ("5.8. LECONS APPRISES",)
    assert doc.tables[0].rows[1] == ("Former les juges", "Haute")
    assert doc.tables[0].section_path == ("5.8. LECONS APPRISES",)
    assert doc.tables[0].row_pages == ((4,), (4,))
    [item] = kb.read.items(ItemQuery(kind="lesson"))
    assert item.label == "LA.1" and item.tags[0].value == "sustainability"
    assert kb.read.item(item.id[:6]) == item
    assert (kb.files / f"{doc.id}.txt").read_bytes() == b"version one"


def test_same_bytes_is_a_no_op(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write(kb, tmp_path, b"same")
    assert write(kb, tmp_path, b"same").status == "unchanged"
    assert len(kb.read.documents()) == 1


def test_changed_file_at_same_path_replaces_old_version(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = write(kb, tmp_path, b"version one")
    second = write(kb, tmp_path, b"version two")
    assert second.replaced == (first.document_id,)
    assert [d.id for d in kb.read.documents()] == [second.document_id]
    assert not list(kb.files.glob(f"{first.document_id}*"))
    assert len(kb.read.items()) == 1


def test_failure_mid_transaction_leaves_store_unchanged(kb, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    kept = write(kb, tmp_path, b"kept")

    def explode(*args: object) -> None:
        raise error("disk I/O error (simulated)")

    if kb.backend.name == "sqlite":
        error: type[Exception] = sqlite3.OperationalError
        monkeypatch.setattr(store, "write_items", explode)
    else:
        import psycopg

        from index.pg import rows

        error = psycopg.OperationalError
        monkeypatch.setattr(rows, "write_items", explode)
    outcome = write(kb, tmp_path, b"new bytes", name="other.txt")
    assert outcome.status == "failed" and "simulated" in outcome.reason
    assert [d.id for d in kb.read.documents()] == [kept.document_id]
    assert count(kb, "blocks") == 3 and count(kb, "documents") == 1
    assert len(list(kb.files.iterdir())) == 1


def test_delete_and_unknown_ids(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outcome = write(kb, tmp_path, b"to delete")
    with pytest.raises(NotFound):
        kb.read.summary("nothing-like-this")
    kb.delete(outcome.document_id[:10])
    assert kb.read.documents() == [] and kb.read.items() == []
    assert count(kb, "sections") == 0 and count(kb, "chunks") == 0


def test_migrations_are_numbered_and_applied(tmp_path: Path) -> None:
    conn = store.connect(tmp_path)
    numbers = [n for n, _ in MIGRATIONS]
    assert numbers == list(range(1, len(numbers) + 1))
    assert current_version(conn) == numbers[-1]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.connect(tmp_path).close()  # reopening applies nothing twice


def test_postgres_migrations_are_numbered_and_applied_once(pg_server: str) -> None:
    from index.pg import db
    from index.pg.schema import MIGRATIONS as PG_MIGRATIONS

    url = new_database(pg_server)
    numbers = [n for n, _ in PG_MIGRATIONS]
    assert numbers == list(range(1, len(numbers) + 1))
    with db.connect(url) as conn:
        assert db.current_version(conn) == numbers[-1]
    with db.connect(url) as conn:  # reopening applies nothing twice
        rows = conn.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
        assert [r["version"] for r in rows] == numbers


def test_documents_resolve_by_file_name_start(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write(kb, tmp_path, b"one", name="ilo-mali-report.txt")
    write(kb, tmp_path, b"two", name="ilo-niger-report.txt")
    assert kb.read.summary("ilo-mali").file_name == "ilo-mali-report.txt"
    with pytest.raises(NotFound, match="ambiguous"):
        kb.read.summary("ilo-")
    with pytest.raises(NotFound):
        kb.read.summary("ilo_mali")  # LIKE wildcards in the reference are taken literally
