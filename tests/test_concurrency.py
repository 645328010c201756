"""Several processes on one store: no lost original, no migration race, private files."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

from index import store

JOBS = Path(__file__).with_name("concurrency_jobs.py")
REPORT = "# Rapport final\n\n## Recommandations\n\n- Renforcer la coordination des acteurs.\n"


def run_together(commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command at once, then wait for all of them."""
    procs = [
        subprocess.Popen(
            [sys.executable, str(JOBS), *c],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for c in commands
    ]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


def test_parallel_ingests_of_one_file_never_lose_its_original(tmp_path: Path) -> None:
    """N processes ingest the same file at once, K times on a fresh home: every stored row's
    original is there afterwards (a writer never removes a file a row points to)."""
    source = tmp_path / "rapport.md"
    source.write_text(REPORT, encoding="utf-8")
    for round_ in range(3):
        home = tmp_path / f"home{round_}"
        results = run_together([["ingest", str(home), str(source)]] * 3)
        for r in results:
            assert r.returncode == 0, r.stdout + r.stderr
        statuses = sorted(r.stdout.split()[0] for r in results)
        assert statuses.count("ingested") >= 1 and set(statuses) <= {"ingested", "unchanged"}
        conn = store.connect(home)
        rows = conn.execute("SELECT id, stored_file FROM documents").fetchall()
        assert len(rows) == 1
        for doc_id, stored in rows:
            assert (home / "files" / stored).exists(), (round_, doc_id, statuses)
        conn.close()


def test_processes_opening_a_new_home_at_once_all_succeed(tmp_path: Path) -> None:
    for round_ in range(5):
        home = tmp_path / f"new{round_}"
        results = run_together([["open", str(home)]] * 4)
        assert all(r.returncode == 0 for r in results), [r.stderr for r in results]


def test_store_files_are_private(tmp_path: Path) -> None:
    home = tmp_path / "private"
    store.connect(home).close()
    assert stat.S_IMODE((home / store.DB_NAME).stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    kept, created = store.keep_original(home / "files", "ab" * 32, b"%PDF-1.4", ".pdf")
    assert created and stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_a_writer_that_missed_a_concurrent_store_keeps_the_original(
    kb, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The race of issue 13 made deterministic: a second writer whose "already stored?" check
    ran before the first writer committed must not treat the document as an older version of
    itself and remove its original."""
    from index.library import Library

    source = tmp_path / "rapport.md"
    source.write_text(REPORT, encoding="utf-8")
    [first] = kb.ingest([source])
    assert first.status == "ingested"
    parsed = kb.parser_pool().map([source]).__next__().result
    real_has = Library.has
    calls = {"n": 0}

    def stale_once(self: Library, document_id: str) -> bool:
        calls["n"] += 1
        return False if calls["n"] == 1 else real_has(self, document_id)

    monkeypatch.setattr(Library, "has", stale_once)
    kb.store_parsed(source, parsed)
    monkeypatch.setattr(Library, "has", real_has)
    [(doc_id, stored)] = kb.conn.execute("SELECT id, stored_file FROM documents").fetchall()
    assert doc_id == first.document_id and (kb.home / "files" / stored).exists()
