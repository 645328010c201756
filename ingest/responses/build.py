"""Drafts → `Response` records: verdict, response text, priority, numbers and stable ids.

Ids are derived from the document id and the block's normalised number (its text when it
has none, or when the number repeats because numbering restarts), and an action's from its
response id and normalised text, so re-reading the same file gives the same ids and a
user's follow-up status keyed by them survives re-extraction.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence

from ..records import NOT_STATED, Response, ResponseAction
from .draft import Draft
from .numbers import expand, leading_number, number_key
from .verdicts import split_verdict
from .vocab import first_match, folded

KEY_WORDS = 30  # words of a text that make its part of an id


def _key_text(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", folded(text))[:KEY_WORDS])


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def response_id(document_id: str, number: str, text: str, numbered_once: bool) -> str:
    """Stable id of a response block: document + number, or + text when the number is
    missing or repeated."""
    key = f"n:{number_key(number)}" if number and numbered_once else f"t:{_key_text(text)}"
    if number and not numbered_once:
        key += f"|n:{number_key(number)}"
    return _digest(document_id, "response", key)


def action_id(response: str, text: str, seen: Counter[str]) -> str:
    """Stable id of an action: its response id + normalised text (+ a count on repeats)."""
    key = _key_text(text)
    seen[key] += 1
    suffix = f"|{seen[key]}" if seen[key] > 1 else ""
    return _digest(response, "action", key + suffix)


def priority_of(value: str) -> str:
    """The level a priority cell states: its leading number ("2 This requires…" → "2"), a
    level word (High, Élevée), else the value when short."""
    value = " ".join(value.split())
    m = re.match(r"^\(?(\d{1,2})\b", value)
    if m:
        return m.group(1)
    word = first_match("priority", folded(value))
    if word:
        return value[word.start() : word.end()]
    return value if len(value.split()) <= 4 else ""


def _verdict(values: Sequence[str]) -> tuple[str, str, str]:
    verdict, evidence, texts = NOT_STATED, "", []
    for value in values:
        v, ev, text = split_verdict(value)
        if verdict == NOT_STATED and v != NOT_STATED:
            verdict, evidence = v, ev
        if text:
            texts.append(text)
    return verdict, evidence, " ".join(texts)


def build(document_id: str, drafts: Sequence[Draft]) -> tuple[Response, ...]:
    """Records of the drafts that hold something (empty template blocks are dropped)."""
    kept = [d for d in drafts if d.has_content() and (d.rec or d.has_response())]
    counts = Counter(number_key(d.number) for d in kept if d.number)
    out: list[Response] = []
    used: set[str] = set()
    for draft in kept:
        rec = " ".join(" ".join(draft.rec).split())
        number = draft.number
        if not number:
            number, rest = leading_number(rec)
            rec = rest if number else rec
        rid = response_id(document_id, number, rec, counts[number_key(number)] <= 1)
        while rid in used:  # two blocks with the same text and number: keep both
            rid = _digest(rid, "again")
        used.add(rid)
        verdict, evidence, text = _verdict(draft.response)
        for key, value in draft.pending.items():  # fields given before the actions
            for action in draft.actions:
                action.set(key, value)
        seen: Counter[str] = Counter()
        actions = []
        for action in draft.actions:
            parts = action.parts()
            if not any(parts.values()):
                continue
            actions.append(
                ResponseAction(
                    id=action_id(rid, parts["text"], seen),
                    pages=tuple(sorted(action.pages)),
                    **parts,
                )
            )
        out.append(
            Response(
                id=rid,
                document_id=document_id,
                number=number,
                recommendation_text=rec,
                verdict=verdict,
                verdict_evidence=evidence,
                response_text=text,
                addressee=" ".join(" ".join(draft.addressee).split()),
                priority=priority_of(draft.priority),
                actions=tuple(actions),
                pages=tuple(sorted(draft.pages)),
                numbers=expand(number),
                evidence=draft.evidence,
            )
        )
    return tuple(out)
