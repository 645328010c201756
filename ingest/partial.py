"""Documents stored with some pages missing: the warning that says so, and reading it back.

When a file's pages cannot all be read within the time limit, the reader keeps the pages it
has and puts one warning first in the document's warnings:

    incomplete: pages 121-187 of 187 were not read within the time limit (900 s); run
    `evalkb resume` to read them

Every front end shows warnings (`evalkb show`, `GET /documents/{id}`), so the flag travels
with the document without a column of its own; `missing_pages` reads the pages back, and
`evalkb resume` re-reads such documents (OCR results of the pages already read are kept in
the data directory, so only the missing pages cost time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

PREFIX = "incomplete: "
_PAGES = re.compile(r"^incomplete: pages? ([\d, \-]+) of (\d+)")


def page_ranges(pages: Iterable[int]) -> str:
    """[1, 2, 3, 7, 9, 10] → "1-3, 7, 9-10"."""
    out: list[str] = []
    run: list[int] = []
    for page in sorted(set(pages)):
        if run and page == run[-1] + 1:
            run.append(page)
            continue
        if run:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [page]
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(out)


def incomplete_warning(missing: Sequence[int], total: int, seconds: float) -> str:
    """The warning put first on a document whose `missing` pages were not read."""
    which = "page" if len(missing) == 1 else "pages"
    return (
        f"{PREFIX}{which} {page_ranges(missing)} of {total} were not read within the time "
        f"limit ({seconds:.0f} s); run `evalkb resume` to read them"
    )


def missing_pages(warnings: Iterable[str]) -> tuple[int, ...]:
    """The pages an `incomplete:` warning names (empty for a complete document)."""
    for warning in warnings:
        match = _PAGES.match(warning)
        if not match:
            continue
        pages: list[int] = []
        for part in match.group(1).split(","):
            first, _, last = part.strip().partition("-")
            if first.isdigit():
                pages += range(int(first), int(last or first) + 1)
        return tuple(pages)
    return ()


def is_incomplete(warnings: Iterable[str]) -> bool:
    """True when the document was stored with pages missing."""
    return any(w.startswith(PREFIX) for w in warnings)
