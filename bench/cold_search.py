"""Cold `evalkb search` from the shell: lexical vs hybrid, torch vs ONNX, side by side.

Each measurement is a fresh `evalkb search "<query>" --mode lexical|hybrid` process (imports,
store open, index load, query embedding, output), as a user runs it, with
`EVALKB_ENCODER=torch` (sentence-transformers, the path before issue 11) and `auto` (the ONNX
encoder). Runs are interleaved (one of each per round, in a shuffled order, after a warm-up
round) so noise from other processes on the machine spreads over all four; the median of
`--runs` rounds is kept.
Must show: hybrid ≤ 2× lexical with ONNX (about 12× with torch before).

The store is built once from corpus/ (`evalkb ingest`, ONNX encoder) in a temp data dir,
or reused with `--home DIR`; exported encoders are read from `--models` (exported if absent).

    .venv/bin/python bench/cold_search.py [--runs 7] [--home DIR] [--query "..."]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.store import DB_NAME  # noqa: E402

EVALKB = Path(sys.executable).with_name("evalkb")
ENCODERS = ("torch", "auto")
MODES = ("lexical", "hybrid")


def environment(home: Path, models: Path, encoder: str) -> dict[str, str]:
    """The environment of one `evalkb` process."""
    return {
        **os.environ,
        "EVALKB_HOME": str(home),
        "EVALKB_MODELS_DIR": str(models),
        "EVALKB_ENCODER": encoder,
        "EVALKB_OCR": "false",
    }


def evalkb(args: list[str], env: dict[str, str]) -> float:
    """Run `evalkb args` in a fresh process; returns its wall time in seconds."""
    t0 = time.perf_counter()
    done = subprocess.run([str(EVALKB), *args], env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"evalkb {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return wall


def build_store(home: Path, models: Path) -> None:
    """Ingest corpus/ into `home` with the default (ONNX) encoder, unless already there."""
    if (home / DB_NAME).exists():
        return
    wall = evalkb(["ingest", str(ROOT / "corpus")], environment(home, models, "auto"))
    print(f"store built from corpus/ in {wall:.0f} s ({home})")


def measure(home: Path, models: Path, query: str, runs: int) -> dict[tuple[str, str], float]:
    """Median wall time per (encoder, mode), interleaved rounds after one warm-up round."""
    times: dict[tuple[str, str], list[float]] = {(e, m): [] for e in ENCODERS for m in MODES}
    order = list(times)
    shuffle = random.Random(11).shuffle
    for round_ in range(runs + 1):
        shuffle(order)  # no setting always runs right after the same other one
        for encoder, mode in order:
            wall = evalkb(["search", query, "--mode", mode], environment(home, models, encoder))
            if round_:  # round 0 warms the disk cache
                times[(encoder, mode)].append(wall)
    return {key: statistics.median(values) for key, values in times.items()}


def main() -> None:
    """Build or reuse the store, time the four cold searches, print medians and ratios."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="rounds (each runs all four; ≥ 5)")
    ap.add_argument("--home", type=Path, help="reuse (or build) the store in this data dir")
    ap.add_argument("--models", type=Path, default=ROOT / "data" / "models")
    ap.add_argument("--query", default="budget total du plan d'action")
    args = ap.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="evalkb-cold-"))
    build_store(home, args.models)
    med = measure(home, args.models, args.query, args.runs)
    print(f"cold `evalkb search {args.query!r}`: median of {args.runs} fresh processes (s)")
    print(f"{'EVALKB_ENCODER':<16}{'lexical':>9}{'hybrid':>9}{'hybrid/lexical':>16}")
    for encoder in ENCODERS:
        lex, hyb = med[(encoder, "lexical")], med[(encoder, "hybrid")]
        label = "torch (before)" if encoder == "torch" else "auto (ONNX)"
        print(f"{label:<16}{lex:>9.2f}{hyb:>9.2f}{hyb / lex:>15.2f}×")
    ratio = med[("auto", "hybrid")] / med[("auto", "lexical")]
    speedup = med[("torch", "hybrid")] / med[("auto", "hybrid")]
    verdict = "meets" if ratio <= 2 else "MISSES"
    print(f"hybrid with ONNX is {speedup:.1f}× faster than with torch")
    print(f"must show: ONNX hybrid ≤ 2× lexical: {ratio:.2f}× ({verdict})")


if __name__ == "__main__":
    main()
