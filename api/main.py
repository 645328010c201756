"""Entry point of the `evalkb` console script: the command line plus `evalkb serve`.

The two front ends never import each other; this module puts them together.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .cli import build_parser, run
from .http.serve import add_serve_command


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the command."""
    return run(build_parser(extra=[add_serve_command]).parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
