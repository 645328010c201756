"""Views of management responses: response blocks as plain data and CSV cells.

The response part of `api.views` (kept apart for size): the command line and the HTTP API
both build their records here, and CSV goes through `views.write_csv`, which neutralises
cells a spreadsheet would run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from index.responses import LinkedResponse

from .views import file_url

ACTION_FIELDS = ("text", "deadline", "responsible", "status", "comments")
RESPONSE_COLUMNS = ["id", "document", "evaluation_document", "number", "recommendation_text"]
RESPONSE_COLUMNS += ["recommendation_ids", "verdict", "response_text", "addressee", "priority"]
RESPONSE_COLUMNS += ["actions", "pages"]


def response_dict(linked: LinkedResponse) -> dict[str, Any]:
    """A response block: `RESPONSE_COLUMNS`, its actions as {text, deadline, responsible,
    status, comments}, `recommendation_ids` the ids of the items it answers."""
    r = linked.response
    return {
        "id": r.id,
        "document": linked.file_name,
        "evaluation_document": linked.evaluation_file,
        "number": r.number,
        "recommendation_text": r.recommendation_text,
        "recommendation_ids": [link.item_id for link in linked.links],
        "verdict": r.verdict,
        "response_text": r.response_text,
        "addressee": r.addressee,
        "priority": r.priority,
        "actions": [{k: getattr(a, k) for k in ACTION_FIELDS} for a in r.actions],
        "pages": list(r.pages),
    }


def response_detail(linked: LinkedResponse) -> dict[str, Any]:
    """A response block with ids, scores and page links (what the HTTP API shows)."""
    data = response_dict(linked)
    r = linked.response
    for action, full in zip(data["actions"], r.actions, strict=True):
        action.update(id=full.id, pages=list(full.pages))
    data.update(
        document_id=r.document_id,
        evaluation_document_id=linked.evaluation_id,
        evaluation_score=linked.document_score,
        verdict_evidence=r.verdict_evidence,
        links=[asdict(link) for link in linked.links],
        url=file_url(r.document_id, r.pages),
    )
    return data


def response_row(record: Mapping[str, Any]) -> list[str]:
    """One response record flattened to cells: ids and pages joined, one action a line."""
    actions = [" | ".join(a[k] for k in ACTION_FIELDS if a[k]) for a in record["actions"]]
    row = {
        **record,
        "recommendation_ids": ",".join(record["recommendation_ids"]),
        "actions": "\n".join(actions),
        "pages": ",".join(map(str, record["pages"])),
    }
    return [str(row[name]) for name in RESPONSE_COLUMNS]
