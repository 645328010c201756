"""Same answers on both backends: items, and the top 10 of the dev queries, SQLite vs Postgres.

Run: .venv/bin/python bench/pg_parity.py [--sqlite-home H --url postgresql://…] [PATHS…]

Without stores given, ingests PATHS (default corpus/) into a fresh SQLite home and a fresh
Postgres database (started with pgserver), with the configured model. Then compares the
items (`evalkb items`: ids, kinds, texts, pages) and, for each dev query
(tests/gold/queries.json) × lexical / dense / hybrid × three filter sets, the ids of the
top 10 hits, and times each search on both (the same process, alternating).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.service import KnowledgeBase  # noqa: E402
from api.settings import Settings  # noqa: E402
from index.query import SearchFilters, SearchRequest  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from pgtemp import temp_database  # noqa: E402

FILTERS = {
    "none": SearchFilters(),
    "items": SearchFilters(scope="item"),
    "mali_2022+": SearchFilters(country="mali", year_from=2022),
}


def open_pair(args: argparse.Namespace) -> tuple[KnowledgeBase, KnowledgeBase, object]:
    """The two stores, built from the paths when not given; (sqlite, postgres, server)."""
    work = Path(tempfile.mkdtemp(prefix="evalkb-parity-"))
    server = None
    url = args.url
    if not url:
        url, server = temp_database(work / "pg", "parity")
    sqlite = KnowledgeBase(Settings(home=args.sqlite_home or work / "sqlite"))
    postgres = KnowledgeBase(Settings(home=work / "pg-home", database_url=url))
    for kb in (sqlite, postgres):
        if not kb.library.document_count():
            kb.ingest([Path(p) for p in args.paths])
    return sqlite, postgres, server


def item_rows(kb: KnowledgeBase) -> list[tuple[object, ...]]:
    return [(i.id, i.kind, i.text, i.pages) for i in kb.read.items()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=[str(ROOT / "corpus")])
    ap.add_argument("--sqlite-home", type=Path)
    ap.add_argument("--url", default="")
    args = ap.parse_args()
    sqlite, postgres, server = open_pair(args)
    gold = json.loads((ROOT / "tests" / "gold" / "queries.json").read_text())["queries"]
    same = differ = 0
    differing: list[str] = []
    times: dict[str, list[float]] = {"sqlite": [], "postgresql": []}
    for query in (q["query"] for q in gold):
        for mode in ("lexical", "dense", "hybrid"):
            for name, filters in FILTERS.items():
                request = SearchRequest(query, filters, mode=mode)
                tops = []
                for label, kb in (("sqlite", sqlite), ("postgresql", postgres)):
                    start = time.perf_counter()
                    hits = kb.read.search(request)
                    times[label].append(1000 * (time.perf_counter() - start))
                    tops.append([h.id for h in hits[:10]])
                if tops[0] == tops[1]:
                    same += 1
                else:
                    differ += 1
                    differing.append(f"{mode}/{name}: {query[:50]}")
    items = item_rows(sqlite), item_rows(postgres)
    report = {
        "documents": [sqlite.library.document_count(), postgres.library.document_count()],
        "items": [len(items[0]), len(items[1])],
        "items_identical": items[0] == items[1],
        "top10_identical": f"{same}/{same + differ}",
        "differing": differing[:10],
        "search_ms": {
            label: {
                "p50": round(statistics.median(t), 1),
                "p95": round(sorted(t)[int(0.95 * len(t))], 1),
            }
            for label, t in times.items()
        },
    }
    print(json.dumps(report, indent=1, ensure_ascii=False))
    sqlite.close()
    postgres.close()
    if server is not None:
        server.cleanup()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
