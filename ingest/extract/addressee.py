"""Who a recommendation is addressed to, when the text names it.

"La Cour recommande au Directeur général de l'OLAC de …", "La Cour demande au : - Ministre …;
- Directeur général …", "UNDP should …", "Il est recommandé à l'OIM de …".
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..vocab import BULLETS, bullet_pattern, fold, starts_with_bullet
from .lexicon import organisation_alternation, organisation_pattern, role_words

_VERB = (
    r"(?:recommande|demande|invite|exhorte|engage|sugg[èe]re|conseille|prie|"
    r"recommends?|urges?|requests?|invites?|calls\s+on)"
)
_LEAD = re.compile(
    r"\b(?:la\s+cour|la\s+mission|l['’]\s*[ée]valuation|l['’][ée]quipe|nous|on|il\s+est\s+recommand[ée]|"
    r"the\s+(?:court|evaluation|team|mission)|we)\s+" + _VERB + r"?\s*,?\s*"
    r"(?P<prep>aux|au|à\s+la|à\s+l['’]|à|les|le|la|l['’]|that|to\s+the|to)?\s*:?\s*",
    re.I,
)
# where the actor phrase ends: "de <infinitive>", ", en rapport avec", "la mise en place"
_END = re.compile(
    r"\s*(?:,|;|:|\s(?:de|d['’]|à|a)\s*(?=[a-zéèêà]+(?:er|ir|re|oir|dre)\b)|\sd['’](?=[a-zéèê]+(?:er|ir|re)\b)|"
    r"\s(?:la|le|les|l['’])\s*(?=mise|[a-z]+ation\b)|\sau\s+respect|\ssoit\b|\s(?:ainsi\s+qu|et\s+(?:au|à))|"
    r"\s+should\b|\s+to\s+[a-z]+\b)",
    re.I,
)
_SHOULD = re.compile(
    r"^(?P<actor>(?:the\s+)?[A-Z][\w&'’.\- ]{1,60}?)\s+(?:should|must|needs?\s+to|is\s+"
    r"(?:encouraged|invited|requested)\s+to|doit|devrait|devraient|doivent)\b"
)
_BULLETS = re.compile(r"\s" + bullet_pattern() + r"\s+(?=[A-ZÀ-Ýa-zé])")
_BULLET_EDGES = " :" + "".join(sorted(BULLETS)) + "ü"  # stripped from an actor's ends
_PREP = re.compile(r"^(?:aux|au|à\s+la|à\s+l['’]|à|l['’]|le|la|les)\s+", re.I)


def _actor(fragment: str, max_words: int = 14) -> str:
    fragment = _PREP.sub("", fragment.strip(_BULLET_EDGES))
    m = _END.search(fragment)
    actor = fragment[: m.start()] if m else fragment
    actor = re.sub(r"\s+(?:de|d['’]|à)$", "", actor.strip(" ,;:.")).strip()
    words = actor.split()
    if not words or len(words) > max_words:
        return ""
    # a name (capitalised), an acronym in any case, or a function ("maire", "ministre")
    roles = {fold(w) for w in role_words()}
    if not (actor[:1].isupper() or fold(words[0]) in roles or _is_acronym(words[0])):
        return ""
    return actor


def _is_acronym(word: str) -> bool:
    """An acronym the text wrote in lower case ("au dage"): a known organisation's."""
    return bool(organisation_pattern().fullmatch(word.upper()))


# "…, the IOM should…", "It is strongly recommended that IOM explores…": an organisation (a
# known one, or an acronym) as the subject of a recommending sentence anywhere in the item.
_ORG = r"(?:the\s+)?(?P<org>{orgs}|[A-Z]{{2,7}})(?![\w&-])"
_SUBJECT = (
    r"(?<![\w-])" + _ORG + r"\s+(?:should|must|shall|is\s+(?:encouraged|invited|requested|"
    r"advised)\s+to|devrai(?:t|ent)|doi(?:t|vent))\b"
)
_RECOMMENDED = r"\b(?:recommended|suggested|advised)\s+that\s+" + _ORG


@lru_cache(maxsize=1)
def _subject_patterns() -> tuple[re.Pattern[str], ...]:
    orgs = organisation_alternation()
    return tuple(re.compile(p.format(orgs=orgs)) for p in (_RECOMMENDED, _SUBJECT))


def subject_addressee(text: str) -> str:
    """The organisation a sentence of the item addresses ("the IOM should …"), or ''."""
    hits = [m for p in _subject_patterns() if (m := p.search(text))]
    return min(hits, key=lambda m: m.start()).group("org") if hits else ""


def addressee_from_text(text: str, max_words: int = 14) -> str:
    """The actor(s) a recommendation names, joined by '; ', or ''."""
    head = text[:900]
    m = _LEAD.search(head[:250])
    if m:
        after = head[m.end() :]
        actors: list[str] = []
        # "La Cour demande au : - Ministre … ; - Directeur …": one actor per bullet
        if head[m.end() - 3 : m.end()].strip().endswith(":") or starts_with_bullet(after):
            for part in _BULLETS.split(" " + after):
                if part.strip():
                    a = _actor(part, max_words)
                    if a:
                        actors.append(a)
        else:
            a = _actor(after, max_words)
            if a:
                actors.append(a)
            for extra in re.finditer(
                r"(?:,\s*|\s(?:ainsi\s+qu['’]|et\s+))(?:aux|au|à\s+la|à\s+l['’])"
                r"\s*(?P<x>[^,;]{2,80})",
                after[:300],
            ):
                b = _actor(extra.group("x"), max_words)
                if b and b not in actors:
                    actors.append(b)
        if actors:
            return "; ".join(dict.fromkeys(actors))
    # "La Cour : - invite le Ministre … ; - demande au DAGE …": a verb opens each bullet
    actors = []
    for part in _BULLETS.split(" " + head):
        v = re.match(r"^\s*" + _VERB + r"\s+(?P<x>.{3,120})", part, re.I)
        if v and (a := _actor(v.group("x"), max_words)):
            actors.append(a)
    if actors:
        return "; ".join(dict.fromkeys(actors))
    s = _SHOULD.match(text.strip())
    if s and len(s.group("actor").split()) <= 6:
        return s.group("actor").strip()
    return subject_addressee(text)
