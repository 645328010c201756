"""A throwaway PostgreSQL (with pgvector) for the benchmarks, started by the pgserver wheel."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def temp_database(folder: Path, name: str) -> tuple[str, Any]:
    """Start a server with its data in `folder`, create database `name`; (its URL, the server
    to `cleanup()` afterwards, which deletes the data)."""
    import pgserver
    import psycopg

    server = pgserver.get_server(str(folder), cleanup_mode="delete")
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server.get_uri().replace("/postgres?", f"/{name}?", 1), server
