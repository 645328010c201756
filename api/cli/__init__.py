"""The `evalkb` command line: argument parsing and the commands' error handling."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from ingest.errors import EvalkbError

from .commands import add_document_commands
from .followup import add_followup_commands
from .recurring import add_recurring_commands
from .responses import add_response_commands
from .search import add_search_commands

Register = Callable[[Any], None]


def build_parser(extra: Sequence[Register] = ()) -> argparse.ArgumentParser:
    """The argument parser with every subcommand (`extra` registers more, e.g. serve)."""
    parser = argparse.ArgumentParser(
        prog="evalkb", description="A knowledge base of programme evaluations."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add_document_commands(sub)
    add_search_commands(sub)
    add_recurring_commands(sub)
    add_response_commands(sub)
    add_followup_commands(sub)
    for register in extra:
        register(sub)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run a parsed command; domain errors become a one-line message and exit code 2."""
    try:
        return int(args.func(args) or 0)
    except EvalkbError as exc:
        print(f"evalkb: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the command line without the server (see `api.main`)."""
    return run(build_parser().parse_args(argv))
