"""Across reports with the fake embedder: recurring recommendations (count, years, sentence,
members) and a recommendation's uptake in later documents, in the index and over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_api import assert_problem, make_client

from index.query import SearchFilters, SearchRequest
from index.recurring import find_recurring, sentence
from ingest.assemble import build_document
from ingest.errors import InvalidQuery, NotFound
from ingest.pipeline import Parsed
from ingest.records import HEADING, PARAGRAPH, Block, Item

COORDINATION = "Renforcer la coordination entre les ONG et les services de l'État à Kayes."
# (file name, year, type, passages by heading, recommendations)
REPORTS: list[tuple[str, int | None, str, list[tuple[str, str]], list[str]]] = [
    (
        "eval-2017.pdf",
        2017,
        "evaluation",
        [
            (
                "Constats",
                "La coordination entre les ONG et les services de l'État à Kayes reste faible.",
            )
        ],
        ["Publier les rapports financiers du projet chaque trimestre."],
    ),
    (
        "eval-2019.pdf",
        2019,
        "evaluation",
        [("Contexte", "Le projet finance des puits et des forages dans les villages.")],
        [
            COORDINATION,
            "Former les juges au droit du travail et à la lutte contre l'esclavage.",
        ],
    ),
    (
        "eval-2021.pdf",
        2021,
        "evaluation",
        [("Efficacité", "Les cantines scolaires ont amélioré la fréquentation des écoles.")],
        [
            "Renforcer la coordination des ONG et des services de l'État à Kayes.",
            "Accélérer le paiement des kits de réintégration aux migrants de retour.",
        ],
    ),
    (
        "eval-2023.pdf",
        2023,
        "evaluation",
        [("Durabilité", "Les comités de gestion des points d'eau manquent de moyens.")],
        [
            "Renforcer encore la coordination entre ONG et services de l'État à Kayes.",
            "Mettre en place un système de suivi des bénéficiaires formés.",
        ],
    ),
    (
        "plan-2022.pdf",
        2022,
        "action plan",
        [
            (
                "Mesures",
                "Un cadre trimestriel renforce la coordination entre les ONG et les "
                "services de l'État à Kayes, comme recommandé.",
            ),
            ("Budget", "Le budget des cantines scolaires est exécuté à 85 %."),
        ],
        [],
    ),
    (
        "note-undated.pdf",
        None,
        "",
        [("Suivi", "Renforcer la coordination des ONG et des services de l'État à Kayes.")],
        [],
    ),
]


def _parsed(
    data: bytes, name: str, year: int | None, kind: str, paragraphs: Any, recs: list[str]
) -> Parsed:
    blocks = []
    for page, (heading, text) in enumerate(paragraphs, start=2):
        blocks += [
            Block(HEADING, heading, (page,), (), level=1),
            Block(PARAGRAPH, text, (page,), ()),
        ]
    blocks.append(Block(HEADING, "Recommandations", (9,), (), level=1))
    doc = build_document(
        data=data, file_name=name, media_type="pdf", blocks=blocks, tables=[], page_count=10
    )
    meta = (("type", kind),) + ((("year", str(year)),) if year else ())
    doc = replace(doc, metadata=meta)
    items = tuple(
        Item(
            id=f"{doc.id[:10]}-{n}",
            document_id=doc.id,
            kind="recommendation",
            text=text,
            pages=(9 + n,),
            section_path=("Recommandations",),
            label=f"R{n + 1}",
        )
        for n, text in enumerate(recs)
    )
    return Parsed(doc, items, "test-1")


@pytest.fixture
def reports(kb, tmp_path: Path) -> dict[str, str]:
    """The five reports stored; file name → document id."""
    ids = {}
    for name, year, kind, paragraphs, recs in REPORTS:
        path = tmp_path / "src" / name
        path.parent.mkdir(exist_ok=True)
        data = f"%PDF-1.4\n% {name}\n".encode()
        path.write_bytes(data)
        outcome = kb.store_parsed(path, _parsed(data, name, year, kind, paragraphs, recs))
        assert outcome.status == "ingested", outcome.reason
        ids[name] = outcome.document_id
    return ids


@pytest.fixture
def client(kb, reports: dict[str, str]) -> Iterator[TestClient]:
    with make_client(kb) as c:
        yield c


def _item(reports: dict[str, str], name: str, n: int = 0) -> str:
    return f"{reports[name][:10]}-{n}"


def test_sentence() -> None:
    assert sentence("recommendation", 4, [2019, 2023, 2021], True) == (
        "recommended in 4 evaluations since 2019"
    )
    assert sentence("recommendation", 2, [2021], False) == "recommended in 2 documents in 2021"
    assert sentence("lesson", 3, [], True) == "drawn as a lesson in 3 evaluations"


def test_recurring_cluster_across_three_years(kb, reports: dict[str, str]) -> None:
    found = kb.read.recurring()
    assert len(found) == 1, [(r.sentence, [m.text for m in r.members]) for r in found]
    (cluster,) = found
    assert cluster.document_count == 3 and cluster.kind == "recommendation"
    assert (cluster.first_year, cluster.last_year, cluster.years) == (
        2019,
        2023,
        (2019, 2021, 2023),
    )
    assert cluster.sentence == "recommended in 3 evaluations since 2019"
    assert [m.file_name for m in cluster.members] == [
        "eval-2019.pdf",
        "eval-2021.pdf",
        "eval-2023.pdf",
    ]
    first = cluster.members[0]
    assert (first.item_id, first.text, first.pages) == (
        _item(reports, "eval-2019.pdf"),
        COORDINATION,
        (9,),
    )
    # a document filter keeps the clusters it takes part in; three documents are too many
    assert kb.read.recurring(document="eval-2021.pdf") == found
    assert kb.read.recurring(document="eval-2017.pdf") == []
    assert kb.read.recurring(min_documents=4) == []
    with pytest.raises(InvalidQuery):
        find_recurring(kb.read.searcher, kind="finding")


def test_uptake_lists_later_documents_only(kb, reports: dict[str, str]) -> None:
    up = kb.read.uptake(_item(reports, "eval-2021.pdf"))
    assert up.year == 2021 and up.file_name == "eval-2021.pdf"
    names = [d.file_name for d in up.documents]
    # the undated note quotes it word for word, yet comes after the dated plan
    assert names == ["plan-2022.pdf", "note-undated.pdf"], names
    assert up.documents[1].score > up.documents[0].score and up.documents[1].year is None
    assert not {"eval-2021.pdf", "eval-2019.pdf", "eval-2017.pdf"} & set(names)
    plan = up.documents[0]
    assert plan.year == 2022 and plan.doc_type == "action plan"
    best = plan.passages[0]
    assert best.scope == "passage" and best.pages == (2,) and best.section == ("Mesures",)
    assert all(p.scope in ("passage", "table") for d in up.documents for p in d.passages)
    # the 2017 report says the same, but earlier: a search finds it, the uptake does not
    hits = kb.read.search(SearchRequest(COORDINATION, SearchFilters(scope="passage")))
    assert "eval-2017.pdf" in {h.file_name for h in hits}
    older = kb.read.uptake(_item(reports, "eval-2019.pdf"))
    assert [d.file_name for d in older.documents] == ["plan-2022.pdf", "note-undated.pdf"]
    latest = kb.read.uptake(_item(reports, "eval-2023.pdf"))
    assert [d.file_name for d in latest.documents] == ["note-undated.pdf"]
    # the last report's other recommendation: only the undated note is a candidate, and it is
    # about something else: an empty list, not an error
    assert kb.read.uptake(_item(reports, "eval-2023.pdf", 1)).documents == ()
    with pytest.raises(NotFound):
        kb.read.uptake("nope")


def test_http_recurring_and_uptake(client: TestClient, reports: dict[str, str]) -> None:
    body = client.get("/recurring").json()
    assert body["count"] == 1 and body["kind"] == "recommendation"
    cluster = body["clusters"][0]
    assert cluster["sentence"] == "recommended in 3 evaluations since 2019"
    member = cluster["members"][0]
    assert member["document"] == "eval-2019.pdf" and member["year"] == 2019
    assert member["url"].endswith("#page=9") and member["section"] == "Recommandations"
    assert client.get("/recurring?kind=lesson").json()["count"] == 0

    item_id = _item(reports, "eval-2021.pdf")
    up = client.get(f"/items/{item_id}/uptake?k=5&passages=2").json()
    assert up["item_id"] == item_id and up["year"] == 2021
    plan = up["documents"][0]
    assert plan["document"] == "plan-2022.pdf" and plan["passages"][0]["pages"] == [2]
    assert plan["passages"][0]["section"] == "Mesures"
    last = client.get(f"/items/{_item(reports, 'eval-2023.pdf', 1)}/uptake").json()
    assert last["documents"] == []


def test_cli(kb, reports: dict[str, str], monkeypatch, capsys) -> None:
    from api.cli import main
    from api.cli import recurring as cli

    monkeypatch.setattr(cli, "open_kb", lambda: kb)
    assert main(["recurring"]) == 0
    table = capsys.readouterr().out
    assert "recommended in 3 evaluations since 2019" in table and "eval-2023.pdf" in table
    item_id = _item(reports, "eval-2021.pdf")
    assert main(["uptake", item_id, "--format", "jsonl"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["documents"][0]["document"] == "plan-2022.pdf"
    assert main(["uptake", "nope"]) == 2 and "no item" in capsys.readouterr().err


def test_http_errors(client: TestClient) -> None:
    assert_problem(client.get("/items/nope/uptake"), 404, "no item")
    assert_problem(client.get("/recurring?document=missing.pdf"), 404, "no document")
    assert_problem(client.get("/recurring?min_documents=1"), 422, "min_documents")
    assert_problem(client.get("/recurring?limit=0"), 422, "limit")
    assert_problem(client.get("/recurring?kind=finding"), 422, "kind")
    assert_problem(client.get("/items/x/uptake?k=0"), 422, "k")
    assert_problem(client.get("/items/x/uptake?passages=99"), 422, "passages")
