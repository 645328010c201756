"""Snippets: a short window of a hit's text with the matched terms highlighted."""

from __future__ import annotations

from collections.abc import Collection

from .textnorm import word_spans

MARK_OPEN, MARK_CLOSE = "**", "**"


def snippet(text: str, stems: Collection[str], width: int = 32) -> tuple[str, tuple[str, ...]]:
    """(snippet, matched words): the `width`-word window with the most distinct matched stems.

    Matched words are wrapped in ** ** (markdown bold, readable in a terminal; the web page
    escapes the text and turns the markers into <mark>).
    """
    spans = word_spans(text)
    if not spans:
        return text[:240], ()
    hits = [i for i, (_, _, s) in enumerate(spans) if s in stems]
    start = 0
    if hits:
        best = -1
        for h in hits:
            first = max(0, h - 4)
            window = {spans[j][2] for j in hits if first <= j < first + width}
            if len(window) > best:
                best, start = len(window), first
    end = min(len(spans), start + width)
    lo, hi = spans[start][0], spans[end - 1][1]
    out: list[str] = ["…" if start > 0 else ""]
    pos = lo
    matched: list[str] = []
    for i in range(start, end):
        a, b, s = spans[i]
        if s in stems:
            out.append(text[pos:a] + MARK_OPEN + text[a:b] + MARK_CLOSE)
            matched.append(text[a:b])
            pos = b
    out.append(text[pos:hi])
    if end < len(spans):
        out.append("…")
    return " ".join("".join(out).split()), tuple(dict.fromkeys(matched))
