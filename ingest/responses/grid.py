"""Response tables with column headers: which row is a header, what each column holds,
and what one data row says.

Two shapes share the code: a *matrix* has a recommendation (or number) column and gives one
block per row (spreadsheets, Word tables); an *action grid* sits inside a block ("Key
action | Time frame | Responsible unit | Comments | Status") and gives one action per row.
Two consecutive header rows merge (a second row refines the first: "Implementation
monitoring" over "Comments" and "Status").
"""

from __future__ import annotations

from dataclasses import dataclass

from .labels import header_role, split_fields, value_of
from .numbers import leading_number, number_cell
from .vocab import BLOCK_ROLES

MATRIX = "matrix"
ACTIONS = "actions"
GROUP_WORDS = 12  # a lone short cell in a matrix is a group heading ("B. Programme design")


@dataclass
class Columns:
    """What each column of the current response table holds."""

    roles: dict[int, str]
    width: int
    table: int

    @property
    def shape(self) -> str:
        """MATRIX when the table gives one block per row, else ACTIONS."""
        has = set(self.roles.values())
        return MATRIX if has & {"recommendation", "number"} else ACTIONS


def header_roles(cells: tuple[str, ...], after_header: bool) -> dict[int, str] | None:
    """Column roles when the row is a header row (≥ 2 label cells, or one refining the
    header row just above), else None."""
    filled = [(i, c) for i, c in enumerate(cells) if c.strip()]
    if not filled or (len(filled) < 2 and not after_header):
        return None
    roles = {}
    for i, cell in filled:
        role = header_role(cell)
        if role is None:
            return None
        roles[i] = role
    return roles


def by_role(cells: tuple[str, ...], columns: Columns) -> dict[str, str]:
    """A data row's cells keyed by role (two columns of one role are joined by a line)."""
    out: dict[str, str] = {}
    for i, role in columns.roles.items():
        if i < len(cells) and cells[i].strip():
            out[role] = f"{out[role]}\n{cells[i]}" if role in out else cells[i]
    # an unlabelled first column of short numbers is the number column
    if "number" not in out and 0 not in columns.roles and cells and number_cell(cells[0]):
        out["number"] = cells[0]
    return out


def is_group_heading(cells: tuple[str, ...], columns: Columns) -> bool:
    """A lone short cell in a block column of a matrix, without a number: a group title."""
    filled = [(i, c) for i, c in enumerate(cells) if c.strip()]
    if len(filled) != 1:
        return False
    i, text = filled[0]
    if columns.roles.get(i, "recommendation") not in ("number", "recommendation"):
        return False
    return not number_cell(text) and len(text.split()) <= GROUP_WORDS and not text.endswith(".")


def recommendation_cell(values: dict[str, str]) -> tuple[str, str]:
    """(number, recommendation text) of a matrix row: a number column, a label in the
    recommendation cell ("Recommendation 2: …") or a number opening it ("2. …")."""
    number = number_cell(values.get("number", ""))
    raw = values.get("recommendation", "").strip()
    if not raw:
        return number, ""
    head, fields = split_fields(raw)
    if fields and not head and fields[0][0].role == "recommendation":
        label, value = fields[0]
        rest = [f"{v}" for lab, v in fields[1:]]
        return number or label.number, " ".join([value_of(value), *rest]).strip()
    lead, rest_text = leading_number(raw)
    return number or lead, value_of(rest_text if lead else raw)


def starts_block_label(text: str) -> bool:
    """True when a cell opens with a block-level label ("Recommendation to:", "Management
    response …"), which makes its row a form row even inside an action grid."""
    head, fields = split_fields(text)
    return bool(fields) and not head and fields[0][0].role in BLOCK_ROLES
