"""The follow-up register: one row per recommendation × key action, with the state users set.

A recommendation answered by a response with actions gives one row per action; one without
a response (or whose response lists no action) gives one row of its own. An action's status
is what a user set, else the matrix's status read into one of `STATUSES`, else `open`; its
due date is what a user set, else the deadline read as a date (`due_date`). Rejected items
are left out unless asked for (`review`). The SQL runs on either backend (`index.dbapi`).
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .dbapi import Conn, resolve
from .filters import review_condition
from .followup import CLOSED, FollowupState, FollowupStore
from .textnorm import fold

MONTH_WORDS = (  # folded English and French month names and their usual abbreviations
    ("january", "jan", "janvier", "janv"),
    ("february", "feb", "fevrier", "fevr"),
    ("march", "mar", "mars"),
    ("april", "apr", "avril", "avr"),
    ("may", "mai"),
    ("june", "jun", "juin"),
    ("july", "jul", "juillet", "juil"),
    ("august", "aug", "aout"),
    ("september", "sep", "sept", "septembre"),
    ("october", "oct", "octobre"),
    ("november", "nov", "novembre"),
    ("december", "dec", "decembre"),
)
MONTHS = {word: n for n, words in enumerate(MONTH_WORDS, 1) for word in words}
STATUS_WORDS = (  # folded words of a matrix's status cell → status, first match wins
    ("not_applicable", ("not applicable", "n/a", "non applicable", "sans objet")),
    ("completed", ("complete", "done", "achieve", "implemented", "realise", "termine", "acheve")),
    ("in_progress", ("progress", "ongoing", "on going", "underway", "en cours", "partial")),
    ("open", ("not started", "pending", "planned", "non demarre", "a faire", "open")),
)


@dataclass(frozen=True)
class RegisterRow:
    """One line of the register: a recommendation and (when it has one) one key action."""

    item_id: str
    document_id: str
    document: str  # the evaluation's file name
    label: str
    recommendation: str
    addressee: str
    priority: str
    recommendation_status: str
    review: str  # the reviewer's verdict, '' when not reviewed
    response_id: str = ""
    response_document_id: str = ""
    verdict: str = ""
    action_id: str = ""
    action: str = ""
    responsible: str = ""
    deadline: str = ""  # as the matrix states it
    extracted_status: str = ""  # as the matrix states it
    status: str = "open"  # the action's status, or the recommendation's when no action
    due: str = ""  # YYYY-MM-DD, set by a user or read from the deadline
    notes: str = ""

    @property
    def target_id(self) -> str:
        """The id a status change on this row applies to: the action's, else the item's."""
        return self.action_id or self.item_id

    def overdue(self, today: date) -> bool:
        """Past its due date and neither completed nor not applicable."""
        return bool(self.due) and self.due < today.isoformat() and self.status not in CLOSED


def normal_status(text: str) -> str:
    """A matrix's status cell as one of `STATUSES` ('' when it says nothing known)."""
    folded = fold(text)
    for status, words in STATUS_WORDS:
        if any(w in folded for w in words):
            return status
    return ""


def due_date(text: str) -> str:
    """A deadline as a YYYY-MM-DD date, the last day of the period it names ('' if none):
    '2025-03-31', '31/03/2025', 'March 2025', 'Q1 2025', 'Mars 2025', '2025'."""
    t = fold(text)
    if m := re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", t):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.search(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b", t):
        return _date(int(m[3]), int(m[2]), int(m[1]))
    year = re.search(r"\b(20\d{2}|19\d{2})\b", t)
    if not year:
        return ""
    y = int(year[1])
    if m := re.search(r"\b(?:q|t)([1-4])\b", t):
        return _date(y, int(m[1]) * 3, 0)
    for word in re.findall(r"[a-z]+", t):
        if word in MONTHS:
            return _date(y, MONTHS[word], 0)
    return _date(y, 12, 31)


def _date(y: int, m: int, d: int) -> str:
    """ISO date; day 0 = the month's last day; '' when impossible."""
    try:
        return date(y, m, d or monthrange(y, m)[1]).isoformat()
    except ValueError:
        return ""


