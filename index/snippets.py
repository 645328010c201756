"""Snippets: a short window of a hit's text with the matched terms highlighted."""

from __future__ import annotations

from collections.abc import Collection

from .textnorm import word_stems

MARK_OPEN, MARK_CLOSE = "**", "**"


def snippet(text: str, stems: Collection[str], width: int = 32) -> tuple[str, tuple[str, ...]]:
    """(snippet, matched words): the `width`-word window with the most distinct matched stems.

    Matched words are wrapped in ** ** (markdown bold, readable in a terminal; the web page
    escapes the text and turns the markers into <mark>).
    """
    tokens = word_stems(text)
    stems_of = tokens.stems
    if not stems_of:
        return text[:240], ()
    hits = [i for i, s in enumerate(stems_of) if s in stems]
    start = 0
    if hits:
        best = -1
        for h in hits:
            first = max(0, h - 4)
            window = {stems_of[j] for j in hits if first <= j < first + width}
            if len(window) > best:
                best, start = len(window), first
    end = min(len(stems_of), start + width)
    # character offsets of the window's words, from the first one on
    words, gaps = tokens.words, tokens.gaps
    pos = a = tokens.offset(start)
    out: list[str] = ["…" if start > 0 else ""]
    matched: list[str] = []
    for i in range(start, end):
        if i > start:
            a += len(gaps[i])
        b = a + len(words[i])
        if stems_of[i] in stems:
            out.append(text[pos:a] + MARK_OPEN + text[a:b] + MARK_CLOSE)
            matched.append(text[a:b])
            pos = b
        a = b
    out.append(text[pos:a])
    if end < len(stems_of):
        out.append("…")
    return " ".join("".join(out).split()), tuple(dict.fromkeys(matched))
