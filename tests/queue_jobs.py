"""Subprocess entry point for the shared-queue tests: `python queue_jobs.py URL HOME FILES
PATH…` ingests through the PostgreSQL queue with the fake embedder, one parser process, and
prints one line per file (the status first)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    """Ingest the paths; exit 1 when a file failed."""
    from api.service import KnowledgeBase
    from api.settings import Settings
    from index.embeddings import HashingEmbedder

    url, home, files = argv[0], Path(argv[1]), argv[2]
    settings = Settings(home=home, database_url=url, files_dir=files, jobs=1, ocr=False)
    kb = KnowledgeBase(settings, embedder=HashingEmbedder())
    try:
        outcomes = kb.ingest([Path(p) for p in argv[3:]])
    finally:
        kb.close()
    for outcome in outcomes:
        print(outcome.status, outcome.path, outcome.document_id, outcome.reason, flush=True)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
