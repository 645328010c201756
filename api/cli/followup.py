"""Follow-up and review commands: `evalkb followup`, `evalkb followup set`, `evalkb review`.

`followup` prints the register, one recommendation × key action per line (table, JSON lines
or CSV); `followup set ID` changes the status, due date or notes of a recommendation or an
action, with a note kept in the history; `review ID verdict` marks an extracted item
verified, rejected or corrected (with the corrected fields).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from index.followup import CORRECTABLE, REVIEW_VERDICTS, STATUSES
from index.query import REVIEW_FILTERS

from .. import followup as fu
from .. import views
from . import output as out
from .commands import open_kb


def _who(args: argparse.Namespace) -> str:
    """The name recorded in the history: --user, else the login name."""
    if args.user:
        return str(args.user)
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def cmd_followup(args: argparse.Namespace) -> int:
    """Print the register, filtered."""
    rows = open_kb().read.followup.rows(
        status=args.status or "",
        overdue=args.overdue,
        addressee=args.addressee or "",
        document=args.document or "",
        review=args.review or "",
    )
    records = [fu.row_dict(r) for r in rows]
    if args.format == "jsonl":
        out.print_jsonl(records)
    elif args.format == "csv":
        views.write_csv(sys.stdout, [fu.FOLLOWUP_COLUMNS, *map(fu.row_cells, records)])
    else:
        out.print_rows(
            ["ID", "DOCUMENT", "NO.", "STATUS", "DUE", "RESPONSIBLE", "ACTION / RECOMMENDATION"],
            [
                (
                    r["target_id"][:10],
                    r["document"],
                    r["label"],
                    r["status"] + (" (overdue)" if r["overdue"] else ""),
                    r["due"],
                    r["responsible"] or r["addressee"],
                    r["action"] or r["recommendation"],
                )
                for r in records
            ],
            [10, 28, 16, 22, 10, 20, 60],
        )
    return 0


def cmd_followup_set(args: argparse.Namespace) -> int:
    """Set a status, due date or notes; print the new state."""
    state = open_kb().followup.set(
        args.id,
        status=args.status,
        due=args.due,
        notes=args.notes,
        note=args.note or "",
        who=_who(args),
    )
    out.print_jsonl([fu.state_dict(state)])
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """Record a review of an item; print it."""
    fixes = {name: getattr(args, name) for name in CORRECTABLE}
    review = open_kb().followup.review(
        args.id, args.verdict, fixes, note=args.note or "", who=_who(args)
    )
    out.print_jsonl([fu.review_dict(review)])
    return 0


def add_followup_commands(sub: Any) -> None:
    """Register `followup` (with `followup set`) and `review`."""
    p = sub.add_parser("followup", help="follow-up register: recommendations × key actions")
    p.add_argument("--status", choices=list(STATUSES), help="only rows with this status")
    p.add_argument("--overdue", action="store_true", help="only rows past due, not completed")
    p.add_argument("--addressee", help="addressee or responsible unit (substring)")
    p.add_argument("--document", help="an evaluation or its response document")
    p.add_argument("--review", choices=list(REVIEW_FILTERS), help="items by review")
    p.add_argument("--format", choices=["table", "jsonl", "csv"], default="table")
    p.set_defaults(func=cmd_followup)
    actions = p.add_subparsers(dest="followup_command")
    s = actions.add_parser("set", help="set a recommendation's or action's status, due, notes")
    s.add_argument("id", help="recommendation item id or action id (or unique prefix)")
    s.add_argument("--status", choices=list(STATUSES))
    s.add_argument("--due", help="due date YYYY-MM-DD ('' clears it)")
    s.add_argument("--notes", help="replace the notes")
    s.add_argument("--note", help="why: kept in the history")
    s.add_argument("--user", help="name recorded in the history (default: login name)")
    s.set_defaults(func=cmd_followup_set)

    r = sub.add_parser("review", help="mark an extracted item verified, rejected or corrected")
    r.add_argument("id", help="item id (or unique prefix)")
    r.add_argument("verdict", choices=list(REVIEW_VERDICTS))
    for name in CORRECTABLE:
        r.add_argument(f"--{name}", help=f"corrected {name}")
    r.add_argument("--note", help="why: kept in the history")
    r.add_argument("--user", help="name recorded in the history (default: login name)")
    r.set_defaults(func=cmd_review)
