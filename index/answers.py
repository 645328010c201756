"""Answer-first reranking: the passage that states the answer should come first.

The fused ranking finds the right passages but rarely puts the answer first: a long passage
that repeats the query's topic words outranks the short sentence that holds the figure. The
top candidates are rescored here with these signals, all read from the query's own words:

- proximity: the share (IDF-weighted) of the query's terms that fall in one short window of
  the passage: the answer sentence holds most of them close together;
- answer type: "how many / combien / budget" asks for a quantity, "when / date / quand" for a
  date, "who / qui / which" for a name; a window with such a token beside the query's terms
  scores higher (cue words are generic English and French question words, see `CUES`);
- exact tokens: numbers, years, acronyms and capitalised names typed in the query must appear
  verbatim (accent- and case-insensitively) in the passage;
- label: a "Label: value" pair whose label holds a query word and whose value the asked-for
  type ("Budget : USD 3 000 000", "Donor: …"), as briefs and progress reports print facts.

Proximity counts concepts, not stems: a query word and its glossary translations form one
group ("wrote" | "rédigé" | "rédaction"), weighted by its rarest variant, so an English
question is not penalised on a French passage for the English words it cannot contain. A
passage word also meets a query group when both stems share their first `COGNATE_PREFIX`
letters (Dominican / dominicaine, Republic / République): names and cognates that no
glossary lists.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .passage_codes import (
    COGNATE_PREFIX,
    DATE,
    KIND_CODES,
    NAME,
    QUANTITY,
    CodedPassage,
    coded,
    context_words,
    group_table,
)
from .textnorm import STOPWORDS, WORD, Tokens, fold


def _each(words: str, value: str) -> dict[str, str]:
    return dict.fromkeys(words.split(), value)


# folded question words → the answer type they ask for (English and French)
CUES: Mapping[str, str] = {
    **_each(
        "combien many much nombre number montant amount budget cout coute cost costs total"
        " superficie area large size pourcentage percentage proportion share taux rate"
        " budgets montants effectif",
        QUANTITY,
    ),
    **_each("when date dates quand year years annee annees period periode", DATE),
    **_each(
        "who whom qui which quel quelle quels quelles firm evaluator evaluateur author auteur"
        " auteurs wrote redige funded finance financed donor bailleur",
        NAME,
    ),
}
_ASKING = frozenset(
    _each("how what when who whom which combien quand qui quel quelle quels quelles", "")
)


# a label is at most this many words before its colon; its value is read this far after it
LABEL_WORDS = 6
LABEL_VALUE_WORDS = 8


@dataclass(frozen=True)
class QueryShape:
    """What rescoring needs of a query: its concept groups, answer types and exact tokens."""

    group_of: Mapping[str, int]  # stem → its concept group
    group_weights: tuple[float, ...]  # group → IDF weight of its rarest variant in the corpus
    types: frozenset[str]
    exact: frozenset[str]  # folded tokens that must appear verbatim
    prefixes: Mapping[str, int] = field(default_factory=dict)  # cognate prefix → group
    # acronym stem → the groups of the name it stands for (index.acronyms)
    aliases: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    # stem id → group (index.passage_codes.group_table), made on first use and again when
    # a passage holds a stem interned after it
    _table: list[np.ndarray] = field(default_factory=list, compare=False, repr=False)

    def groups(self, passage: CodedPassage) -> np.ndarray:
        """The concept group of each of the passage's tokens (-1 = none)."""
        if not self._table or passage.top >= len(self._table[0]):
            first = {a: groups[0] for a, groups in self.aliases.items()}
            self._table[:] = [group_table({**first, **self.group_of}, self.prefixes)]
        return self._table[0][passage.ids]

    @property
    def type_codes(self) -> list[int]:
        """The answer-type codes (index.passage_codes.KIND_CODES) the question asks for."""
        return [KIND_CODES[t] for t in self.types]


def answer_types(query: str) -> frozenset[str]:
    """Answer types a question asks for, from its question words.

    In a question (a question word or mark) every cue counts; in a bare phrase only a cue
    that heads it ("budget total du plan…", "date of the first transfer…"), so a topical
    query that merely mentions a budget ("augmenter le budget des activités") asks for none.
    """
    words = [fold(t) for t in WORD.findall(query.lower())]
    asking = "?" in query or any(w in _ASKING for w in words)
    return frozenset(CUES[w] for w in (words if asking else words[:2]) if w in CUES)


def exact_tokens(query: str) -> frozenset[str]:
    """Numbers, acronyms and capitalised names of a query (folded), minus its first word."""
    out = set()
    for i, tok in enumerate(WORD.findall(query)):
        folded = fold(tok.lower())
        if folded in STOPWORDS or folded in CUES:
            continue
        if tok.isdigit() or (len(tok) >= 2 and tok.isupper()) or (i > 0 and tok[0].isupper()):
            out.add(folded)
    return frozenset(out)


