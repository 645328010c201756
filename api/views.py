"""Views: the one place where records become plain data, CSV rows and spreadsheet cells.

Documents, tables, items, hits, themes and jobs become JSON-able dicts here, for the command
line (JSON lines, tables) and the HTTP API alike; item exports become CSV, XLSX and JSON
lines here. Every item and hit carries its document, pages, section and a link that opens the
original file at the page.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any, TextIO

from index.jobs import Job
from index.search import Hit
from index.store import DocumentSummary, table_id
from index.themes import Theme
from ingest.records import Document, Item, Table


def file_url(document_id: str, pages: Iterable[int] = ()) -> str:
    """Link to the original file, opened at the first page when there is one."""
    first = next(iter(pages), None)
    return f"/documents/{document_id}/file" + (f"#page={first}" if first else "")


def section_text(path: Sequence[str]) -> str:
    """A heading path as one line: "5. Conclusions > 5.2 Leçons apprises"."""
    return " > ".join(path)


# -- documents and tables -------------------------------------------------------------------
def document_dict(s: DocumentSummary) -> dict[str, Any]:
    """A document summary with the link to its original."""
    return {
        "id": s.id,
        "file_name": s.file_name,
        "title": s.title,
        "language": s.language,
        "pages": s.page_count,
        "media_type": s.media_type,
        "size": s.size,
        "ingested_at": s.ingested_at,
        "items": s.item_count,
        "tables": s.table_count,
        "warnings": list(s.warnings),
        "metadata": dict(s.metadata),
        "versions": dict(s.versions),
        "file_url": f"/documents/{s.id}/file",
    }


def document_detail(s: DocumentSummary, doc: Document) -> dict[str, Any]:
    """A document summary with its outline."""
    data = document_dict(s)
    data["outline"] = [
        {
            "title": sec.title,
            "level": sec.level,
            "page_start": sec.page_start,
            "page_end": sec.page_end,
            "number": sec.number,
            "path": list(sec.path),
        }
        for sec in doc.sections
    ]
    return data


def table_dict(document_id: str, t: Table) -> dict[str, Any]:
    """A table as plain data."""
    return {
        "id": table_id(document_id, t.index),
        "document_id": document_id,
        "index": t.index,
        "pages": list(t.pages),
        "section": section_text(t.section_path),
        "caption": t.caption,
        "header_rows": t.header_rows,
        "rows": [list(r) for r in t.rows],
    }


def table_rows(tables: Sequence[Table]) -> list[list[str]]:
    """Several tables as CSV rows, an empty row between two tables."""
    rows: list[list[str]] = []
    for n, table in enumerate(tables):
        if n:
            rows.append([])
        rows += [list(r) for r in table.rows]
    return rows


# -- items, hits, themes, jobs --------------------------------------------------------------
def item_dict(item: Item, file_name: str) -> dict[str, Any]:
    """An item with its document's file name, every occurrence and its page link."""
    return {
        "id": item.id,
        "kind": item.kind,
        "label": item.label,
        "text": item.text,
        "document": file_name,
        "document_id": item.document_id,
        "pages": list(item.pages),
        "section": section_text(item.section_path),
        "section_path": list(item.section_path),
        "addressee": item.addressee,
        "priority": item.priority,
        "resources": item.resources,
        "timing": item.timing,
        "condition": item.condition,
        "parent_id": item.parent_id,
        "fields": dict(item.fields),
        "occurrences": [
            {"pages": list(o.pages), "section": section_text(o.section_path), "text": o.text}
            for o in item.occurrences
        ],
        "tags": [{"kind": t.kind, "value": t.value, "evidence": t.evidence} for t in item.tags],
        "evidence": item.evidence,
        "confidence": round(item.confidence, 3),
        "url": file_url(item.document_id, item.pages),
    }


