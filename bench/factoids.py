"""Factoid passages bench: does the passage that states the answer come first?

Run: .venv/bin/python bench/factoids.py [--encoder auto|onnx|torch] [--show]

Ingests corpus/*.pdf and the ../shared/reports-iom PDFs that tests/gold/factoids.json needs
into one store per configuration (/tmp/evalkb-bench-factoids/store-<name>, replaced by the
next run), runs every factoid query in the default hybrid mode (glossary on) and
prints MRR@10, hit@1 and hit@10 per language for today's ranking (the answer-first knobs
off: `BASELINE`) beside the default knobs, in one run. Queries are split by a stable hash
of their id into a dev half and a held-out half; tune on dev only.

A hit is relevant when its file stem equals the target's `doc` and its text (or the text of
a near-duplicate collapsed into it) contains the target's `contains` (accent-, case- and
punctuation-insensitive). Parsed documents are cached by file hash and reader version
(/tmp/evalkb-bench-cache, shared with bench/extract.py), embeddings by model and unit text
(/tmp/evalkb-bench-factoids), so reruns only pay for chunks that changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from extract import read_cached, reader_version  # noqa: E402
from search import norm  # noqa: E402

from index import store  # noqa: E402
from index.chunks import unit_text  # noqa: E402
from index.embeddings import Embedder  # noqa: E402
from index.indexer import Prepared, chunk_units  # noqa: E402
from index.knobs import ChunkKnobs, SearchKnobs  # noqa: E402
from index.query import SearchRequest  # noqa: E402
from index.search import Hit, Searcher  # noqa: E402
from index.search_index import SearchIndex  # noqa: E402
from ingest.pipeline import Parsed, analyse  # noqa: E402

SHARED = ROOT.parent / "shared"
GOLD = ROOT / "tests" / "gold" / "factoids.json"
VECTOR_CACHE = Path(tempfile.gettempdir()) / "evalkb-bench-factoids"
# today's path: the same code with the answer-first knobs off
BASELINE_SEARCH = SearchKnobs(collapse=False, rerank_depth=0)
BASELINE_CHUNKS = ChunkKnobs(table_row_headers=False)


def split(query_id: str) -> str:
    """'dev' or 'held-out', fixed by a hash of the query id."""
    return "held-out" if int(hashlib.sha256(query_id.encode()).hexdigest(), 16) % 2 else "dev"


def source_files(gold: Sequence[dict]) -> list[Path]:
    """corpus/*.pdf plus the reports-iom PDFs a relevant target names."""
    stems = {r["doc"] for q in gold for r in q["relevant"]}
    iom = [SHARED / "reports-iom" / f"{s}.pdf" for s in sorted(stems)]
    return sorted((ROOT / "corpus").glob("*.pdf")) + [p for p in iom if p.exists()]


def parsed_documents(paths: Sequence[Path]) -> list[Parsed]:
    """Read and analyse each file (cached by file hash, reader and extractor versions)."""
    from ingest.extract import EXTRACTOR_VERSION

    VECTOR_CACHE.mkdir(exist_ok=True)
    out = []
    for path in paths:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()[:20]
        key = VECTOR_CACHE / f"{sha}-{reader_version()}-{EXTRACTOR_VERSION}.parsed.pkl"
        if key.exists():
            out.append(pickle.loads(key.read_bytes()))
            continue
        doc, _ = read_cached(path, True)
        out.append(analyse(doc))
        key.write_bytes(pickle.dumps(out[-1]))
    return out


class CachedEmbedder:
    """An embedder whose vectors are cached by unit text (a rerun embeds only new chunks)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        VECTOR_CACHE.mkdir(exist_ok=True)
        safe = "".join(c if c.isalnum() else "_" for c in inner.name)[-60:]
        self.path = VECTOR_CACHE / f"{safe}-{inner.dim}.pkl"
        self.cache: dict[str, np.ndarray] = (
            pickle.loads(self.path.read_bytes()) if self.path.exists() else {}
        )

    @property
    def name(self) -> str:
        """The inner model's name."""
        return self.inner.name

    @property
    def dim(self) -> int:
        """The inner model's dimension."""
        return self.inner.dim

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: bool = False):  # type: ignore[no-untyped-def]
        """Vectors of `texts`, from the cache where possible."""
        missing = sorted({t for t in texts if t not in self.cache})
        if missing:
            vecs = self.inner.encode(missing, batch_size=batch_size)
            self.cache.update(zip(missing, np.asarray(vecs, dtype=np.float32), strict=True))
            self.path.write_bytes(pickle.dumps(self.cache))
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, self.dim))


def build(
    docs: Sequence[Parsed], embedder: CachedEmbedder, chunking: ChunkKnobs, name: str
) -> Path:
    """A store of `docs` chunked with `chunking`, in `<cache>/store-<name>` (replaced on every
    run, kept after it for a look at the hits)."""
    home = VECTOR_CACHE / f"store-{name}"
    shutil.rmtree(home, ignore_errors=True)
    conn = store.connect(home)
    index = SearchIndex(home, embedder, chunking=chunking)
    for parsed in docs:
        doc = parsed.document
        chunks = chunk_units(doc, parsed.items, None, chunking)
        by_id = {it.id: it for it in parsed.items}
        vecs = embedder.encode([unit_text(c, by_id.get(c.ref)) for c in chunks])
        with store.transaction(conn):
            store.write_document(conn, doc, doc.file_name, "")
            store.write_items(conn, doc.id, parsed.items)
            index.write(conn, doc, parsed.items, Prepared(tuple(chunks), vecs))
    conn.close()
    return home


def rank_of_answer(hits: Sequence[Hit], relevant: Sequence[dict]) -> int:
    """1-based rank of the first hit that states the answer (0 = not in the list)."""
    targets = [(r["doc"], norm(r["contains"])) for r in relevant]
    for rank, h in enumerate(hits, 1):
        texts = [h.text, *(a.text for a in h.also_at)]
        stem = Path(h.file_name).stem
        if any(stem == d and any(c in norm(t) for t in texts) for d, c in targets):
            return rank
    return 0


def run(searcher: Searcher, gold: Sequence[dict], show: bool = False) -> dict[str, int]:
    """Rank of the answer for each query id."""
    ranks = {}
    for q in gold:
        hits = searcher.search(SearchRequest(q["query"], k=10))
        ranks[q["id"]] = rank_of_answer(hits, q["relevant"])
        if show:
            print(f"  {q['id']} rank {ranks[q['id']]:>2}  {q['query'][:70]}")
    return ranks


def scores(ranks: Sequence[int]) -> tuple[float, float, float]:
    """MRR@10, hit@1, hit@10."""
    if not ranks:
        return 0.0, 0.0, 0.0
    mrr = float(np.mean([1 / r if r else 0.0 for r in ranks]))
    return mrr, float(np.mean([r == 1 for r in ranks])), float(np.mean([r > 0 for r in ranks]))


def report(gold: Sequence[dict], runs: dict[str, dict[str, int]]) -> None:
    """Print the figures of each run side by side, per split and language."""
    names = list(runs)
    head = "".join(f"{n + ' MRR':>16}{'h@1':>6}{'h@10':>6}" for n in names)
    print(f"{'split':<10}{'lang':<5}{'n':>4}{head}")
    for part in ("dev", "held-out", "all"):
        for lang in ("all", "en", "fr"):
            qs = [
                q
                for q in gold
                if (part == "all" or split(q["id"]) == part) and lang in ("all", q["lang"])
            ]
            cells = ""
            for n in names:
                m, h1, h10 = scores([runs[n][q["id"]] for q in qs])
                cells += f"{m:>16.3f}{h1:>6.2f}{h10:>6.2f}"
            print(f"{part:<10}{lang:<5}{len(qs):>4}{cells}")


def main() -> None:
    """Build both stores, run the queries on both, print the table."""
    from index.encoders import make_embedder, models_dir

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--encoder", default="auto", choices=("auto", "onnx", "torch"))
    ap.add_argument("--show", action="store_true", help="print each query's rank")
    args = ap.parse_args()
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["queries"]
    t0 = time.perf_counter()
    docs = parsed_documents(source_files(gold))
    embedder = CachedEmbedder(make_embedder("", args.encoder, models_dir(ROOT / "data")))
    print(f"{len(docs)} documents read in {time.perf_counter() - t0:.0f}s; model {embedder.name}")
    configs = {
        "today": (BASELINE_SEARCH, BASELINE_CHUNKS),
        "new": (SearchKnobs(), ChunkKnobs()),
    }
    runs = {}
    for name, (knobs, chunking) in configs.items():
        home = build(docs, embedder, chunking, name)
        index = SearchIndex(home, embedder, knobs=knobs, chunking=chunking)
        searcher = index.searcher(store.connect(home))
        if args.show:
            print(f"-- {name}")
        runs[name] = run(searcher, gold, args.show)
    n_dev = sum(split(q["id"]) == "dev" for q in gold)
    print(f"\n== Factoids: {len(gold)} queries ({n_dev} dev, {len(gold) - n_dev} held-out)")
    report(gold, runs)


if __name__ == "__main__":
    main()
