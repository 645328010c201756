"""Subprocess entry points for the concurrency tests: `python concurrency_jobs.py ingest HOME
FILE` stores one file with the fake embedder; `... open HOME` opens (and migrates) a store."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    """Run one command; print what happened."""
    command, home = argv[0], Path(argv[1])
    if command == "open":
        from index import store

        store.connect(home).close()
        print("opened")
        return 0
    from api.service import KnowledgeBase
    from api.settings import Settings
    from index.embeddings import HashingEmbedder

    kb = KnowledgeBase(Settings(home=home, jobs=1, ocr=False), embedder=HashingEmbedder())
    try:
        [outcome] = kb.ingest([Path(argv[2])])
    finally:
        kb.close()
    print(outcome.status, outcome.document_id, outcome.reason)
    return 0 if outcome.status != "failed" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
