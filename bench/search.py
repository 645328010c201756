"""Search benchmark: quality of lexical / dense / hybrid / hybrid+glossary, latency and size.

Run: .venv/bin/python bench/search.py [--synthetic 200000] [--piaf-queries N] [--baseline]

1. Dev set (tests/gold/queries.json) on the corpus PDFs: nDCG@10 and recall@10 per mode,
   split by query language. Relevance = file name stem + distinctive substring (see the file).
2. PIAF (../shared/retrieval/piaf, BEIR): the same modes.
3. Latency p50/p95 per query on the corpus and on a synthetic collection (default 200,000
   chunks: corpus words re-sampled, vectors = real vectors + noise), with and without the
   query embedding; index size on disk and resident memory of the vector index.
Lexical is the baseline the other modes are read against.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import pickle
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tempdirs import scratch_dir  # noqa: E402

from index import store  # noqa: E402
from index.chunks import unit_text  # noqa: E402
from index.embeddings import SentenceTransformerEmbedder  # noqa: E402
from index.indexer import prepare, write_chunks  # noqa: E402
from index.knobs import ChunkKnobs, SearchKnobs  # noqa: E402
from index.query import SearchRequest  # noqa: E402
from index.search import Searcher  # noqa: E402
from index.search_index import SearchIndex  # noqa: E402
from index.textnorm import fold  # noqa: E402
from ingest.records import Chunk, Document  # noqa: E402

SHARED = ROOT.parent / "shared"
# --baseline: today's ranking and chunking (the answer-first knobs off, as bench/factoids.py)
CONFIG: dict = {"search": SearchKnobs(), "chunking": ChunkKnobs()}
MODES = [
    ("lexical", "lexical", False),
    ("dense", "dense", False),
    ("hybrid", "hybrid", False),
    ("hybrid+glossary", "hybrid", True),
]


def norm(text: str) -> str:
    """Accent-, case-, punctuation- and space-insensitive form for substring relevance."""
    return " ".join(re.findall(r"[^\W_]+", fold(text)))


def ndcg_recall(flags: list[int], n_relevant: int, k: int = 10) -> tuple[float, float]:
    """nDCG@k and recall@k from per-rank target indexes (-1 = not relevant / duplicate)."""
    dcg = sum(1 / math.log2(i + 2) for i, f in enumerate(flags[:k]) if f >= 0)
    idcg = sum(1 / math.log2(i + 2) for i in range(min(k, n_relevant)))
    return (dcg / idcg if idcg else 0.0), len({f for f in flags[:k] if f >= 0}) / n_relevant


def parsed_corpus() -> list:
    """Parsed corpus PDFs (cached in the temp dir by file hash and extractor version)."""
    from ingest.extract import EXTRACTOR_VERSION
    from ingest.pipeline import parse_file
    from ingest.readers import ReadOptions

    cache = Path(tempfile.gettempdir()) / "evalkb-bench-search"
    cache.mkdir(exist_ok=True)
    out = []
    for path in sorted((ROOT / "corpus").glob("*.pdf")):
        key = hashlib.sha256(path.read_bytes()).hexdigest()[:16] + f"-{EXTRACTOR_VERSION}.pkl"
        if (cache / key).exists():
            out.append(pickle.loads((cache / key).read_bytes()))
        else:
            parsed = parse_file(path, ReadOptions(ocr=False))
            (cache / key).write_bytes(pickle.dumps(parsed))
            out.append(parsed)
    return out


def build_corpus(home: Path, embedder: SentenceTransformerEmbedder) -> Searcher:
    """Store and index the corpus under `home`."""
    conn = store.connect(home)
    for parsed in parsed_corpus():
        doc = parsed.document
        prep = prepare(doc, parsed.items, embedder, chunking=CONFIG["chunking"])
        with store.transaction(conn):
            store.write_document(conn, doc, doc.file_name, "")
            store.write_items(conn, doc.id, parsed.items)
            write_chunks(
                conn,
                doc,
                prep.chunks,
                prep.vectors,
                items=parsed.items,
                model=(embedder.name, embedder.dim),
            )
    return SearchIndex(home, embedder, knobs=CONFIG["search"]).searcher(conn)


def eval_dev(searcher: Searcher, vectors: dict[tuple[str, bool], np.ndarray]) -> None:
    gold = json.loads((ROOT / "tests/gold/queries.json").read_text())["queries"]
    print(
        f"\n== Dev set: {len(gold)} queries "
        f"({sum(q['lang'] == 'en' for q in gold)} EN, {sum(q['lang'] == 'fr' for q in gold)} FR)"
    )
    print(f"{'mode':<17}{'nDCG@10':>9}{'  EN':>7}{'  FR':>7}{'R@10':>8}")
    for label, mode, expand in MODES:
        scores: dict[str, list[tuple[float, float]]] = {"all": [], "en": [], "fr": []}
        for q in gold:
            hits = searcher.search(
                SearchRequest(q["query"], k=10, mode=mode, expand=expand),
                query_vector=vectors.get((q["query"], expand)),
            )
            targets = [(r["doc"], norm(r["contains"])) for r in q["relevant"]]
            seen: set[int] = set()
            flags = []
            for h in hits:
                text = norm(h.text)
                match = [
                    i
                    for i, (d, c) in enumerate(targets)
                    if Path(h.file_name).stem == d and c in text and i not in seen
                ]
                flags.append(match[0] if match else -1)
                seen.update(match[:1])
            pair = ndcg_recall(flags, len(targets))
            scores["all"].append(pair)
            scores[q["lang"]].append(pair)
        avg = {k: np.mean(v, axis=0) if v else (0, 0) for k, v in scores.items()}
        print(
            f"{label:<17}{avg['all'][0]:>9.3f}{avg['en'][0]:>7.3f}{avg['fr'][0]:>7.3f}"
            f"{avg['all'][1]:>8.3f}"
        )


def eval_piaf(embedder: SentenceTransformerEmbedder, limit: int) -> None:
    base = SHARED / "retrieval" / "piaf"
    if not base.exists():
        print("\n== PIAF: skipped (../shared/retrieval/piaf absent)")
        return
    home = scratch_dir("evalkb-piaf-")
    conn = store.connect(home)
    corpus = [json.loads(line) for line in (base / "corpus.jsonl").open()]
    queries = {q["_id"]: q["text"] for q in map(json.loads, (base / "queries.jsonl").open())}
    qrels: dict[str, set[str]] = {}
    for line in list((base / "qrels_test.tsv").open())[1:]:
        qid, cid, _ = line.rstrip("\n").split("\t")
        qrels.setdefault(qid, set()).add(cid)
    chunks_all = [
        Chunk(
            id=p["_id"],
            scope="passage",
            document_id="",
            text=p["text"],
            pages=(1,),
            section_path=(p["title"],),
            kind="passage",
        )
        for p in corpus
    ]
    vecs = embedder.encode([unit_text(c) for c in chunks_all], batch_size=64)
    with store.transaction(conn):
        for i, c in enumerate(chunks_all):
            doc = Document(
                id=hashlib.sha256(c.id.encode()).hexdigest(),
                file_name=c.id,
                title=c.section_path[0],
                language="fr",
                page_count=1,
                media_type="text",
            )
            store.write_document(conn, doc, c.id, "")
            write_chunks(
                conn,
                doc,
                [Chunk(**{**c.__dict__, "document_id": doc.id})],
                vecs[i : i + 1],
                model=(embedder.name, embedder.dim),
            )
    searcher = SearchIndex(home, embedder, knobs=CONFIG["search"]).searcher(conn)
    qids = sorted(q for q in qrels if q in queries)[:limit]
    texts = {e: [searcher_text(searcher, queries[q], e) for q in qids] for e in (False, True)}
    unique = sorted(set(texts[False]) | set(texts[True]))
    encoded = dict(zip(unique, embedder.encode(unique, 128), strict=True))
    qv = {e: np.stack([encoded[t] for t in texts[e]]) for e in (False, True)}
    print(f"\n== PIAF: {len(corpus)} paragraphs, {len(qids)} queries")
    print(f"{'mode':<17}{'nDCG@10':>9}{'R@10':>8}")
    for label, mode, expand in MODES:
        res = []
        for i, q in enumerate(qids):
            hits = searcher.search(
                SearchRequest(queries[q], k=10, mode=mode, expand=expand),
                query_vector=qv[expand][i],
            )
            flags = [0 if h.file_name in qrels[q] else -1 for h in hits]
            res.append(ndcg_recall(flags, len(qrels[q])))
        nd, rc = np.mean(res, axis=0)
        print(f"{label:<17}{nd:>9.3f}{rc:>8.3f}")


def searcher_text(searcher: Searcher, query: str, expand: bool) -> str:
    """The text the searcher embeds for a query (so vectors can be batch-encoded)."""
    if not expand:
        return query
    extra = searcher.index.glossary().expand(query).words
    return query + " (" + "; ".join(extra) + ")" if extra else query


if __name__ == "__main__":
    from search_latency import latency_corpus, latency_synthetic

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--synthetic", type=int, default=200_000)
    ap.add_argument("--piaf-queries", type=int, default=100_000)
    ap.add_argument("--baseline", action="store_true", help="answer-first knobs off")
    args = ap.parse_args()
    if args.baseline:
        from factoids import BASELINE_CHUNKS, BASELINE_SEARCH

        CONFIG.update(search=BASELINE_SEARCH, chunking=BASELINE_CHUNKS)
    emb = SentenceTransformerEmbedder()
    t0 = time.perf_counter()
    home = scratch_dir("evalkb-bench-")
    searcher = build_corpus(home, emb)
    searcher.index.refresh(searcher.conn)
    n = searcher.conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    print(f"corpus: {n} chunks indexed in {time.perf_counter() - t0:.1f}s ({emb.name})")
    gold = json.loads((ROOT / "tests/gold/queries.json").read_text())["queries"]
    qvec = {
        (q["query"], e): emb.encode([searcher_text(searcher, q["query"], e)])[0]
        for q in gold
        for e in (False, True)
    }
    eval_dev(searcher, qvec)
    eval_piaf(emb, args.piaf_queries)
    latency_corpus(searcher, [q["query"] for q in gold], qvec)
    if args.synthetic:
        latency_synthetic(searcher, [q["query"] for q in gold], qvec, args.synthetic)
