"""Views of the across-reports reads: recurring clusters and a recommendation's uptake as
plain data, for the command line (JSON lines) and the HTTP API alike (see `api.views`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from index.recurring import Recurring
from index.uptake import Uptake

from .views import file_url, hit_dict, section_text


def recurring_dict(r: Recurring) -> dict[str, Any]:
    """A recurring cluster: its sentence, counts, years and cited members, oldest first."""
    data = {k: v for k, v in asdict(r).items() if k != "members"}
    data["years"] = list(r.years)
    data["members"] = [
        {
            "item_id": m.item_id,
            "label": m.label,
            "text": m.text,
            "document": m.file_name,
            "document_id": m.document_id,
            "year": m.year,
            "pages": list(m.pages),
            "section": section_text(m.section),
            "url": file_url(m.document_id, m.pages),
        }
        for m in r.members
    ]
    return data


def uptake_dict(u: Uptake) -> dict[str, Any]:
    """A recommendation's uptake: the item, then later documents with their passages."""
    return {
        "item_id": u.item_id,
        "kind": u.kind,
        "text": u.text,
        "document": u.file_name,
        "document_id": u.document_id,
        "year": u.year,
        "documents": [
            {
                "document": d.file_name,
                "document_id": d.document_id,
                "year": d.year,
                "doc_type": d.doc_type,
                "score": d.score,
                "passages": [hit_dict(h) for h in d.passages],
            }
            for d in u.documents
        ],
    }
