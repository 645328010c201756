"""Encoder benchmark: sentence-transformers (torch) vs ONNX fp32 vs ONNX int8, side by side.

For each runtime of the bundled model, in one run:

1. parity: min / mean cosine to the torch embeddings of ~200 corpus passages (corpus/*.pdf read
   and chunked by the product's reader and chunker, spread over every document);
2. speed: encode throughput (passages/s, batches sorted by length, best of `--repeat`) and
   cold load time (a fresh process: imports, model load, one query encoded); both use every
   core (torch: its default thread count; ONNX: one batch per core, one thread each);
3. search quality: bench/search.py's quality part (dev-set nDCG@10 on tests/gold/queries.json
   and PIAF nDCG@10 on ../shared/retrieval/piaf) with that encoder; the must-show is every
   ONNX figure within 0.005 of torch's.

The ONNX files are exported into `<home>/models/` first if missing (needs torch once).

    .venv/bin/python bench/encoder.py [--home data] [--passages 200] [--piaf-queries N]
                                      [--no-quality] [--runtimes torch,onnx-fp32,onnx-fp32@128]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, cast

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import search as search_bench  # noqa: E402  (bench/search.py)
from tempdirs import scratch_dir  # noqa: E402

from index.chunks import unit_text  # noqa: E402
from index.embeddings import Embedder  # noqa: E402
from index.encoders import make_embedder, models_dir  # noqa: E402
from index.indexer import chunk_units  # noqa: E402

RUNTIMES = ("torch", "onnx-fp32", "onnx-int8")
TOLERANCE = 0.005
LOAD_SNIPPET = """
import sys, time
t0 = time.perf_counter()
from index.encoders import make_embedder
from pathlib import Path
runtime, models = sys.argv[1], Path(sys.argv[2])
encoder = "torch" if runtime == "torch" else "onnx"
emb = make_embedder("", encoder, models, quantize=runtime == "onnx-int8", micro_batch=False)
emb.encode(["budget total du plan d'action"])
heavy = any(m.split(".")[0] in ("torch", "sentence_transformers") for m in sys.modules)
print(f"{time.perf_counter() - t0:.3f} {int(heavy)}")
"""


def embedder(runtime: str, models: Path) -> Embedder:
    """The bundled model on one runtime: 'torch', 'onnx-fp32' or 'onnx-int8', with '@N'
    appended to truncate texts to N tokens (EVALKB_MAX_TOKENS)."""
    base, _, tokens = runtime.partition("@")
    encoder = "torch" if base == "torch" else "onnx"
    return make_embedder(
        "",
        encoder,
        models,
        quantize=base == "onnx-int8",
        threads=1,
        max_tokens=int(tokens) if tokens else None,
        micro_batch=False,
    )


def corpus_passages(limit: int) -> list[str]:
    """About `limit` embedded texts of the corpus chunks, taken evenly over all documents."""
    texts: list[str] = []
    for parsed in search_bench.parsed_corpus():
        by_id = {it.id: it for it in parsed.items}
        chunks = chunk_units(parsed.document, parsed.items, None, None)
        texts += [unit_text(c, by_id.get(c.ref)) for c in chunks]
    step = max(1, len(texts) // limit)
    return texts[::step][:limit]


def cold_load(runtime: str, models: Path) -> tuple[float, bool]:
    """Seconds for a fresh process to import, load and encode one query; and whether it
    imported torch or sentence-transformers."""
    out = subprocess.run(
        [sys.executable, "-c", LOAD_SNIPPET, runtime, str(models)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[-2]), out[-1] == "1"


def throughput(emb: Embedder, texts: list[str], repeat: int) -> float:
    """Passages per second (best of `repeat`, after one warm-up batch)."""
    emb.encode(texts[:8])
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        emb.encode(texts, batch_size=64)
        best = min(best, time.perf_counter() - t0)
    return len(texts) / best


def _rows(text: str) -> dict[str, float]:
    """{mode label: first figure (nDCG@10)} from a table printed by bench/search.py."""
    out = {}
    for label, _, _ in search_bench.MODES:
        match = re.search(rf"^{re.escape(label)}\s+([0-9.]+)", text, re.M)
        if match:
            out[label] = float(match.group(1))
    return out


def quality(emb: Embedder, piaf_queries: int) -> dict[str, float]:
    """Dev-set and PIAF nDCG@10 per search mode, as bench/search.py computes them."""
    import json

    home = scratch_dir("evalkb-bench-encoder-")
    searcher = search_bench.build_corpus(home, emb)  # type: ignore[arg-type]
    cast(Any, searcher.index).refresh(searcher.conn)  # a SearchIndex: load the vectors
    gold = json.loads((ROOT / "tests/gold/queries.json").read_text())["queries"]
    keys = [(q["query"], e) for q in gold for e in (False, True)]
    texts = [search_bench.searcher_text(searcher, q, e) for q, e in keys]
    qvec = dict(zip(keys, emb.encode(texts), strict=True))
    dev, piaf = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(dev):
        search_bench.eval_dev(searcher, qvec)
    with contextlib.redirect_stdout(piaf):
        search_bench.eval_piaf(emb, piaf_queries)  # type: ignore[arg-type]
    searcher.conn.close()
    scores = {f"dev {k}": v for k, v in _rows(dev.getvalue()).items() if k != "lexical"}
    scores |= {f"PIAF {k}": v for k, v in _rows(piaf.getvalue()).items() if k != "lexical"}
    return scores


def main() -> None:
    """Run the three runtimes side by side and print parity, speed and quality tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", type=Path, default=ROOT / "data", help="data dir (models/ in it)")
    ap.add_argument("--passages", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--piaf-queries", type=int, default=100_000)
    ap.add_argument("--no-quality", action="store_true", help="skip the search-quality part")
    ap.add_argument(
        "--runtimes",
        default=",".join(RUNTIMES),
        help="torch first (the reference), then any of onnx-fp32, onnx-int8; '@N' appended "
        "truncates texts to N tokens, e.g. onnx-fp32@128",
    )
    args = ap.parse_args()
    runtimes = tuple(args.runtimes.split(","))
    if runtimes[0] != "torch":
        raise SystemExit("--runtimes must start with torch, the reference")
    models = models_dir(args.home)
    embedders = {r: embedder(r, models) for r in runtimes}
    for runtime in runtimes[1:]:  # export ahead of the timings (needs torch, once)
        info = embedders[runtime].export_info()  # type: ignore[attr-defined]
        if info["runtime"] != runtime.partition("@")[0]:
            raise SystemExit(f"{runtime} unavailable here: {info['runtime']}")
    texts = corpus_passages(args.passages)
    lengths = [len(t) for t in texts]
    print(f"{len(texts)} corpus passages, {min(lengths)}-{max(lengths)} chars")
    vectors = {r: e.encode(texts, batch_size=64) for r, e in embedders.items()}
    print(
        f"\n{'runtime':<15}{'min cos':>9}{'mean cos':>9}{'pass/s':>9}{'× torch':>8}"
        f"{'cold load s':>12}{'torch imp.':>11}"
    )
    speeds = {r: throughput(e, texts, args.repeat) for r, e in embedders.items()}
    for runtime in runtimes:
        cos = np.sum(vectors[runtime] * vectors["torch"], axis=1)
        load, heavy = cold_load(runtime.partition("@")[0], models)
        print(
            f"{runtime:<15}{cos.min():>9.4f}{cos.mean():>9.4f}{speeds[runtime]:>9.1f}"
            f"{speeds[runtime] / speeds['torch']:>8.2f}{load:>12.2f}{'yes' if heavy else 'no':>11}"
        )
    if args.no_quality:
        return
    scores = {r: quality(e, args.piaf_queries) for r, e in embedders.items()}
    print(f"\nnDCG@10 (must show: each ONNX figure within {TOLERANCE} of torch)")
    print(f"{'set / mode':<22}" + "".join(f"{r:>14}" for r in runtimes) + f"{'max |Δ|':>9}  ok")
    worst = 0.0
    for key, ref in scores["torch"].items():
        delta = max(abs(scores[r].get(key, float("nan")) - ref) for r in runtimes[1:])
        worst = max(worst, delta)
        row = "".join(f"{scores[r].get(key, float('nan')):>14.3f}" for r in runtimes)
        print(f"{key:<22}{row}{delta:>9.3f}  {'yes' if delta <= TOLERANCE else 'NO'}")
    print(
        f"largest difference to torch: {worst:.3f} ({'within' if worst <= TOLERANCE else 'OVER'}"
        f" {TOLERANCE})"
    )


if __name__ == "__main__":
    main()
