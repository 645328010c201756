"""Plain-data views of records, shared by the command line, the exports and the HTTP API."""

from __future__ import annotations

from typing import Any

from ingest.records import Item


def item_dict(item: Item, file_name: str) -> dict[str, Any]:
    """An item as JSON-able data, with its document's file name and every occurrence."""
    return {
        "id": item.id,
        "kind": item.kind,
        "label": item.label,
        "text": item.text,
        "document": file_name,
        "document_id": item.document_id,
        "pages": list(item.pages),
        "section": " > ".join(item.section_path),
        "section_path": list(item.section_path),
        "addressee": item.addressee,
        "priority": item.priority,
        "resources": item.resources,
        "timing": item.timing,
        "condition": item.condition,
        "parent_id": item.parent_id,
        "fields": dict(item.fields),
        "occurrences": [
            {"pages": list(o.pages), "section": " > ".join(o.section_path), "text": o.text}
            for o in item.occurrences
        ],
        "tags": [{"kind": t.kind, "value": t.value, "evidence": t.evidence} for t in item.tags],
    }
