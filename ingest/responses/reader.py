"""Read a document's lines and table rows into recommendation blocks (drafts).

The reader keeps three things: the block being read, the field that unlabelled text goes
on (recommendation, addressee, response, actions…), and the columns of the current response
table. A recommendation label or a new matrix row opens a block; other labels and columns
fill it. Which field a label names comes from the structure, not the words alone: a
"Responsible unit" before any action is the block's addressee, after one the action's.
"""

from __future__ import annotations

from collections.abc import Iterable

from .actions import split_entries
from .draft import Draft
from .grid import (
    MATRIX,
    Columns,
    by_role,
    header_roles,
    is_group_heading,
    recommendation_cell,
    starts_block_label,
)
from .labels import Label, split_fields, value_of
from .numbers import leading_number
from .stream import ITEM, ROW, Piece
from .verdicts import split_verdict

ACTION_FIELDS = ("deadline", "responsible", "status", "comments")


class BlockReader:
    """Turns pieces into drafts, one piece at a time (`feed`), then `drafts`."""

    def __init__(self) -> None:
        self.drafts: list[Draft] = []
        self.cur: Draft | None = None
        self.field: str | None = None
        self.columns: Columns | None = None
        self.after_header = False

    # -- entry points ---------------------------------------------------------------------
    def feed(self, piece: Piece) -> None:
        """Read one line or table row."""
        if piece.kind == ROW:
            self._row(piece)
        else:
            self.after_header = False
            self._line(piece.text, piece.pages, item=piece.kind == ITEM)

    def _open(self, number: str, pages: Iterable[int], evidence: str) -> Draft:
        self.cur = Draft(number=number, evidence=evidence)
        self.cur.pages.update(pages)
        self.drafts.append(self.cur)
        return self.cur

    # -- lines and labelled fields ----------------------------------------------------------
    def _line(self, text: str, pages: tuple[int, ...], item: bool = False) -> None:
        head, fields = split_fields(text)
        if head:
            self._unlabelled(head, pages, item)
        for label, value in fields:
            self._field(label, value, pages)

    def _field(self, label: Label, value: str, pages: tuple[int, ...]) -> None:
        role, text = label.role, value_of(value)
        if role == "recommendation":
            number = label.number
            if not number and text:
                number, rest = leading_number(text)
                text = rest if number else text
            opened = self._open(number, pages, "form")
            if text:
                opened.rec.append(text)
            self.field = "recommendation"
            return
        cur = self.cur
        if cur is None:  # preamble ("Overall comment…"): not part of any block
            self.field = None
            return
        cur.pages.update(pages)
        if role == "number":
            cur.number = cur.number or text
            return
        if role == "responsible" and not cur.actions and self.field != "actions":
            role = "addressee"  # who the recommendation is for, before any action
        if role == "addressee":
            cur.add_unique("addressee", text)
        elif role == "priority":
            cur.priority = cur.priority or text
        elif role == "response":
            cur.add_unique("response", text)
        elif role == "actions":
            for entry in split_entries(text):
                cur.add_action(entry, pages)
        elif role in ACTION_FIELDS:
            if cur.actions:
                cur.actions[-1].set(role, text)
            elif text:
                cur.pending.setdefault(role, text)
        self.field = None if role == "priority" else role

    def _unlabelled(self, text: str, pages: tuple[int, ...], item: bool) -> None:
        cur, field = self.cur, self.field
        if cur is None or field is None:
            return
        text = value_of(text)
        if not text:
            cur.pages.update(pages)
            return
        cur.pages.update(pages)
        if field in ("recommendation", "addressee", "response"):
            getattr(cur, "rec" if field == "recommendation" else field).append(text)
        elif field == "actions":
            if cur.actions and not item and text[:1].islower():
                cur.actions[-1].extend(text)
                cur.actions[-1].pages.update(pages)
            else:
                for entry in split_entries(text):
                    cur.add_action(entry, pages)
        elif field in ACTION_FIELDS and cur.actions:
            cur.actions[-1].set(field, text)

    # -- table rows -----------------------------------------------------------------------
    def _row(self, piece: Piece) -> None:
        cells = piece.cells
        if not any(c.strip() for c in cells):
            self.after_header = False
            return
        roles = header_roles(cells, self.after_header)
        if roles is not None:
            merge = self.after_header and self.columns is not None
            if merge and self.columns is not None:
                self.columns.roles.update(roles)
            else:
                self.columns = Columns(dict(roles), len(cells), piece.table)
            self.after_header = True
            return
        self.after_header = False
        cols = self.columns
        if cols is not None and piece.table != cols.table and len(cells) != cols.width:
            self.columns = cols = None  # another table: its own columns, or none
        if cols is not None and cols.shape == MATRIX:
            self._matrix_row(cells, piece.pages, cols)
            return
        first = next(c for c in cells if c.strip())
        if cols is None or starts_block_label(first):
            for cell in cells:
                if cell.strip():
                    self._line(cell, piece.pages)
            return
        self._action_row(cells, piece.pages, cols)

    def _action_row(self, cells: tuple[str, ...], pages: tuple[int, ...], cols: Columns) -> None:
        values = by_role(cells, cols)
        raw = values.get("actions", "")
        head, tail = raw, []
        fields = split_fields(raw)[1]
        if fields and any(lab.role == "recommendation" for lab, _ in fields):
            at = next(n for n, (lab, _) in enumerate(fields) if lab.role == "recommendation")
            head = raw[: fields[at][0].start].strip()
            tail = fields[at:]
        cur = self.cur or self._open("", pages, "table")
        own_pages = pages[:1] if tail else pages
        cur.pages.update(own_pages)
        extra = {k: value_of(values.get(k, "")) for k in ACTION_FIELDS}
        entries = split_entries(value_of(head)) if head else []
        if not entries and cur.actions and any(extra.values()):
            for key, value in extra.items():
                cur.actions[-1].set(key, value)
        elif len(entries) == 1 and entries[0][:1].islower() and cur.actions:
            cur.actions[-1].extend(entries[0])  # a row cut by a page break
        else:
            self._add_actions(cur, entries, extra, own_pages)
        for key in ("response", "addressee"):
            if values.get(key):
                cur.add_unique(key, value_of(values[key]))
        self.field = "actions"
        for label, value in tail:
            self._field(label, value, pages[-1:])

    def _add_actions(
        self, cur: Draft, entries: list[str], extra: dict[str, str], pages: tuple[int, ...]
    ) -> None:
        """Actions of one cell; a deadline or responsible cell with as many lines as there
        are actions is shared out line by line, else it applies to each."""
        split = {k: [ln.strip() for ln in v.splitlines() if ln.strip()] for k, v in extra.items()}
        for n, entry in enumerate(entries):
            fields = {}
            for key, value in extra.items():
                lines = split[key]
                fields[key] = lines[n] if len(lines) == len(entries) > 1 else value
            given = {k: v for k, v in fields.items() if v}
            action = cur.add_action(entry, pages, **given)
            action.inline = not any(given.get(k) for k in ("deadline", "responsible"))

    def _matrix_row(self, cells: tuple[str, ...], pages: tuple[int, ...], cols: Columns) -> None:
        if is_group_heading(cells, cols):
            self.cur, self.field = None, None
            return
        values = by_role(cells, cols)
        number, rec = recommendation_cell(values)
        cur = self.cur
        same = cur is not None and (
            (not number and not rec)
            or (number == cur.number and (not rec or rec in " ".join(cur.rec)))
        )
        if cur is None or not same:
            cur = self._open(number, pages, "table")
            if rec:
                cur.rec.append(rec)
        cur.pages.update(pages)
        for key in ("addressee", "response"):
            cur.add_unique(key, value_of(values.get(key, "")))
        if values.get("priority") and not cur.priority:
            cur.priority = value_of(values["priority"])
        extra = {k: value_of(values.get(k, "")) for k in ACTION_FIELDS}
        if "actions" in values:
            self._add_actions(cur, split_entries(value_of(values["actions"])), extra, pages)
        elif any(extra[k] for k in ("deadline", "responsible")):
            text = split_verdict(value_of(values.get("response", "")))[2]
            self._add_actions(cur, [text] if text else [""], extra, pages)
        self.field = None


def read_drafts(pieces: Iterable[Piece]) -> list[Draft]:
    """The recommendation blocks of a document's pieces, in reading order."""
    reader = BlockReader()
    for piece in pieces:
        reader.feed(piece)
    return reader.drafts
