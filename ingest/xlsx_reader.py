"""Read an Excel workbook (.xlsx) into a Document: each sheet is a "page" with its name as a
heading, the lines above its first table row as paragraphs, and its grid as a table.

Management-response matrices are very often spreadsheets: one row per recommendation, with
columns for the response, key actions, responsible unit, deadline and status. Read this
way, they go through the same response reader as PDF and Word matrices.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from typing import Any

from .assemble import build_document
from .errors import IngestError
from .options import ReadOptions
from .records import HEADING, PARAGRAPH, TABLE, Block, Document, Table
from .text_tables import pad_rows

MAX_CELLS = 500_000  # a matrix has hundreds; past this the file is a data dump, not a report
MAX_COLUMNS = 60


def _openpyxl_version() -> str:
    from importlib.metadata import version

    return version("openpyxl")


def cell_text(value: Any) -> str:
    """A cell as the reader sees it: dates as ISO dates, whole numbers without `.0`."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _sheet_rows(sheet: Any, budget: list[int], name: str) -> list[list[str]]:
    rows: list[list[str]] = []
    for values in sheet.iter_rows(values_only=True):
        cells = [cell_text(v) for v in values[:MAX_COLUMNS]]
        budget[0] -= len(cells)
        if budget[0] < 0:
            raise IngestError(name, f"the workbook has over {MAX_CELLS:,} cells; not a report")
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append(cells)
    return rows


def read_xlsx(data: bytes, name: str, options: ReadOptions) -> Document:
    """Read an .xlsx file's bytes into a Document (one page per visible sheet)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise IngestError(name, f"not a readable Excel workbook: {exc}") from exc
    except Exception as exc:  # openpyxl raises assorted errors on odd packages
        raise IngestError(name, f"cannot open Excel workbook: {type(exc).__name__}: {exc}") from exc
    blocks: list[Block] = []
    tables: list[Table] = []
    title = ""
    budget = [MAX_CELLS]
    try:
        sheets = [s for s in book.worksheets if getattr(s, "sheet_state", "visible") == "visible"]
        for page, sheet in enumerate(sheets, start=1):
            rows = _sheet_rows(sheet, budget, name)
            if not rows:
                continue
            blocks.append(Block(HEADING, sheet.title, (page,), (), level=1))
            # lines with one filled cell above the grid are its title and notes
            start = 0
            while start < len(rows) and sum(1 for c in rows[start] if c) < 2:
                text = next(c for c in rows[start] if c)
                title = title or text
                blocks.append(Block(PARAGRAPH, text, (page,), ()))
                start += 1
            grid = tuple(r for r in pad_rows(rows[start:]) if any(r))
            if grid:
                tables.append(Table(len(tables), grid, (page,), header_rows=1))
                blocks.append(
                    Block(TABLE, f"Table {len(tables)}", (page,), (), table_index=len(tables) - 1)
                )
    finally:
        book.close()
    if not tables and not blocks:
        raise IngestError(name, "the workbook has no filled cells")
    return build_document(
        data=data,
        file_name=name,
        media_type="xlsx",
        blocks=blocks,
        tables=tables,
        page_count=max(1, len(sheets)),
        title=title,
        versions=(("openpyxl", _openpyxl_version()),),
    )
