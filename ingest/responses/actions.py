"""Key actions written inline: several in one cell ("1. … 2. …", bullets, lines), each
possibly carrying its own deadline and responsible unit ("Action, 3 to 6 months after the
start – M&E unit", "Action (Deadline: June 2025; Responsible: HR)")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .labels import find_labels, value_of
from .vocab import first_match, folded, word_patterns

_BULLET = re.compile(r"^\s*(?:[-–•·▪◦*]|\(?[a-z0-9]{1,2}[.)])\s+", re.I)
_ENUM = re.compile(r"(?:^|(?<=\s))(\d{1,2})[.)]\s+(?=\S)")
# a dash between words (not inside "1 – 3 months" or a hyphenated word)
_DASH = re.compile(r"(?<!\d)(?:\s+[–—-]|\s*[–—])\s+(?!\d)")
_CLAUSE_END = re.compile(r"[.;](?:\s|$)|,\s|\s[–—]\s|\n")


@dataclass(frozen=True)
class ActionParts:
    """The fields of one action read from its text."""

    text: str
    deadline: str = ""
    responsible: str = ""
    status: str = ""
    comments: str = ""


def split_entries(text: str) -> list[str]:
    """One cell's actions: numbered "1. … 2. …" (consecutive numbers only), bulleted or
    one per line; a line that goes on in lower case continues the previous action."""
    text = text.strip()
    if not text:
        return []
    enum = [m for m in _ENUM.finditer(text)]
    chain: list[re.Match[str]] = []
    for m in enum:
        if int(m.group(1)) == len(chain) + 1:
            chain.append(m)
    if len(chain) >= 2 and chain[0].start() == 0:
        ends = [m.start() for m in chain[1:]] + [len(text)]
        return [text[m.end() : e].strip() for m, e in zip(chain, ends, strict=True)]
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    out: list[str] = []
    for line in lines:
        bare = _BULLET.sub("", line)
        if out and not _BULLET.match(line) and (bare[:1].islower() or out[-1].endswith((",", ";"))):
            out[-1] = f"{out[-1]} {bare}"
        else:
            out.append(bare)
    if len(chain) == 1 and len(out) == 1:
        out = [text[chain[0].end() :].strip()] if chain[0].start() == 0 else out
    return out


def timing_phrase(text: str) -> str:
    """The deadline phrase inside an action's text ("3 à 6 mois avant toute phase…",
    "within the next year"), as printed; '' when it states none. A number of time units or
    a date wins over a time word; the phrase runs to the end of its clause and over the
    clauses that continue it ("…, puis de manière continue…")."""
    low = folded(text)
    anchor = first_match("timing_number", low) or first_match("timing_word", low)
    if anchor is None:
        return ""
    start = anchor.start()
    lead = [m for p in word_patterns("timing_lead") for m in [p.search(low[:start])] if m]
    if lead:
        start = min(m.start() for m in lead)
    end = _clause_end(low, anchor.end())
    while end < len(low):
        more = [p.match(low, end) for p in word_patterns("timing_more")]
        if not any(more) or low[end] in ".;":
            break
        end = _clause_end(low, end + 1)
    return text[start:end].strip(" ,;.–—-")


def _clause_end(low: str, pos: int) -> int:
    m = _CLAUSE_END.search(low, pos)
    return m.start() if m else len(low)


def parse_action(entry: str) -> ActionParts:
    """An action's text with the deadline, responsible, status and comments it states.

    Labelled parts ("Deadline: …", "Responsable : …") are taken as labelled; else a dash
    separates the action from who does it ("…, 1 to 3 months after the start – HR unit"),
    and the deadline is the time phrase of the text, which keeps it as printed.
    """
    entry = " ".join(entry.split())
    labels = [lab for lab in find_labels(entry) if lab.role in _PARTS]
    parts: dict[str, str] = {}
    text = entry
    if labels:
        text = entry[: labels[0].start] if labels[0].start else ""
        for n, lab in enumerate(labels):
            end = labels[n + 1].start if n + 1 < len(labels) else len(entry)
            value = value_of(entry[lab.value_start : end].strip(" ;,()"))
            key = _PARTS[lab.role]
            if key == "text":
                text = f"{text} {value}".strip()
            elif value and not parts.get(key):
                parts[key] = value
        text = text.strip(" ;,(")
    elif (m := _DASH.search(entry)) and len(entry[: m.start()].split()) >= 3:
        text, after = entry[: m.start()].strip(), entry[m.end() :].strip()
        when = timing_phrase(after)
        if when and folded(after).startswith(folded(when)[:12]):
            parts["deadline"] = when
            after = after[len(when) :].strip(" ,;–—-")
        parts["responsible"] = after
    if not parts.get("deadline"):
        parts["deadline"] = timing_phrase(text)
    return ActionParts(
        text=value_of(text),
        deadline=parts.get("deadline", ""),
        responsible=parts.get("responsible", ""),
        status=parts.get("status", ""),
        comments=parts.get("comments", ""),
    )


_PARTS = {
    "actions": "text",
    "deadline": "deadline",
    "responsible": "responsible",
    "status": "status",
    "comments": "comments",
}
