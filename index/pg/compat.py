"""sqlite3's few calls on a psycopg connection, for the store modules both backends share.

`index.responses`, `index.relink`, `index.followup` and `index.register` write their SQL once,
in the dialect both engines accept, with SQLite's `?` placeholders, and read rows by position
(`row[0]`) or by name (`row["id"]`). `SqliteLike(conn)` gives a psycopg connection exactly
that: `execute` / `executemany` translate the SQL (`db.pg_sql`; a literal `%` is doubled for
psycopg) and return rows with `sqlite3.Row`'s interface. The three things the dialects do
differently are methods here, called through `index.dbapi`: a transaction, a row lock held
until it ends, and resolving a document reference.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from ..store import DocumentSummary
from . import rows
from .db import Connection, pg_sql

LOCK_CLASS = 7318  # first key of evalkb's row locks (pg_advisory_xact_lock(int, int))


class Row(tuple[Any, ...]):
    """A result row read by position or by column name, like `sqlite3.Row`."""

    _names: dict[str, int]

    def __new__(cls, values: Iterable[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                key = self._names[key]
            except KeyError:
                raise IndexError(f"no column named {key!r}") from None
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        """Column names in order (so `dict(row)` works, as for `sqlite3.Row`)."""
        return list(self._names)


def row_factory(cursor: psycopg.Cursor[Any]) -> Any:
    """psycopg row factory making `Row`s (a repeated column name reads as its first)."""
    names: dict[str, int] = {}
    for n, column in enumerate(cursor.description or ()):
        names.setdefault(column.name, n)

    def make(values: Sequence[Any]) -> Row:
        return Row(values, names)

    return make


def translate(sql: str) -> str:
    """SQLite SQL as psycopg takes it: `%` doubled, `?` → `%s`, LIKE → ILIKE (`db.pg_sql`)."""
    return pg_sql(sql.replace("%", "%%"))


class SqliteLike:
    """A psycopg connection with the sqlite3 calls the shared store modules make."""

    def __init__(self, conn: Connection) -> None:
        self.pg = conn

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> psycopg.Cursor[Any]:
        """Run one statement; the cursor iterates and fetches `Row`s."""
        cursor = self.pg.cursor(row_factory=row_factory)
        return cursor.execute(translate(sql), tuple(params))

    def executemany(self, sql: str, params: Iterable[Sequence[Any]], /) -> None:
        """Run one statement for each parameter tuple (none: nothing runs)."""
        batch = [tuple(p) for p in params]
        if batch:
            with self.pg.cursor() as cursor:
                cursor.executemany(translate(sql), batch)

    @contextmanager
    def transaction(self) -> Iterator[SqliteLike]:
        """BEGIN … COMMIT on the connection, rolled back on any exception."""
        with self.pg.transaction():
            yield self

    def lock(self, key: str) -> None:
        """Hold a lock on `key` until the current transaction ends: another server's
        writer of the same key waits, then reads what this one committed."""
        self.pg.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (LOCK_CLASS, key))

    def resolve(self, ref: str) -> DocumentSummary:
        """The one document `ref` names (`index.pg.rows.resolve`)."""
        return rows.resolve(self.pg, ref)
