"""HTML → flat segments for the text reader, with the stdlib `html.parser`.

Block elements (paragraphs, list items, headings, line breaks) become text lines, marked as
headings (`h1`–`h6`) or list items; tables become row lists of cell texts. Bold runs outside
tables are kept as `**…**` so the text reader finds bold prefixes as in Markdown. Script,
style and head content is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Tags that end a line; `text_reader.clean_inline` also turns them into separators.
BREAK_TAGS = {"br", "p", "div", "li", "ol", "ul", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class Segment:
    """A flattened HTML piece: a text line (maybe a heading) or a table's rows."""

    text: str = ""
    heading: int = 0
    list_item: bool = False
    rows: list[list[str]] = field(default_factory=list)


class HtmlFlattener(HTMLParser):
    """HTML → segments: block elements become lines, tables become row lists."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.segments: list[Segment] = []
        self._buf: list[str] = []
        self._heading = 0
        self._list_item = False
        self._skip = 0
        self._tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        self._buf = []
        if text and self._cell is not None:
            self._cell.append(text)
        elif text:
            self.segments.append(Segment(text, self._heading, self._list_item))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title"):
            self._skip += 1
        elif tag == "table":
            self._flush()
            self._tables.append([])
        elif tag == "tr" and self._tables:
            self._tables[-1].append([])
        elif tag in ("td", "th") and self._tables:
            self._flush()
            self._cell = []
        elif tag in ("b", "strong") and self._cell is None:
            self._buf.append("**")
        elif tag in BREAK_TAGS:
            self._flush()
            self._heading = int(tag[1]) if re.fullmatch(r"h[1-6]", tag) else self._heading
            self._list_item = self._list_item or tag == "li"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._tables and self._cell is not None:
            self._flush()
            if not self._tables[-1]:
                self._tables[-1].append([])
            self._tables[-1][-1].append(" ".join(self._cell))
            self._cell = None
        elif tag == "table" and self._tables:
            rows = [r for r in self._tables.pop() if r]
            if rows:
                self.segments.append(Segment(rows=rows))
        elif tag in ("b", "strong") and self._cell is None:
            self._buf.append("**")
        elif tag in BREAK_TAGS:
            self._flush()
            self._heading = 0
            self._list_item = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def flatten_html(text: str) -> list[Segment]:
    """An HTML document's segments (lines and tables) in document order."""
    parser = HtmlFlattener()
    parser.feed(text)
    parser.close()
    return parser.segments
