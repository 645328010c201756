"""Who a recommendation is addressed to, when the text names it.

"La Cour recommande au Directeur général de l'OLAC de …", "La Cour demande au : - Ministre …;
- Directeur général …", "UNDP should …", "Il est recommandé à l'OIM de …".
"""

from __future__ import annotations

import re

from ..vocab import BULLETS, bullet_pattern, starts_with_bullet

_VERB = (
    r"(?:recommande|demande|invite|exhorte|engage|sugg[èe]re|conseille|prie|"
    r"recommends?|urges?|requests?|invites?|calls\s+on)"
)
_LEAD = re.compile(
    r"(?:la\s+cour|la\s+mission|l['’]\s*[ée]valuation|l['’][ée]quipe|nous|on|il\s+est\s+recommand[ée]|"
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


def _actor(fragment: str) -> str:
    fragment = _PREP.sub("", fragment.strip(_BULLET_EDGES))
    m = _END.search(fragment)
    actor = fragment[: m.start()] if m else fragment
    actor = re.sub(r"\s+(?:de|d['’]|à)$", "", actor.strip(" ,;:.")).strip()
    words = actor.split()
    if (
        not words
        or len(words) > 14
        or not (
            actor[:1].isupper()
            or words[0].lower()
            in {"maire", "ministre", "directeur", "comptable", "autorités", "ministère", "dage"}
        )
    ):
        return ""
    return actor


def addressee_from_text(text: str) -> str:
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
                    a = _actor(part)
                    if a:
                        actors.append(a)
        else:
            a = _actor(after)
            if a:
                actors.append(a)
            for extra in re.finditer(
                r"(?:,\s*|\s(?:ainsi\s+qu['’]|et\s+))(?:aux|au|à\s+la|à\s+l['’])"
                r"\s*(?P<x>[^,;]{2,80})",
                after[:300],
            ):
                b = _actor(extra.group("x"))
                if b and b not in actors:
                    actors.append(b)
        if actors:
            return "; ".join(dict.fromkeys(actors))
    # "La Cour : - invite le Ministre … ; - demande au DAGE …": a verb opens each bullet
    actors = []
    for part in _BULLETS.split(" " + head):
        v = re.match(r"^\s*" + _VERB + r"\s+(?P<x>.{3,120})", part, re.I)
        if v and (a := _actor(v.group("x"))):
            actors.append(a)
    if actors:
        return "; ".join(dict.fromkeys(actors))
    s = _SHOULD.match(text.strip())
    if s and len(s.group("actor").split()) <= 6:
        return s.group("actor").strip()
    return ""