def citations(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every place an item is cited: its main location, then its other occurrences."""
    places = [(data["pages"], data["section"])]
    places += [(o["pages"], o["section"]) for o in data["occurrences"]]
    seen: set[tuple[tuple[int, ...], str]] = set()
    out = []
    for pages, section in places:
        key = (tuple(pages), section)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            {
                "document": data["document"],
                "document_id": data["document_id"],
                "page": pages[0] if pages else None,
                "pages": list(pages),
                "section": section,
                "url": file_url(data["document_id"], pages),
            }
        )
    return out


def item_detail(item: Item, file_name: str) -> dict[str, Any]:
    """An item with every place it is cited."""
    data = item_dict(item, file_name)
    data["citations"] = citations(data)
    return data


def hit_dict(hit: Hit) -> dict[str, Any]:
    """A search or similarity hit: provenance, snippet, score, page link, and (empty for
    passages and tables) the item's id and fields or the table's id. One shape for all."""
    return {
        "id": hit.id,
        "scope": hit.scope,
        "kind": hit.kind,
        "text": hit.text,
        "snippet": hit.snippet,
        "document": hit.file_name,
        "document_id": hit.document_id,
        "pages": list(hit.pages),
        "section": section_text(hit.section),
        "section_path": list(hit.section),
        "score": hit.score,
        "label": hit.label,
        "url": file_url(hit.document_id, hit.pages),
        "item_id": hit.item_id,
        "table_id": hit.table_id,
        "addressee": hit.addressee,
        "priority": hit.priority,
        "resources": hit.resources,
        "timing": hit.timing,
        "also_at": [
            {
                "pages": list(a.pages),
                "section": section_text(a.section),
                "url": file_url(hit.document_id, a.pages),
            }
            for a in hit.also_at
        ],
        "all_pages": list(hit.all_pages),
    }


def theme_dict(theme: Theme) -> dict[str, Any]:
    """A recurring theme: label, member item ids, documents, years, kinds, cohesion."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(theme).items()}


def job_dict(job: Job) -> dict[str, Any]:
    """An upload job with links to itself and to the document it made."""
    data = asdict(job)
    del data["staged_path"]  # a server path: not the client's business
    data["replaced"] = list(job.replaced)
    data["url"] = f"/jobs/{job.id}"
    data["document_url"] = f"/documents/{job.document_id}" if job.document_id else ""
    return data


# -- exports --------------------------------------------------------------------------------
ITEM_COLUMNS = [
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
    "evidence",
    "confidence",
]


def item_row(record: Mapping[str, Any]) -> list[str]:
    """One item record flattened to cells (lists joined, occurrences as page lists)."""
    row = []
    for name in ITEM_COLUMNS:
        value = record.get(name, "")
        if name == "pages":
            value = ",".join(map(str, value))
        elif name == "occurrences":
            value = "; ".join(",".join(map(str, o["pages"])) + " " + o["section"] for o in value)
        elif name == "tags":
            value = ", ".join(f"{t['kind']}:{t['value']}" for t in value)
        row.append(str(value))
    return row


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> str:
    """A cell a spreadsheet will not run: text that starts like a formula gets a leading
    apostrophe (OWASP's CSV-injection advice); everything else is kept as it is."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(out: TextIO, rows: Iterable[Sequence[Any]]) -> None:
    """CSV rows to a text stream (the one CSV writer of the command line and the API), every
    cell neutralised and quoted, so opening a hostile document's export runs nothing."""
    csv.writer(out, quoting=csv.QUOTE_ALL).writerows([neutral(c) for c in row] for row in rows)


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV as UTF-8 with a BOM, so spreadsheet applications read the accents."""
    buffer = io.StringIO()
    write_csv(buffer, rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def jsonl_bytes(records: Iterable[Mapping[str, Any]]) -> bytes:
    """Records as JSON lines (UTF-8 kept readable)."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def xlsx_bytes(title: str, rows: Iterable[Sequence[Any]]) -> bytes:
    """Rows as an Excel workbook with one sheet; every cell is text, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for row in rows:
        cells = []
        for value in row:
            # openpyxl refuses control characters; PDFs sometimes carry them
            text = "".join(ch for ch in str(value) if ch >= " " or ch in "\t\n")
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"  # "=…" stays a string: Excel shows it, never evaluates it
            if text.startswith(FORMULA_STARTS):
                cell.quotePrefix = True
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def items_export(records: Sequence[Mapping[str, Any]], fmt: str) -> bytes:
    """Item records as `csv`, `xlsx` or `jsonl` bytes, same columns in the first two."""
    if fmt == "jsonl":
        return jsonl_bytes(records)
    rows = [ITEM_COLUMNS, *(item_row(r) for r in records)]
    return xlsx_bytes("items", rows) if fmt == "xlsx" else csv_bytes(rows)
