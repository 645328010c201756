"""Field lines under a recommendation: "Priority: High  Timeline: Short term  Responsibility: …".

Evaluation templates print a recommendation's attributes as labelled values after its text,
on one line or several. `field_line(text)` reads such a line into (role, value) pairs when the
line opens with a known field label; the labels live in `data/fields.tsv`.
"""

from __future__ import annotations

import re
from functools import cache

from .lexicon import folded, patterns

FILE = "fields.tsv"
_BULLET_ONLY = re.compile(r"[\s•*\u2013-]*")  # what may precede the first label
ROLES = ("addressee", "priority", "resources", "timing", "linked")


@cache
def _label_pattern() -> re.Pattern[str]:
    """One alternation of every field label, each in a named group for its role."""
    parts = []
    for role in ROLES:
        alternatives = "|".join(f"(?:{p.pattern})" for p in patterns(FILE, role))
        if alternatives:
            parts.append(f"(?P<{role}>{alternatives})")
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")\s*:", re.IGNORECASE)


def field_line(text: str) -> list[tuple[str, str]]:
    """[(role, value)] of a line made of labelled fields, or [] when it does not open with
    a field label. Values keep the text's own spelling; folding only finds the labels."""
    text = " ".join(text.split())
    low = folded(text)
    if len(low) != len(text):  # folding changed offsets (ligatures): read the folded text
        text = low
    hits = list(_label_pattern().finditer(low))
    if not hits or not _BULLET_ONLY.fullmatch(low[: hits[0].start()]):
        return []
    out = []
    for hit, after in zip(hits, [*hits[1:], None], strict=True):
        end = after.start() if after is not None else len(text)
        value = text[hit.end() : end].strip(" ;,.-\u2013")
        role = next(r for r in ROLES if hit.group(r))
        if value:
            out.append((role, value))
    return out
