"""PostgreSQL for the tests: one server per session (the `pgserver` wheel bundles postgres
and pgvector, no network) and a fresh database per test; `database_url` runs a test on
SQLite and on Postgres. Without pgserver or psycopg the Postgres cases are skipped.

Modules use the fixtures by importing them (`from pg_fixtures import database_url,
pg_server`); pytest then gives each module a copy, and `_servers` makes them share one server.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

_names = itertools.count()
_servers: list[str] = []  # the session's server URI, whichever module's fixture started it


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URI of a PostgreSQL server (with pgvector) started for this test session.

    In a plain temp dir, not pytest's: run as root, pgserver runs postgres as another user,
    which must reach the data dir to stop it. Modules importing this fixture get a copy of
    it from pytest; they share the one server (the first copy starts and stops it)."""
    try:
        import pgserver
        import psycopg
    except ImportError as exc:
        pytest.skip(f"PostgreSQL tests need pgserver and psycopg: {exc}")
    if _servers:
        yield _servers[0]
        return
    folder = tempfile.mkdtemp(prefix="evalkb-pg-")
    server = pgserver.get_server(folder, cleanup_mode="stop")
    _servers.append(server.get_uri())
    try:
        yield _servers[0]
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def new_database(uri: str) -> str:
    """A fresh empty database on the session's server; returns its URL."""
    import psycopg

    name = f"evalkb_t{next(_names)}"
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return uri.replace("/postgres?", f"/{name}?", 1)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """'' (SQLite) or the URL of a fresh Postgres database."""
    if request.param == "sqlite":
        return ""
    return new_database(request.getfixturevalue("pg_server"))


def count(kb: Any, table: str) -> int:
    """Rows of a table through a KnowledgeBase's own connection (either backend)."""
    row = kb.conn.execute(f"SELECT COUNT(*) AS n FROM {table}").fetchone()
    return int(row["n"] if isinstance(row, dict) else row[0])