def shape(
    query: str,
    stems: Collection[str],
    df: Mapping[str, int],
    total: int,
    groups: Sequence[Collection[str]] = (),
    aliases: Mapping[str, Collection[str]] | None = None,
) -> QueryShape:
    """The query's shape; `df` gives each stem's document frequency among `total` chunks.

    `groups` are stems that stand for one concept (a glossary entry's variants); every
    other stem is a group of its own. Stems absent from the corpus carry no weight, and a
    group none of whose stems occurs is dropped. `aliases` maps an acronym's stem to the
    stems of the name it stands for: the acronym in a passage counts as the whole name.
    """
    idf = {s: math.log(1 + (total + 1) / (df.get(s, 0) + 1)) for s in stems if df.get(s)}
    group_of: dict[str, int] = {}
    weights: list[float] = []
    members = [[s for s in g if s in stems] for g in groups] + [[s] for s in sorted(stems)]
    for group in members:
        fresh = [s for s in group if s not in group_of]
        # an entry that shares a stem with an earlier one names the same concept
        # ("évaluation" matches both "evaluation" and "évaluabilité"): it joins it
        anchor = next((group_of[s] for s in group if s in group_of), None)
        if anchor is not None:
            for s in fresh:
                group_of[s] = anchor
            continue
        present = [idf[s] for s in fresh if s in idf]
        if not present:
            continue
        for s in fresh:
            group_of[s] = len(weights)
        weights.append(max(present))
    prefixes: dict[str, int] = {}
    for stem, g in group_of.items():
        if len(stem) >= COGNATE_PREFIX and stem.isalpha():
            prefixes.setdefault(stem[:COGNATE_PREFIX], g)
    named = {}
    for acronym, name in (aliases or {}).items():
        of_name = tuple(sorted({group_of[s] for s in name if s in group_of}))
        if of_name and acronym not in group_of:
            named[acronym] = of_name
    types, exact = answer_types(query), exact_tokens(query)
    return QueryShape(group_of, tuple(weights), types, exact, prefixes, named)


def _answers(passage: CodedPassage, q: QueryShape, of_token: np.ndarray) -> list[int]:
    """Prefix counts of tokens that can answer the question (its own words excluded;
    `of_token` gives each token's query group, -1 for none)."""
    answering = np.isin(passage.kinds, q.type_codes) & (of_token < 0)
    return [0, *np.cumsum(answering).tolist()]


def score(
    text: str, q: QueryShape, context: str = "", window: int = 30
) -> tuple[float, float, float, float]:
    """(proximity, answer, exact, label) of one passage, each in [0, 1].

    proximity: best window's share of the query's IDF weight; answer: that share again when
    the window also holds a token of an asked-for type (0 otherwise); exact: share of the
    query's exact tokens present in the text, averaged with their share in the text and its
    `context` (the document's title and file name: a project named in the question);
    label: a "Label: value" pair whose label holds a query word and whose value the asked-for
    type (see `_labelled`).
    """
    passage = coded(text)
    tokens = passage.tokens
    exact = 0.0
    if q.exact:
        present = passage.words
        around = present | context_words(context)
        exact = (sum(t in present for t in q.exact) + sum(t in around for t in q.exact)) / (
            2 * len(q.exact)
        )
    total = sum(q.group_weights)
    if not total:
        return 0.0, 0.0, exact, 0.0
    weights = q.group_weights
    of_token = q.groups(passage)
    at = np.flatnonzero(of_token >= 0)
    hits = list(zip(at.tolist(), of_token[at].tolist(), strict=True))
    if q.aliases:  # an acronym holds every other word of its name at the same place
        stems = tokens.stems
        extra = [(i, g) for i, _ in hits for g in q.aliases.get(stems[i], ())[1:]]
        hits = sorted(hits + extra) if extra else hits
    answers = _answers(passage, q, of_token) if q.types and hits else []
    best_prox = best_ans = 0.0
    # a window [start - window/3, start + window) around each hit; both ends only move
    # forward, so the groups inside are counted as it slides (linear in the hits)
    inside: dict[int, int] = {}
    first = last = 0
    for start, _ in hits:
        lo, hi = start - window // 3, start + window
        while last < len(hits) and hits[last][0] < hi:
            inside[hits[last][1]] = inside.get(hits[last][1], 0) + 1
            last += 1
        while hits[first][0] < lo:
            g = hits[first][1]
            inside[g] -= 1
            if not inside[g]:
                del inside[g]
            first += 1
        cov = sum(weights[g] for g in inside) / total
        best_prox = max(best_prox, cov)
        if answers and answers[min(hi, len(tokens.words))] - answers[max(0, lo)] > 0:
            best_ans = max(best_ans, cov)
    label = _labelled(tokens, hits, answers, weights) if answers else 0.0
    return best_prox, best_ans, exact, label


def _labelled(
    tokens: Tokens, hits: list[tuple[int, int]], answers: list[int], weights: Sequence[float]
) -> float:
    """How strongly a "label: value" pair answers: a query word in a short label ("Budget :",
    "Date du premier transfert :", "Bailleur:") whose value, right after the colon, holds a
    token of the asked-for type. The best label word's weight over the query's heaviest."""
    n, best = len(tokens.words), 0.0
    for i, g in hits:
        for c in range(i + 1, min(i + 1 + LABEL_WORDS, n)):
            if ":" in tokens.gaps[c]:
                if answers[min(c + LABEL_VALUE_WORDS, n)] - answers[c] > 0:
                    best = max(best, weights[g])
                break
            if any(ch in tokens.gaps[c] for ch in ".;\n"):
                break  # the label ended without a colon
    return best / max(weights) if best else 0.0
