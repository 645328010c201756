"""Second-stage ordering of fused candidates: answer-first rescoring and near-duplicate collapse.

Both read the candidates' stored text in one query. `rerank` rescores the top candidates
with `index.answers` (proximity of the query's terms, answer type, exact tokens) on top of
their min-max-normalised fused score. `collapse` folds a candidate into an earlier one of the
same document when most of the shorter text's word shingles are shared (the same paragraph
printed in the executive summary and in the body), so one hit cites every place.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Sequence
from functools import lru_cache

from .acronyms import name_acronyms
from .answers import score, shape
from .glossary import Expansion
from .knobs import SearchKnobs
from .passage_codes import coded
from .term_stats import TermStats, chunk_total, frequencies
from .textnorm import PASSAGE_TOKENS, WORD

_TEXT_SQL = (
    "SELECT num, document_id, text, section_path FROM chunks"
    " WHERE num IN (SELECT value FROM json_each(?))"
)


Texts = dict[int, tuple[str, str, str]]


def _texts(conn: sqlite3.Connection, nums: Sequence[int], known: Texts | None = None) -> Texts:
    """num → (document id, text, heading path joined) for the given chunks; rows already in
    `known` are not read again, and the rows read are added to it."""
    known = {} if known is None else known
    missing = [n for n in nums if n not in known]
    if missing:
        rows = conn.execute(_TEXT_SQL, (json.dumps(missing),))
        known.update({r[0]: (r[1], r[2], " › ".join(json.loads(r[3]))) for r in rows})
    return known


def _document_frequencies(
    conn: sqlite3.Connection, stems: Collection[str], stats: TermStats | None = None
) -> tuple[dict[str, int], int]:
    """(stem → chunks holding it, chunk count) from the FTS vocabulary (via `stats`)."""
    if not stems:
        return {}, chunk_total(conn)
    try:
        return frequencies(conn, stems, stats)
    except sqlite3.OperationalError:  # a development store made before chunks_vocab existed
        return dict.fromkeys(stems, 1), max(chunk_total(conn), 1)


def combine(base: float, signals: tuple[float, float, float, float], knobs: SearchKnobs) -> float:
    """The rescored value of a candidate from its normalised fused score and its signals
    (proximity, answer, exact, label: `index.answers.score`)."""
    prox, ans, exact, label = signals
    bonus = knobs.proximity_weight * prox + knobs.answer_weight * ans + knobs.exact_boost * exact
    return base + bonus + knobs.label_weight * label


def rerank(
    conn: sqlite3.Connection,
    ranked: list[tuple[int, float]],
    query: str,
    stems: Collection[str],
    knobs: SearchKnobs,
    texts: Texts | None = None,
    stats: TermStats | None = None,
    expansion: Expansion | None = None,
) -> list[tuple[int, float]]:
    """The top `knobs.rerank_depth` candidates rescored answer-first; the rest follow as is.

    `texts` caches the candidates' rows for `collapse`; `stats` the term counts;
    `expansion` the query's glossary expansion (its concept groups)."""
    head, tail = ranked[: knobs.rerank_depth], ranked[knobs.rerank_depth :]
    if len(head) < 2:
        return ranked
    # a name's acronym counts when the store holds it (index.acronyms)
    acronyms = name_acronyms(query)
    df, total = _document_frequencies(conn, {*stems, *acronyms}, stats)
    known = {a: name for a, name in acronyms.items() if df.get(a)}
    groups = expansion.groups if expansion else ()
    q = shape(query, stems, df, total, groups, known)
    texts = _texts(conn, [n for n, _ in head], texts)
    docs = sorted({d for d, _, _ in texts.values()})
    titles = dict(
        conn.execute(
            "SELECT id, title || ' ' || file_name FROM documents"
            " WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(docs),),
        ).fetchall()
    )
    hi, lo = head[0][1], min(s for _, s in head)
    out = []
    for num, fused in head:
        base = (fused - lo) / (hi - lo) if hi > lo else 1.0
        doc, text, section = texts.get(num, ("", "", ""))
        full = f"{section}\n{text}" if section else text
        if coded(full).listing:
            # a contents or reference list names every topic and answers none: its page
            # numbers and years are not the figures or dates asked for, and its titles hold
            # all the query's words
            value = base - knobs.contents_penalty
        else:
            value = combine(base, score(full, q, titles.get(doc, "")), knobs)
        out.append((num, value))
    out.sort(key=lambda x: -x[1])
    floor = out[-1][1] if out else 0.0
    # the tail keeps its order below the reranked head
    return out + [(n, min(floor, 0.0) - 1.0 - i * 1e-6) for i, (n, _) in enumerate(tail)]


@lru_cache(maxsize=PASSAGE_TOKENS)  # the same candidates return query after query
def _shingles(text: str, n: int = 3) -> frozenset[int]:
    """Hashes of the text's runs of `n` lower-case words (cheap: no stemming)."""
    words = WORD.findall(text.lower())
    return frozenset(hash(tuple(words[i : i + n])) for i in range(max(1, len(words) - n + 1)))


def collapse(
    conn: sqlite3.Connection,
    ranked: Sequence[tuple[int, float]],
    need: int,
    overlap: float,
    texts: Texts | None = None,
) -> tuple[list[tuple[int, float]], dict[int, list[int]]]:
    """(ranking with near-duplicates removed, kept num → the nums folded into it).

    Candidates are read until `need` distinct hits are found (at most 3 × need + 10).
    """
    window = list(ranked[: 3 * need + 10])
    texts = _texts(conn, [n for n, _ in window], texts)
    kept: list[tuple[int, float]] = []
    seen: list[tuple[int, str, frozenset[int]]] = []
    folded: dict[int, list[int]] = {}
    for num, s in window:
        doc, text, _ = texts.get(num, ("", "", ""))
        sh = _shingles(text)
        home = next(
            (
                k
                for k, d, other in seen
                if d == doc
                and sh
                and other
                and len(sh & other) / min(len(sh), len(other)) >= overlap
            ),
            None,
        )
        if home is not None:
            folded.setdefault(home, []).append(num)
            continue
        if len(kept) >= need:
            break
        kept.append((num, s))
        seen.append((num, doc, sh))
    rest = [p for p in ranked[len(window) :]] if len(kept) < need else []
    return kept + rest, folded
