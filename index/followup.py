"""Follow-up and review owned by the users: state, reviews and their history in the store.

A recommendation item or a response action gets a status, a due date and notes; an item
gets a reviewer's verdict (verified, rejected, corrected with edited fields). Rows key on the
stable ids of items and actions without a foreign key, so re-extraction and re-ingest (which
replace items and actions) never delete them: they join again on the same id.

`FollowupStore(conn)` writes inside the caller's transaction (`dbapi.transaction`), so a
change and its history commit together. Every change appends one history row per field. A
write first locks its target (`dbapi.lock`), so two API servers on one PostgreSQL editing
the same item go one after the other, each reading what the other committed: both changes
land and the history's old → new values form one chain. The SQL runs on either backend.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ingest.errors import InvalidQuery, NotFound
from ingest.records import Item

from .dbapi import Conn, lock
from .filters import like_escape

STATUSES = ("open", "in_progress", "completed", "not_applicable")
CLOSED = ("completed", "not_applicable")
REVIEW_VERDICTS = ("verified", "rejected", "corrected")
CORRECTABLE = ("text", "label", "addressee", "priority", "resources", "timing", "condition")
ITEM, ACTION = "item", "action"


@dataclass(frozen=True)
class FollowupState:
    """What users set on an item or action ('' fields were never set)."""

    id: str
    target: str  # item | action
    status: str = ""
    due: str = ""  # YYYY-MM-DD
    notes: str = ""
    updated_at: str = ""
    updated_by: str = ""


@dataclass(frozen=True)
class Review:
    """A reviewer's verdict on an extracted item, with the fields they corrected."""

    item_id: str
    verdict: str  # one of REVIEW_VERDICTS
    corrections: tuple[tuple[str, str], ...] = ()
    note: str = ""
    updated_at: str = ""
    updated_by: str = ""


@dataclass(frozen=True)
class Change:
    """One history entry: when, who, which field, old → new, and the note given."""

    target_id: str
    at: str
    who: str
    field: str
    old: str
    new: str
    note: str = ""


