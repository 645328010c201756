"""Which gold document is in which group and of which type (for bench/extract.py and tests).

The held-out group is read from the gold README's "held-out" table row, so the list lives in
one place; document types from `items/TYPES.tsv`, with the types of the eight older documents
(corpus and Cour des comptes reports), which that file does not list.
"""

from __future__ import annotations

import re
from pathlib import Path

# The older gold documents: corpus/*.pdf and ../shared/reports/*.pdf
LEGACY_TYPES = {
    "cisp-kafamuya-final-evaluation-2024": "evaluation",
    "eutf-tpml-mali-final-report-2021": "evaluation",  # a third-party monitoring final report
    "ilo-mali-slavery-final-evaluation-2023": "evaluation",
    "mali-pan-tp-2023-2027-action-plan": "other",
    "pbf-mali-justice-progress-report-2020": "other",
    "sn_CC_2021_Eau_Assainissement": "audit",
    "sn_CC_2022_DAGE_Ministere_Sante": "audit",
    "sn_CC_2022_GOREE": "audit",
}
DOC_TYPES = ("evaluation", "brief", "audit", "other")


def held_out(readme: Path) -> dict[str, str]:
    """Stem → group name ("held-out", "held-out-3", …) for every document of the gold
    README's table rows whose group starts with "held-out"."""
    groups: dict[str, str] = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].lower().startswith("held-out"):
            for stem in re.findall(r"`([^`]+)`", cells[1]):
                groups[stem] = cells[0].lower()
    return groups


def doc_types(types_tsv: Path) -> dict[str, str]:
    """Document type of each gold stem: evaluation, brief, audit or other."""
    out = dict(LEGACY_TYPES)
    if types_tsv.exists():
        for line in types_tsv.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 2 and parts[0].strip() and not line.startswith("#"):
                out[parts[0].strip()] = parts[1].strip()
    return out


def legacy_group(stem: str) -> str:
    """ "reports" for the Cour des comptes audit reports, "corpus" for the five corpus PDFs,
    "" for the newer documents."""
    if stem.startswith("sn_"):
        return "reports"
    return "corpus" if stem in LEGACY_TYPES else ""
