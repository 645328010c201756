"""Search commands of the command line (filled in when the index lands)."""

from __future__ import annotations

import argparse


def add_search_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register search, similar, themes and reindex."""
    return None
