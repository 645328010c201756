"""What a document's cover page says: title, labelled fields ("Titre du projet :"), dates.

Covers state the title over several heading lines ("CONTRÔLE DE LA GESTION DE LA DIRECTION" /
"DE L'ADMINISTRATION GENERALE…"), between boilerplate ("REPUBLIQUE DU SENEGAL", "Un Peuple -
Un But - Une Foi"); evaluation covers often label it ("Titre de l'évaluation : …").
"""

from __future__ import annotations

import re

from ..records import HEADING, TABLE, Block, Document

_LABELLED_TITLE = (
    re.compile(
        r"^\s*(?:titre\s+de\s+l['’][ée]valuation|evaluation\s+title)\s*:\s*(.{8,250})$", re.I
    ),
    re.compile(
        r"^\s*(?:titre\s+du\s+projet|project\s+title|intitul[ée]\s+du\s+projet)\s*:\s*(.{8,250})$",
        re.I,
    ),
)
_KEYWORD = re.compile(
    r"\b(rapport|report|[ée]valuation|plan\s+d['’]action|action\s+plan|contr[ôo]le|audit|projet|"
    r"project|programme|synth[èe]se|strat[ée]gie)\b",
    re.I,
)
_NOT_TITLE = re.compile(
    r"pr[ée]par[ée]\s+par|prepared\s+by|©|publication|bureau\s+d['’][ée]valuation|"
    r"^\s*(type|mode|horaire|date|budget|pays|nom|num[ée]ro)\b|:\s*\S|\.{4,}",
    re.I,
)
_CONNECTOR = re.compile(
    r"^(de|du|des|d['’]|l['’]|la|le|les|et|pour|sur|au|aux|en|of|the|and|for)\b", re.I
)
_ENDS_OPEN = re.compile(
    r"\b(de|du|des|d['’]|la|le|les|et|pour|sur|au|aux|en|of|the|and|for)\s*$", re.I
)
_MONTHS = (
    r"janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre|"
    r"january|february|march|april|may|june|july|august|september|october|november|december"
)
_DATED = re.compile(rf"\b(?:{_MONTHS})\s+(20\d\d|19\d\d)\W*$", re.I | re.M)
_YEAR_CUE = re.compile(
    r"(?:ann[ée]e\s+(?:de|du)\s+rapport|report(?:ing)?\s+year|©)\s*:?\s*(20\d\d|19\d\d)", re.I
)


def _clean(text: str) -> str:
    text = text.replace("**", "").replace("__", "")
    return " ".join(text.split()).strip(" .:;-–")


def cover_lines(doc: Document, pages: int = 1) -> list[str]:
    """Text lines of the first page(s), in reading order, markdown emphasis removed."""
    return [
        _clean(b.text) for b in doc.blocks if b.kind != TABLE and b.pages and b.pages[0] <= pages
    ]


def _is_heading(block: Block) -> bool:
    return block.kind == HEADING or (block.text.isupper() and len(block.text) < 120)


def cover_title(doc: Document) -> str:
    """The document's title from its cover: a labelled title, else the best title line.

    Title lines carry a keyword (rapport, évaluation, plan d'action, contrôle, projet…), are
    not sentences, labels or credits, and absorb the next lines that continue them ("… DE LA" /
    "DE L'ACTION SOCIALE"); a short heading ("RAPPORT FINAL MALI") absorbs the heading lines
    under it. Heading-styled lines beat body lines, then longer beats shorter.
    """
    blocks = [b for b in doc.blocks if b.kind != TABLE and b.pages and b.pages[0] == 1]
    lines = [(_clean(b.text), _is_heading(b)) for b in blocks]
    lines = [(t, h) for t, h in lines if t]
    for pattern in _LABELLED_TITLE:
        for line, _ in lines:
            if m := pattern.match(line):
                return _clean(m.group(1))
    best: tuple[bool, int, str] = (False, 0, "")
    for i, (line, heading) in enumerate(lines):
        if len(line) > 160 or line.endswith(".") or _NOT_TITLE.search(line):
            continue
        title = line
        for nxt, nxt_heading in lines[i + 1 : i + 5]:
            if len(nxt) > 120 or _NOT_TITLE.search(nxt) or _DATED.search(nxt):
                break
            if _ENDS_OPEN.search(title) or _CONNECTOR.match(nxt):
                title = f"{title} {nxt}"
            elif (
                heading
                and nxt_heading
                and len(line) <= 40
                and title == line
                and _KEYWORD.search(line)
            ):
                title = f"{title} – {nxt}"
            elif title != line and nxt_heading and _CONNECTOR.match(nxt):
                title = f"{title} {nxt}"
            else:
                break
        key = (heading, len(title), title)
        if _KEYWORD.search(title) and key > best:
            best = key
    return best[2] or _clean(doc.title)


def cover_funds(doc: Document, funds: tuple[str, ...]) -> list[str]:
    """Funds named in the cover's first lines ("RAPPORT DE PROGRES DE PROJET PBF")."""
    top = " ".join(cover_lines(doc)[:4])
    return [f for f in funds if re.search(rf"\b{re.escape(f)}\b", top)]


def cover_year(doc: Document) -> int | None:
    """Publication year: "Année de rapport : 2020", a dated cover ("Juillet 2022"), "© 2024"."""
    text = "\n".join(cover_lines(doc, pages=2))
    for pattern in (_YEAR_CUE, _DATED):
        if m := pattern.search(text):
            return int(m.group(1))
    return None
