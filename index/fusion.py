"""Fusion of a lexical and a dense ranking into one (hybrid search, uptake).

Two ways, chosen by `SearchKnobs.fusion`: a weighted blend of the scores, each list min-max
normalised first (BM25 and cosine live on different scales), or weighted reciprocal rank
fusion, which ignores the scores and reads only the ranks.
"""

from __future__ import annotations

from collections.abc import Sequence

from .knobs import SearchKnobs

Ranking = list[tuple[int, float]]  # (chunk num, score) best first


def fuse(lists: Sequence[Ranking], knobs: SearchKnobs) -> Ranking:
    """One ranking from (lexical, dense): score blend (default) or weighted RRF."""
    weights = (knobs.lexical_weight, 1.0 - knobs.lexical_weight)
    scores: dict[int, float] = {}
    for ranking, weight in zip(lists, weights, strict=True):
        if knobs.fusion == "rrf":
            for rank, (num, _) in enumerate(ranking):
                scores[num] = scores.get(num, 0.0) + weight / (knobs.rrf_k + rank + 1)
            continue
        if not ranking:
            continue
        hi, lo = ranking[0][1], min(score for _, score in ranking)
        for num, score in ranking:
            norm = (score - lo) / (hi - lo) if hi > lo else 1.0
            scores[num] = scores.get(num, 0.0) + weight * norm
    return sorted(scores.items(), key=lambda x: -x[1])
