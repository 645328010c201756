"""Management-response commands of the command line: `evalkb responses`.

One response block per line (table, JSON lines or CSV), with the recommendation items it
answers; `--unmatched` lists both sides left unpaired: responses that answer no stored
recommendation, and recommendations of the answered evaluations that no response answers.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from index.responses import LinkedResponse, Unmatched
from ingest.records import VERDICTS

from .. import response_views as rv
from .. import views
from . import output as out
from .commands import open_kb

UNMATCHED_COLUMNS = ["side", "id", "document", "number", "text"]


def cmd_responses(args: argparse.Namespace) -> int:
    """List response blocks, or what is left unmatched."""
    read = open_kb().read
    responses = read.responses
    if args.unmatched:
        unmatched = responses.unmatched(args.document or "")
        print_unmatched(unmatched, read.file_names(), args.format)
    else:
        rows = responses.linked(args.document or "", args.verdict or "", args.limit)
        print_responses(rows, args.format)
    return 0


def print_responses(rows: Sequence[LinkedResponse], fmt: str) -> None:
    """Response blocks as a table, JSON lines or CSV (`response_views.RESPONSE_COLUMNS`)."""
    records = [rv.response_dict(r) for r in rows]
    if fmt == "jsonl":
        out.print_jsonl(records)
    elif fmt == "csv":
        views.write_csv(sys.stdout, [rv.RESPONSE_COLUMNS, *map(rv.response_row, records)])
    else:
        out.print_rows(
            ["ID", "DOCUMENT", "NO.", "VERDICT", "LINKED", "ACTIONS", "RECOMMENDATION"],
            [
                (
                    r["id"][:10],
                    r["document"],
                    r["number"],
                    r["verdict"],
                    ",".join(i[:8] for i in r["recommendation_ids"]) or "-",
                    len(r["actions"]),
                    r["recommendation_text"],
                )
                for r in records
            ],
            [10, 30, 6, 18, 18, 7, 70],
        )


def _unmatched_rows(unmatched: Unmatched, names: dict[str, str]) -> list[list[str]]:
    rows = [
        ["response", r.response.id, r.file_name, r.response.number, r.response.recommendation_text]
        for r in unmatched.responses
    ]
    rows += [
        ["recommendation", i.id, names.get(i.document_id, ""), i.label, i.text]
        for i in unmatched.items
    ]
    return rows


def print_unmatched(unmatched: Unmatched, names: dict[str, str], fmt: str) -> None:
    """Both unpaired sides, one per line: `side` is response or recommendation."""
    rows = _unmatched_rows(unmatched, names)
    if fmt == "jsonl":
        out.print_jsonl(dict(zip(UNMATCHED_COLUMNS, row, strict=True)) for row in rows)
    elif fmt == "csv":
        views.write_csv(sys.stdout, [UNMATCHED_COLUMNS, *rows])
    else:
        out.print_rows(
            ["SIDE", "ID", "DOCUMENT", "NO.", "TEXT"],
            [(side, id_[:10], doc, num, text) for side, id_, doc, num, text in rows],
            [14, 10, 30, 6, 80],
        )


def _limit(text: str) -> int:
    """A positive number of responses (argparse type)."""
    value = int(text)
    if not 1 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError("must be between 1 and 1000000")
    return value


def add_response_commands(sub: Any) -> None:
    """Register `responses`."""
    p = sub.add_parser(
        "responses", help="management responses: verdicts, actions, linked recommendations"
    )
    p.add_argument(
        "--document", help="a response document or the evaluation it answers (id or file name)"
    )
    p.add_argument("--verdict", choices=list(VERDICTS), help="only responses with this verdict")
    p.add_argument("--limit", type=_limit, help="at most this many responses")
    p.add_argument(
        "--unmatched",
        action="store_true",
        help="list responses answering no recommendation and recommendations left unanswered",
    )
    p.add_argument("--format", choices=["table", "jsonl", "csv"], default="table")
    p.set_defaults(func=cmd_responses)
