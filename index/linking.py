"""Link management responses to the recommendations they answer: pure scoring over records.

Each response is compared with each recommendation item of the evaluation by lexical
similarity over normalised words (`textnorm.terms`: accents folded, stop words dropped,
stemmed), weighted by rarity within the pair of documents. The score of a pair is how much
of the *shorter* text the longer one covers (a brief condenses, a matrix quotes in full),
taking the best of the recommendation as quoted and the recommendation with its actions,
against the whole item or its headline (first sentence: what a condensed quote keeps).

Matrices follow the evaluation's order even when they renumber it, so the main links are an
order-keeping alignment (dynamic programming) that only takes pairs above a floor. Then:
numbers count when the aligned pairs show the numbering agrees (a bonus, never alone); a
response may also answer a neighbouring recommendation it covers well (grouped answers); a
strong pair off the order is kept too; a response that quotes no text links by number.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.records import Item, Response
from ingest.responses.numbers import leading_number, number_key

from .textnorm import terms

NUMBER = "number"
TEXT = "text"
TEXT_NUMBER = "text+number"


@dataclass(frozen=True)
class Link:
    """A response answers an item, with a score in [0, 1] and how it was found."""

    response_id: str
    item_id: str
    score: float
    method: str  # TEXT | TEXT_NUMBER | NUMBER


@dataclass(frozen=True)
class LinkKnobs:
    """Thresholds of the item linker."""

    floor: float = 0.3  # a pair scoring less is never an aligned link
    gap_floor: float = 0.2  # … except between two aligned pairs, where the order vouches
    grouped: float = 0.45  # a neighbour covered this well is also answered (grouped)
    grouped_share: float = 0.6  # … and within this share of the block's best score
    off_order: float = 0.7  # a pair this strong is kept even against the order
    number_bonus: float = 0.25  # added to pairs whose numbers agree, when numbering agrees
    agree_share: float = 0.6  # aligned pairs whose numbers agree, to trust numbers
    number_only: float = 0.5  # score of a link made by number alone (no quoted text)
    min_words: int = 3  # a response quoting fewer words is linked by number only


KNOBS = LinkKnobs()
MIN_LEAD = 4  # terms a headline needs to be compared on its own


def label_number(label: str) -> str:
    """The number of an item label: "Recommendation 3" → "3", "R2.1" → "2.1", "A1" → "a1"."""
    low = label.lower().strip()
    low = re.sub(r"^(?:evaluation\s+)?(?:recomm?[ae]nd[ae]?tions?|rec\.?|r(?=\s?\d))\s*", "", low)
    low = re.sub(r"n\s*[°o]|#|\s|\.(?!\d)", "", low)
    return low.strip(".:)")


def item_number(item: Item) -> str:
    """The number of a recommendation item: from its label, else from the start of its text
    ("B2. Mettre en place…" → "b2"), as `Response.numbers` holds them."""
    return label_number(item.label) or number_key(leading_number(item.text)[0])


def _weights(texts: Sequence[set[str]]) -> dict[str, float]:
    df = Counter(t for s in texts for t in s)
    n = len(texts) or 1
    return {t: math.log(1 + n / c) for t, c in df.items()}


def _cover(a: set[str], b: set[str], idf: dict[str, float]) -> float:
    """How much of the smaller bag of words the other one holds, rarity-weighted."""
    if not a or not b:
        return 0.0
    shared = sum(idf[t] for t in a & b)
    return shared / min(sum(idf[t] for t in a), sum(idf[t] for t in b))


def similarity(responses: Sequence[Response], items: Sequence[Item]) -> list[list[float]]:
    """score[r][i] in [0, 1] for every response and item."""
    quoted = [set(terms(r.recommendation_text)) for r in responses]
    full = [
        q | set(terms(" ".join([r.response_text, *(a.text for a in r.actions)])))
        for q, r in zip(quoted, responses, strict=True)
    ]
    item_terms = [set(terms(i.text)) for i in items]
    leads = [set(terms(headline(i.text))) for i in items]
    idf = _weights(quoted + item_terms)
    idf.update({t: w for t, w in _weights(full + item_terms).items() if t not in idf})
    out = []
    for q, f in zip(quoted, full, strict=True):
        row = []
        for it, lead in zip(item_terms, leads, strict=True):
            with_actions = _cover(f, it, idf) if len(it) < len(f) else 0.0
            as_lead = _cover(q, lead, idf) if len(lead) >= MIN_LEAD else 0.0
            row.append(max(_cover(q, it, idf), as_lead, 0.8 * with_actions))
        out.append(row)
    return out


def headline(text: str) -> str:
    """A recommendation's first sentence: what a condensed quote of it keeps ("" when the
    text is one sentence)."""
    parts = re.split(r"(?<=[.!?;:])\s+(?=\S)", text.strip(), maxsplit=1)
    return parts[0] if len(parts) > 1 else ""


def _align(score: list[list[float]], floor: float) -> list[tuple[int, int]]:
    """The order-keeping pairs (r ascending, i ascending) of greatest total score − floor."""
    n, m = len(score), len(score[0]) if score else 0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for r in range(n - 1, -1, -1):
        for i in range(m - 1, -1, -1):
            take = score[r][i] - floor + best[r + 1][i + 1] if score[r][i] >= floor else -1.0
            best[r][i] = max(best[r + 1][i], best[r][i + 1], take)
    pairs, r, i = [], 0, 0
    while r < n and i < m:
        if score[r][i] >= floor and best[r][i] == score[r][i] - floor + best[r + 1][i + 1]:
            pairs.append((r, i))
            r, i = r + 1, i + 1
        elif best[r][i] == best[r + 1][i]:
            r += 1
        else:
            i += 1
    return pairs


def _fill_gaps(pairs: list[tuple[int, int]], score: list[list[float]], floor: float) -> None:
    """Align what lies between two aligned pairs again, with a lower floor: a matrix
    answers in the evaluation's order, so the block between two anchors answers (if
    anything) the recommendation between them, even in other words."""
    bounds = [(-1, -1), *sorted(pairs), (len(score), len(score[0]))]
    for (r0, i0), (r1, i1) in zip(bounds, bounds[1:], strict=False):
        rows, cols = range(r0 + 1, r1), range(i0 + 1, i1)
        if rows and cols:
            sub = [[score[r][i] for i in cols] for r in rows]
            pairs += [(rows[r], cols[i]) for r, i in _align(sub, floor)]


def _numbers_agree(
    pairs: list[tuple[int, int]], responses: Sequence[Response], numbers: list[str]
) -> float:
    numbered = [(r, i) for r, i in pairs if responses[r].numbers and numbers[i]]
    if not numbered:
        return 0.0
    return sum(numbers[i] in responses[r].numbers for r, i in numbered) / len(numbered)


def link_items(
    responses: Sequence[Response], items: Sequence[Item], knobs: LinkKnobs = KNOBS
) -> list[Link]:
    """Links from responses to the recommendation items they answer (see the module doc)."""
    items = [i for i in items if i.kind == "recommendation"]
    if not responses or not items:
        return []
    score = similarity(responses, items)
    numbers = [item_number(i) for i in items]
    pairs = _align(score, knobs.floor)
    method = TEXT
    if _numbers_agree(pairs, responses, numbers) >= knobs.agree_share:
        method = TEXT_NUMBER
        for r, resp in enumerate(responses):
            for i, num in enumerate(numbers):
                if num and num in resp.numbers:
                    score[r][i] = min(1.0, score[r][i] + knobs.number_bonus)
        pairs = _align(score, knobs.floor)
    _fill_gaps(pairs, score, knobs.gap_floor)
    chosen = {(r, i): method for r, i in pairs}
    linked_items = {i for _, i in pairs}
    for r, i in pairs:  # grouped: neighbours of an aligned item covered as well
        for j in (i - 1, i + 1, i + 2):
            if 0 <= j < len(items) and j not in linked_items and (r, j) not in chosen:
                s = score[r][j]
                if (
                    s >= knobs.grouped
                    and s >= knobs.grouped_share * score[r][i]
                    and max(score[k][j] for k in range(len(responses))) == s
                ):
                    chosen[(r, j)] = method
    linked_responses = {r for r, _ in chosen}
    linked_items = {i for _, i in chosen}
    for r in range(len(responses)):  # strong pairs against the order, for a side left over
        for i in range(len(items)):
            if score[r][i] < knobs.off_order or (r in linked_responses and i in linked_items):
                continue
            if score[r][i] == max(score[r]) or score[r][i] == max(s[i] for s in score):
                chosen[(r, i)] = method
    for r, resp in enumerate(responses):  # no quoted text: the number is all there is
        if len(resp.recommendation_text.split()) < knobs.min_words and resp.numbers:
            for i, num in enumerate(numbers):
                if num and num in resp.numbers:
                    chosen[(r, i)] = NUMBER
                    score[r][i] = max(score[r][i], knobs.number_only)
    return [
        Link(responses[r].id, items[i].id, round(min(1.0, score[r][i]), 3), how)
        for (r, i), how in sorted(chosen.items())
    ]


def number_links(responses: Sequence[Response], items: Sequence[Item]) -> list[Link]:
    """The naive baseline: a response answers every recommendation with its number."""
    out = []
    for resp in responses:
        for item in items:
            if item.kind == "recommendation" and item_number(item) in resp.numbers:
                out.append(Link(resp.id, item.id, 1.0, NUMBER))
    return out


def content_score(
    responses: Sequence[Response], items: Sequence[Item], knobs: LinkKnobs = KNOBS
) -> float:
    """How well a set of recommendation items explains the responses: the share of
    responses linked, times their mean best link score (0 when nothing links)."""
    links = link_items(responses, items, knobs)
    if not responses or not links:
        return 0.0
    best: dict[str, float] = {}
    for link in links:
        best[link.response_id] = max(best.get(link.response_id, 0.0), link.score)
    return sum(best.values()) / len(responses)
