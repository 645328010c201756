"""Tags for items: the OECD-DAC criterion an item speaks to and themes from a small vocabulary.

Each tag keeps the words that set it as evidence, so a reader can see why it is there.
"""

from __future__ import annotations

import re

from ..records import Tag

CRITERIA: dict[str, tuple[str, ...]] = {
    "relevance": ("pertinen", "relevan", "besoins", "needs", "adapt", "ciblage", "targeting"),
    "coherence": (
        "cohéren",
        "coheren",
        "synergie",
        "synerg",
        "complémentar",
        "complementar",
        "chevauchement",
        "overlap",
        "harmonis",
        "alignement",
        "alignment",
    ),
    "effectiveness": (
        "efficacit",
        "effective",
        "résultat",
        "result",
        "objectif",
        "atteindre",
        "achiev",
        "succès",
        "success",
        "réussite",
    ),
    "efficiency": (
        "efficien",
        "coût",
        "cost",
        "budget",
        "délai",
        "ressources",
        "resources",
        "paiement",
        "payment",
        "fonds de roulement",
        "rationalis",
        "dépense",
    ),
    "impact": ("impact", "effet", "changement", "change", "transform", "long terme"),
    "sustainability": (
        "durabilit",
        "durable",
        "pérenn",
        "sustainab",
        "appropriation",
        "ownership",
        "autofinancement",
        "après le projet",
        "beyond the project",
        "au-delà",
    ),
}
THEMES: dict[str, tuple[str, ...]] = {
    "gender": ("genre", "gender", "femme", "women", "fille", "girl", "vbg", "gbv", "sexuel"),
    "protection": ("protection", "victime", "victim", "vulnérab", "vulnerab", "psycho", "pss"),
    "monitoring & evaluation": (
        "suivi",
        "monitoring",
        "évaluation",
        "evaluation",
        "indicateur",
        "indicator",
        "s&e",
        "m&e",
        "données",
        "data",
        "enquête",
        "survey",
    ),
    "capacity building": (
        "renforcement des capacités",
        "renforcer les capacités",
        "formation",
        "training",
        "capacity",
        "former ",
        "formés",
        "mentorat",
        "expertise",
    ),
    "coordination": (
        "coordination",
        "concertation",
        "synergie",
        "partenariat",
        "partnership",
        "collaboration",
        "réseau",
        "network",
        "référencement",
        "referral",
    ),
    "livelihoods": (
        "agr",
        "activités génératrices",
        "revenu",
        "income",
        "emploi",
        "employment",
        "microfinance",
        "crédit",
        "credit",
        "moyens de subsistance",
        "livelihood",
        "économique",
        "economic",
        "insertion professionnelle",
    ),
    "migration": (
        "migra",
        "retour",
        "return",
        "réintégration",
        "reintegration",
        "transit",
        "réfugié",
        "refugee",
        "déplacé",
    ),
    "justice": (
        "justice",
        "juridi",
        "legal",
        "plainte",
        "complaint",
        "tribunal",
        "impunité",
        "droits",
        "rights",
        "esclavage",
        "slavery",
        "traite",
        "trafficking",
    ),
    "governance & public finance": (
        "budget",
        "comptab",
        "contrôle interne",
        "internal control",
        "marchés publics",
        "procurement",
        "réglementation",
        "finances",
    ),
    "awareness & communication": (
        "sensibilisation",
        "awareness",
        "communication",
        "plaidoyer",
        "advocacy",
        "médias",
        "réseaux sociaux",
    ),
    "water & sanitation": ("eau", "water", "assainissement", "sanitation", "hydraulique"),
    "health": ("santé", "health", "médic", "sanitaire"),
}


def _evidence(text: str, needles: tuple[str, ...]) -> str:
    low = text.lower()
    for needle in needles:
        i = low.find(needle)
        if i >= 0:
            # the whole word(s) around the match, as written
            start = max(low.rfind(" ", 0, i) + 1, 0)
            end = low.find(" ", i + len(needle))
            return text[start : end if end > 0 else len(text)].strip(" ,;.:()")
    return ""


def tag_item(text: str, context: str = "") -> tuple[Tag, ...]:
    """Criterion (the strongest one) and themes for an item's text; evidence quotes the words."""
    tags: list[Tag] = []
    scores = []
    for criterion, needles in CRITERIA.items():
        hits = sum(len(re.findall(re.escape(n), text.lower())) for n in needles)
        if hits:
            scores.append((hits, criterion))
    if scores:
        _, best = max(scores)
        tags.append(Tag("criterion", best, _evidence(text, CRITERIA[best])))
    elif context:
        for criterion, needles in CRITERIA.items():
            ev = _evidence(context, needles)
            if ev:
                tags.append(Tag("criterion", criterion, f"section: {ev}"))
                break
    for theme, needles in THEMES.items():
        ev = _evidence(text, needles)
        if ev:
            tags.append(Tag("theme", theme, ev))
    return tuple(tags)