def now() -> str:
    """The current UTC time, to the second, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def check_date(value: str) -> str:
    """A YYYY-MM-DD date as given ('' allowed: no due date); InvalidQuery otherwise."""
    value = value.strip()
    if value:
        try:
            datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            raise InvalidQuery(f"due date must be YYYY-MM-DD, not {value!r}") from None
    return value


class FollowupStore:
    """Follow-up state, reviews and history under one connection."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    # -- targets ----------------------------------------------------------------------
    def target(self, ref: str, *, items_only: bool = False) -> tuple[str, str]:
        """(full id, item | action) for an item or action id or unique id prefix."""
        pattern = like_escape(ref.strip()) + "%"
        items = self.conn.execute(
            "SELECT id, kind FROM items WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (pattern,)
        ).fetchall()
        actions: list[Any] = []
        if not items_only:
            actions = self.conn.execute(
                "SELECT id FROM response_actions WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (pattern,)
            ).fetchall()
        found = [(r[0], ITEM) for r in items] + [(r[0], ACTION) for r in actions]
        if not ref.strip() or len(found) != 1:
            what = "item" if items_only else "recommendation or action"
            raise NotFound(f"no {what} with id {ref!r}")
        if not items_only and found[0][1] == ITEM and items[0][1] != "recommendation":
            raise InvalidQuery(f"item {found[0][0][:12]} is a {items[0][1]}, not a recommendation")
        return found[0]

    # -- reads ------------------------------------------------------------------------
    def states(self, ids: Iterable[str]) -> dict[str, FollowupState]:
        """Stored follow-up state of these ids (absent: never set)."""
        return {
            r["id"]: FollowupState(**dict(r))
            for r in self.in_ids("SELECT * FROM followup WHERE id IN ({})", list(ids))
        }

    def reviews(self, ids: Iterable[str]) -> dict[str, Review]:
        """Reviews of these item ids."""
        return {r["item_id"]: _review(r) for r in self.in_ids(_REVIEWS, list(ids))}

    def history(self, ids: Iterable[str]) -> list[Change]:
        """Changes of these ids, oldest first."""
        rows = self.in_ids("SELECT * FROM followup_history WHERE target_id IN ({})", list(ids))
        rows.sort(key=lambda r: r["seq"])
        return [
            Change(r["target_id"], r["at"], r["who"], r["field"], r["old"], r["new"], r["note"])
            for r in rows
        ]

    def extracted_status(self, action_id: str) -> str:
        """An action's status as the matrix states it ('' for an item or a blank cell)."""
        row = self.conn.execute(
            "SELECT status FROM response_actions WHERE id = ?", (action_id,)
        ).fetchone()
        return str(row[0]) if row else ""

    # -- writes (inside the caller's transaction) --------------------------------------
    def set_state(
        self,
        target_id: str,
        target: str,
        changes: Mapping[str, str],
        *,
        initial: FollowupState,
        who: str,
        note: str = "",
    ) -> FollowupState:
        """Set some of status / due / notes; one history row per field that changed (a note
        alone is kept as a `note` entry). `initial` is the state shown before any user row."""
        lock(self.conn, target_id)  # before reading what it changes
        old = self.states([target_id]).get(target_id) or initial
        values = {"status": old.status, "due": old.due, "notes": old.notes}
        at = now()
        logged = False
        for field, new in changes.items():
            if new != values[field]:
                self._log(target_id, at, who, field, values[field], new, note)
                values[field] = new
                logged = True
        if note and not logged:
            self._log(target_id, at, who, "note", "", "", note)
        self.conn.execute(
            "INSERT INTO followup (id, target, status, due, notes, updated_at, updated_by)"
            " VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET status=excluded.status,"
            " due=excluded.due, notes=excluded.notes, updated_at=excluded.updated_at,"
            " updated_by=excluded.updated_by",
            (target_id, target, values["status"], values["due"], values["notes"], at, who),
        )
        return FollowupState(
            target_id, target, values["status"], values["due"], values["notes"], at, who
        )

    def set_review(
        self, item_id: str, verdict: str, corrections: Mapping[str, str], *, who: str, note: str
    ) -> Review:
        """Record a verdict (and corrected fields, merged over earlier ones), with history."""
        lock(self.conn, item_id)  # before reading what it changes
        old = self.reviews([item_id]).get(item_id)
        merged = dict(old.corrections if old else ())
        at = now()
        if (old.verdict if old else "") != verdict:
            self._log(item_id, at, who, "review", old.verdict if old else "", verdict, note)
        for field, value in corrections.items():
            if merged.get(field, "") != value:
                self._log(item_id, at, who, field, merged.get(field, ""), value, note)
                merged[field] = value
        self.conn.execute(
            "INSERT INTO item_reviews (item_id, verdict, corrections, note, updated_at,"
            " updated_by) VALUES (?,?,?,?,?,?) ON CONFLICT(item_id) DO UPDATE SET"
            " verdict=excluded.verdict, corrections=excluded.corrections, note=excluded.note,"
            " updated_at=excluded.updated_at, updated_by=excluded.updated_by",
            (item_id, verdict, json.dumps(merged, ensure_ascii=False), note, at, who),
        )
        return Review(item_id, verdict, tuple(merged.items()), note, at, who)

    def _log(
        self, target_id: str, at: str, who: str, field: str, old: str, new: str, note: str
    ) -> None:
        self.conn.execute(
            "INSERT INTO followup_history (target_id, at, who, field, old, new, note)"
            " VALUES (?,?,?,?,?,?,?)",
            (target_id, at, who, field, old, new, note),
        )

    def in_ids(self, sql: str, ids: list[str]) -> list[Any]:
        """Rows of `sql` (one `IN ({})` placeholder) over `ids`, 500 at a time."""
        out: list[Any] = []
        for n in range(0, len(ids), 500):
            chunk = ids[n : n + 500]
            out += self.conn.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall()
        return out


_REVIEWS = "SELECT * FROM item_reviews WHERE item_id IN ({})"


def _review(row: Any) -> Review:
    corrections = tuple((k, str(v)) for k, v in json.loads(row["corrections"]).items())
    return Review(
        row["item_id"],
        row["verdict"],
        corrections,
        row["note"],
        row["updated_at"],
        row["updated_by"],
    )


def corrected(conn: Conn, items: list[Item]) -> list[Item]:
    """Items with a reviewer's corrected fields in place of the extracted ones."""
    reviews = FollowupStore(conn).reviews(it.id for it in items)
    out = []
    for it in items:
        fixes = dict(reviews[it.id].corrections) if it.id in reviews else {}
        kept: dict[str, Any] = {k: v for k, v in fixes.items() if k in CORRECTABLE}
        out.append(replace(it, **kept) if kept else it)
    return out
