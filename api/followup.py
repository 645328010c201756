"""Follow-up and review: the one object the command line and the HTTP API both use.

`Followup(conn, lock)` reads the register (`index.register`), sets statuses, due dates and
notes on recommendations and actions, records reviews of items, and reads their history
(`index.followup`). Writes run under the writer's lock in one transaction each, so two
concurrent edits both land, one after the other, each with its history; on PostgreSQL the
edited row is locked too, so the same holds across API servers. It runs over either
backend's connection (`index.dbapi`). Records and export cells are built here too (CSV and
XLSX through `views`' formula-neutralising writers).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from typing import Any

from index import dbapi
from index.followup import (
    ACTION,
    CORRECTABLE,
    REVIEW_VERDICTS,
    STATUSES,
    Change,
    FollowupState,
    FollowupStore,
    Review,
    check_date,
)
from index.register import Register, RegisterRow
from ingest.errors import InvalidQuery

from . import views

FOLLOWUP_COLUMNS = [
    "item_id",
    "document",
    "label",
    "recommendation",
    "addressee",
    "priority",
    "review",
    "recommendation_status",
    "verdict",
    "action_id",
    "action",
    "responsible",
    "deadline",
    "due",
    "status",
    "overdue",
    "notes",
]
NOTE_MAX = 2000  # characters of a note or notes field
FIELD_MAX = 5000  # characters of a corrected field


class Followup:
    """The register, status changes, reviews and history over one connection."""

    def __init__(self, conn: dbapi.Conn, lock: threading.Lock | None = None) -> None:
        self.conn = conn
        self.lock = lock or threading.Lock()
        self.store = FollowupStore(conn)
        self.register = Register(conn)

    # -- reads --------------------------------------------------------------------------
    def rows(
        self,
        *,
        status: str = "",
        overdue: bool = False,
        addressee: str = "",
        document: str = "",
        review: str = "",
    ) -> list[RegisterRow]:
        """Register rows (one per recommendation × action), filtered as `Register.rows`."""
        if status and status not in STATUSES:
            raise InvalidQuery(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        return self.register.rows(
            status=status, overdue=overdue, addressee=addressee, document=document, review=review
        )

    def history(self, item_ref: str) -> tuple[str, list[Change]]:
        """(item id, changes of the item and of the actions answering it), oldest first."""
        item_id, _ = self.store.target(item_ref, items_only=True)
        actions = self.conn.execute(
            "SELECT a.id FROM response_links l JOIN response_actions a"
            " ON a.response_id = l.response_id WHERE l.item_id = ?",
            (item_id,),
        )
        return item_id, self.store.history([item_id, *(r[0] for r in actions)])

    # -- writes -------------------------------------------------------------------------
    def set(
        self,
        ref: str,
        *,
        status: str | None = None,
        due: str | None = None,
        notes: str | None = None,
        note: str = "",
        who: str = "",
    ) -> FollowupState:
        """Set a recommendation's or action's status, due date ('' clears) and notes."""
        if status is not None and status not in STATUSES:
            raise InvalidQuery(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
        if len(note) > NOTE_MAX or len(notes or "") > NOTE_MAX:
            raise InvalidQuery(f"a note is limited to {NOTE_MAX} characters")
        changes = {"status": status, "due": None if due is None else check_date(due)}
        changes["notes"] = notes
        wanted = {k: v for k, v in changes.items() if v is not None}
        if not wanted and not note:
            raise InvalidQuery("nothing to change: give a status, a due date, notes or a note")
        with self.lock, dbapi.transaction(self.conn):
            target_id, target = self.store.target(ref)
            initial = FollowupState(
                target_id,
                target,
                status=self.register.initial_status(target_id),
                due=self.register.initial_due(target_id) if target == ACTION else "",
            )
            return self.store.set_state(
                target_id, target, wanted, initial=initial, who=who, note=note
            )

    def review(
        self,
        ref: str,
        verdict: str,
        corrections: Mapping[str, str] | None = None,
        *,
        note: str = "",
        who: str = "",
    ) -> Review:
        """Mark an item verified, rejected or corrected (with its corrected fields)."""
        fixes = {k: v for k, v in (corrections or {}).items() if v is not None}
        if verdict not in REVIEW_VERDICTS:
            raise InvalidQuery(f"unknown review {verdict!r}; use one of {REVIEW_VERDICTS}")
        unknown = sorted(set(fixes) - set(CORRECTABLE))
        if unknown:
            raise InvalidQuery(f"cannot correct {', '.join(unknown)}; only {CORRECTABLE}")
        if verdict == "corrected" and not fixes:
            raise InvalidQuery("a correction needs at least one corrected field")
        if any(len(v) > FIELD_MAX for v in fixes.values()) or len(note) > NOTE_MAX:
            raise InvalidQuery("a corrected field or note is too long")
        if fixes.get("text", "x").strip() == "":
            raise InvalidQuery("the corrected text is empty")
        with self.lock, dbapi.transaction(self.conn):
            item_id, _ = self.store.target(ref, items_only=True)
            return self.store.set_review(item_id, verdict, fixes, who=who, note=note)


# -- records and cells ----------------------------------------------------------------
def row_dict(row: RegisterRow, today: date | None = None) -> dict[str, Any]:
    """A register row as plain data (`FOLLOWUP_COLUMNS` and the ids behind them)."""
    data = asdict(row)
    data["overdue"] = row.overdue(today or date.today())
    data["target_id"] = row.target_id
    return data


def row_cells(record: Mapping[str, Any]) -> list[str]:
    """A register record flattened to `FOLLOWUP_COLUMNS` cells."""
    cells = {**record, "overdue": "yes" if record["overdue"] else ""}
    return [str(cells[name]) for name in FOLLOWUP_COLUMNS]


def export(records: list[dict[str, Any]], fmt: str) -> bytes:
    """The register as `csv` or `xlsx` bytes; every cell neutralised by `views`' writers."""
    rows = [FOLLOWUP_COLUMNS, *(row_cells(r) for r in records)]
    return views.xlsx_bytes("followup", rows) if fmt == "xlsx" else views.csv_bytes(rows)


def change_dict(change: Change) -> dict[str, str]:
    """One history entry as plain data."""
    return asdict(change)


def state_dict(state: FollowupState) -> dict[str, str]:
    """A follow-up state as plain data."""
    return asdict(state)


def review_dict(review: Review) -> dict[str, Any]:
    """A review as plain data, corrections as an object."""
    data = asdict(review)
    data["corrections"] = dict(review.corrections)
    return data