_ITEMS = (
    "SELECT i.id, i.document_id, d.file_name, i.label, i.text, i.addressee, i.priority"
    " FROM items i JOIN documents d ON d.id = i.document_id"
    " WHERE i.kind = 'recommendation'{review} ORDER BY d.file_name, i.document_id, i.ord"
)
_ACTIONS = (
    "SELECT l.item_id, r.id AS response_id, r.document_id, r.verdict, a.id AS action_id,"
    " a.text, a.deadline, a.responsible, a.status FROM response_links l"
    " JOIN responses r ON r.id = l.response_id"
    " LEFT JOIN response_actions a ON a.response_id = r.id"
    " WHERE l.item_id IN ({}) ORDER BY r.document_id, r.ord, a.ord"
)


class Register:
    """The register of one connection's store."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn
        self.followup = FollowupStore(conn)

    def rows(
        self,
        *,
        status: str = "",
        overdue: bool = False,
        addressee: str = "",
        document: str = "",
        review: str = "",
        today: date | None = None,
    ) -> list[RegisterRow]:
        """Register rows, filtered: a status, overdue only, an addressee or responsible unit
        (substring, case- and accent-insensitive), a document (the evaluation or its
        response document: id, id prefix or file name), a review filter as `/items`."""
        doc_id = resolve(self.conn, document).id if document.strip() else ""
        condition = "" if review == "all" else " AND " + review_condition(review, "i.id")
        sql = _ITEMS.format(review=condition)
        items = self.conn.execute(sql).fetchall()
        ids = [r["id"] for r in items]
        actions: dict[str, list[Any]] = {}
        for row in self.followup.in_ids(_ACTIONS, ids):
            actions.setdefault(row["item_id"], []).append(row)
        targets = ids + [a["action_id"] for rows in actions.values() for a in rows]
        states = self.followup.states(t for t in targets if t)
        reviews = self.followup.reviews(ids)
        out: list[RegisterRow] = []
        for it in items:
            fixes = dict(reviews[it["id"]].corrections) if it["id"] in reviews else {}
            own = states.get(it["id"])
            base = RegisterRow(
                item_id=it["id"],
                document_id=it["document_id"],
                document=it["file_name"],
                label=fixes.get("label", it["label"]),
                recommendation=fixes.get("text", it["text"]),
                addressee=fixes.get("addressee", it["addressee"]),
                priority=fixes.get("priority", it["priority"]),
                recommendation_status=(own.status if own else "") or "open",
                review=reviews[it["id"]].verdict if it["id"] in reviews else "",
            )
            out += self._expand(base, actions.get(it["id"], []), states)
        today = today or date.today()
        needle = fold(addressee.strip())
        return [
            r
            for r in out
            if (not status or r.status == status)
            and (not overdue or r.overdue(today))
            and (not needle or needle in fold(f"{r.addressee} | {r.responsible}"))
            and (not doc_id or doc_id in (r.document_id, r.response_document_id))
        ]

    def _expand(
        self, base: RegisterRow, actions: list[Any], states: dict[str, FollowupState]
    ) -> list[RegisterRow]:
        item_state = states.get(base.item_id)
        plain = replace(
            base,
            status=base.recommendation_status,
            due=getattr(item_state, "due", ""),
            notes=getattr(item_state, "notes", ""),
        )
        if not actions:
            return [plain]
        rows = []
        for a in actions:
            answered = replace(
                plain,
                response_id=a["response_id"],
                response_document_id=a["document_id"],
                verdict=a["verdict"],
            )
            if a["action_id"] is None:
                rows.append(answered)
                continue
            state = states.get(a["action_id"])
            rows.append(
                replace(
                    answered,
                    action_id=a["action_id"],
                    action=a["text"],
                    responsible=a["responsible"],
                    deadline=a["deadline"],
                    extracted_status=a["status"],
                    status=getattr(state, "status", "") or normal_status(a["status"]) or "open",
                    due=getattr(state, "due", "") or due_date(a["deadline"]),
                    notes=getattr(state, "notes", ""),
                )
            )
        return rows

    def initial_status(self, target_id: str) -> str:
        """The status a target shows before any user change (its matrix status or open)."""
        return normal_status(self.followup.extracted_status(target_id)) or "open"

    def initial_due(self, target_id: str) -> str:
        """The due date a target shows before any user change (its deadline read as a date)."""
        row = self.conn.execute(
            "SELECT deadline FROM response_actions WHERE id = ?", (target_id,)
        ).fetchone()
        return due_date(row[0]) if row else ""
