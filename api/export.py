"""Item exports: CSV, XLSX and JSON lines with the same columns."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

CSV_FIELDS = [
    "id",
    "kind",
    "label",
    "text",
    "document",
    "document_id",
    "pages",
    "section",
    "addressee",
    "priority",
    "resources",
    "timing",
    "condition",
    "parent_id",
    "occurrences",
    "tags",
]


def flat_row(record: Mapping[str, Any]) -> list[str]:
    """One item record flattened to CSV cells (lists joined, occurrences as page lists)."""
    row = []
    for name in CSV_FIELDS:
        value = record.get(name, "")
        if name == "pages":
            value = ",".join(map(str, value))
        elif name == "occurrences":
            value = "; ".join(",".join(map(str, o["pages"])) + " " + o["section"] for o in value)
        elif name == "tags":
            value = ", ".join(f"{t['kind']}:{t['value']}" for t in value)
        row.append(str(value))
    return row


def to_csv(records: Sequence[Mapping[str, Any]]) -> bytes:
    """Items as UTF-8 CSV with a header row (BOM so spreadsheet apps read accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_FIELDS)
    writer.writerows(flat_row(r) for r in records)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_jsonl(records: Sequence[Mapping[str, Any]]) -> bytes:
    """Items as JSON lines."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def to_xlsx(records: Sequence[Mapping[str, Any]]) -> bytes:
    """Items as an Excel workbook, one row per item."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "items"
    sheet.append(CSV_FIELDS)
    for record in records:
        # openpyxl refuses control characters; PDFs sometimes carry them
        sheet.append(
            ["".join(ch for ch in cell if ch >= " " or ch in "\t\n") for cell in flat_row(record)]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
