"""Example payloads shown in the OpenAPI page; kept apart so the schemas stay readable."""

from __future__ import annotations

from typing import Any

DOC_ID = "3f1c9a0e5b7d2c4e8a6f1b3d5c7e9a0b2d4f6a8c0e1b3d5f7a9c1e3b5d7f9a1c"
ITEM: dict[str, Any] = {
    "id": "a41f0c2e9b",
    "kind": "recommendation",
    "label": "R3",
    "text": "Renforcer la coordination entre les acteurs de la protection de l'enfance.",
    "document": "ilo-mali-slavery-final-evaluation-2023.pdf",
    "document_id": DOC_ID,
    "pages": [57],
    "section": "Recommandations",
    "section_path": ["Recommandations"],
    "addressee": "OIT",
    "priority": "Haute",
    "resources": "",
    "timing": "Court terme",
    "condition": "",
    "parent_id": "",
    "fields": {},
    "occurrences": [{"pages": [9], "section": "Résumé exécutif", "text": ""}],
    "tags": [{"kind": "theme", "value": "coordination", "evidence": "coordination"}],
    "url": f"/documents/{DOC_ID}/file#page=57",
}
PROBLEM: dict[str, Any] = {
    "type": "about:blank",
    "title": "Not found",
    "status": 404,
    "detail": "no item with id 'zz'",
    "instance": "/items/zz",
}
HIT: dict[str, Any] = {
    **ITEM,
    "scope": "item",
    "score": 0.83,
    "snippet": "Renforcer la **coordination** entre les acteurs…",
}
THEME: dict[str, Any] = {
    "label": "coordination",
    "members": ["a41f0c2e9b", "7be21f0d33"],
    "documents": ["ilo-mali-slavery-final-evaluation-2023.pdf"],
    "years": [2023],
}
DOCUMENT: dict[str, Any] = {
    "id": DOC_ID,
    "file_name": "ilo-mali-slavery-final-evaluation-2023.pdf",
    "title": "Évaluation finale du projet …",
    "language": "fr",
    "pages": 92,
    "media_type": "pdf",
    "size": 2483921,
    "ingested_at": "2024-05-02T10:11:12+00:00",
    "items": 41,
    "tables": 12,
    "warnings": [],
    "metadata": {"year": "2023"},
    "versions": {"pdfplumber": "0.11.4"},
    "file_url": f"/documents/{DOC_ID}/file",
}
TABLE: dict[str, Any] = {
    "id": "3f1c9a0e5b7d2c4e-t0",
    "document_id": DOC_ID,
    "index": 0,
    "pages": [12],
    "section": "Budget",
    "caption": "Tableau 1 : budget",
    "header_rows": 1,
    "rows": [["Poste", "Montant"], ["Personnel", "120 000"]],
}
JOB: dict[str, Any] = {
    "id": "9c2d0e…",
    "file_name": "rapport.pdf",
    "size": 1048576,
    "status": "done",
    "created_at": "2024-05-02T10:11:12+00:00",
    "started_at": "2024-05-02T10:11:12+00:00",
    "finished_at": "2024-05-02T10:11:40+00:00",
    "outcome": "ingested",
    "document_id": DOC_ID,
    "error": "",
    "replaced": [],
    "url": "/jobs/9c2d0e…",
    "document_url": f"/documents/{DOC_ID}",
}
RESPONSE: dict[str, Any] = {
    "id": "5e0b7c21d9a4f613",
    "document": "iom-hoa-eu-ji-management-response.pdf",
    "evaluation_document": "iom-hoa-eu-ji-final-evaluation.pdf",
    "number": "2",
    "recommendation_text": "Strengthen community-based reintegration efforts …",
    "recommendation_ids": ["a41f0c2e9b"],
    "verdict": "accepted",
    "response_text": "",
    "addressee": "IOM staff in the Horn of Africa",
    "priority": "1",
    "actions": [
        {
            "id": "c03e5f8a91d2b7e4",
            "text": "Conduct a capacity needs assessment of partners.",
            "deadline": "Continuous effort over the next year",
            "responsible": "MRP Coordinator and Team",
            "status": "",
            "comments": "",
            "pages": [3],
        }
    ],
    "pages": [3],
    "document_id": DOC_ID,
    "evaluation_document_id": DOC_ID,
    "evaluation_score": 0.94,
    "verdict_evidence": "Accepted",
    "links": [{"item_id": "a41f0c2e9b", "score": 1.0, "method": "text+number"}],
    "url": f"/documents/{DOC_ID}/file#page=3",
}
