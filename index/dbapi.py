"""The connection the shared store modules take, on either backend.

Management responses (`index.responses`, `index.relink`), follow-up and review
(`index.followup`, `index.register`) run one code path on SQLite and on PostgreSQL: SQL both
engines accept (`INSERT … ON CONFLICT … DO UPDATE`, generated `IN (?, …)` lists), `?`
placeholders, rows read by position or by name. They take a `Conn`: an `sqlite3.Connection`,
or a psycopg connection wrapped by `shared` (`index.pg.compat.SqliteLike`, imported only
then). What differs between the two is behind the three functions here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeAlias

from . import store
from .store import DocumentSummary

if TYPE_CHECKING:
    from .pg.compat import SqliteLike

Conn: TypeAlias = "sqlite3.Connection | SqliteLike"


def shared(conn: Any) -> Conn:
    """`conn` as the shared modules take it: an SQLite connection as it is, a psycopg one
    wrapped (an already wrapped one as it is)."""
    if isinstance(conn, sqlite3.Connection):
        return conn
    from .pg.compat import SqliteLike

    return conn if isinstance(conn, SqliteLike) else SqliteLike(conn)


@contextmanager
def transaction(conn: Conn) -> Iterator[Conn]:
    """One write transaction: BEGIN IMMEDIATE on SQLite (it takes the store's write lock,
    so writers go one at a time), BEGIN on PostgreSQL; rolled back on any exception."""
    if isinstance(conn, sqlite3.Connection):
        with store.transaction(conn):
            yield conn
    else:
        with conn.transaction():
            yield conn


def lock(conn: Conn, key: str) -> None:
    """Serialise the writers of one row (`key`) until the transaction ends. Two API servers
    on one Postgres each read the old value after the other's change committed; on SQLite
    the transaction's write lock already does it, so nothing more is taken."""
    if not isinstance(conn, sqlite3.Connection):
        conn.lock(key)


def resolve(conn: Conn, ref: str) -> DocumentSummary:
    """The one document `ref` names (id, id prefix, file name or its start; NotFound else)."""
    if isinstance(conn, sqlite3.Connection):
        return store.resolve(conn, ref)
    return conn.resolve(ref)
