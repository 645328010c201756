"""Bad input through the whole ingest path: a clear reason per file, the batch goes on,
the store keeps what it had."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS, shared

GOOD_TEXT = "RAPPORT\n\n1. Introduction\n\nLe projet a renforcé la protection des migrants.\n"


def outcomes_by_name(kb, paths: list[Path], **kw):  # type: ignore[no-untyped-def]
    return {Path(o.path).name: o for o in kb.ingest(paths, **kw)}


@pytest.fixture
def stored(kb, tmp_path: Path):  # type: ignore[no-untyped-def]
    good = tmp_path / "good.txt"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    [outcome] = kb.ingest([good])
    assert outcome.status == "ingested", outcome.reason
    return outcome


def snapshot(kb) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    tables = ("documents", "sections", "blocks", "doc_tables", "items")
    return tuple(kb.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables)


def test_wrong_types_named_with_reason(kb, stored, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(kb)
    jpeg = tmp_path / "photo.pdf"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    html = tmp_path / "page.pdf"
    html.write_bytes(b"<!DOCTYPE html><html><body>404</body></html>")
    archive = tmp_path / "archive.pdf"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", "hello")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ\x90\x00")
    results = outcomes_by_name(kb, [jpeg, html, archive, empty, exe, tmp_path / "missing.pdf"])
    assert "JPEG" in results["photo.pdf"].reason
    assert "HTML" in results["page.pdf"].reason
    assert "ZIP" in results["archive.pdf"].reason
    assert "empty" in results["empty.pdf"].reason
    assert "unsupported" in results["tool.exe"].reason
    assert "no such file" in results["missing.pdf"].reason
    assert all(o.status == "failed" for o in results.values())
    assert snapshot(kb) == before


def test_looping_symlink_is_named(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    loop = tmp_path / "loop.pdf"
    loop.symlink_to(loop)
    [outcome] = kb.ingest([loop])
    assert outcome.status == "failed" and "symbolic link" in outcome.reason


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_path(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD_TEXT)
    locked.chmod(0)
    [outcome] = kb.ingest([locked])
    assert outcome.status == "failed" and "cannot read" in outcome.reason


def test_size_and_page_limits(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from api.service import KnowledgeBase
    from index.embeddings import HashingEmbedder

    small = settings.model_copy(update={"max_file_mb": 0.001, "max_pages": 2})
    kb = KnowledgeBase(small, embedder=HashingEmbedder())
    big = tmp_path / "big.txt"
    big.write_text(GOOD_TEXT * 100)
    results = outcomes_by_name(kb, [big, CORPUS / "pbf-mali-justice-progress-report-2020.pdf"])
    assert "over the limit" in results["big.txt"].reason
    kb2 = KnowledgeBase(settings.model_copy(update={"max_pages": 2}), embedder=HashingEmbedder())
    [outcome] = kb2.ingest([CORPUS / "pbf-mali-justice-progress-report-2020.pdf"])
    assert outcome.status == "failed" and "page" in outcome.reason


ROBUSTNESS_EXPECTED = {
    "docling_corrupted.pdf": "failed",
    "pdfplumber_empty.pdf": "failed",
    "qpdf_bad1.pdf": "failed",
    "qpdf_empty.pdf": "failed",
    "pdfminer_aes-128.pdf": "failed",
    "pdfplumber_password-example.pdf": "failed",
}


def test_robustness_files_never_kill_the_batch(kb, stored) -> None:  # type: ignore[no-untyped-def]
    folder = shared("robustness")
    before = snapshot(kb)
    results = outcomes_by_name(kb, [folder])
    assert set(results) == {p.name for p in folder.iterdir()}
    for name, outcome in results.items():
        assert outcome.status in ("ingested", "failed"), name
        if outcome.status == "failed":
            assert outcome.reason, name
    for name, status in ROBUSTNESS_EXPECTED.items():
        assert results[name].status == status, (name, results[name])
    assert "password" in results["pdfminer_aes-128.pdf"].reason
    assert "0 bytes" in results["pdfplumber_empty.pdf"].reason
    loop = results["qpdf_append-xref-loop.pdf"]
    assert loop.status == "failed" or loop.document_id
    ingested = sum(o.status == "ingested" for o in results.values())
    assert snapshot(kb)[0] == before[0] + ingested


def test_password_opens_encrypted_pdf(kb) -> None:  # type: ignore[no-untyped-def]
    path = shared("robustness", "pdfminer_aes-128.pdf")
    [outcome] = kb.ingest([path], password="foo")
    assert outcome.status == "ingested", outcome.reason
    [wrong] = kb.ingest([shared("robustness", "pdfplumber_password-example.pdf")], password="no")
    assert wrong.status == "failed" and "password" in wrong.reason
