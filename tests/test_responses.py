"""Management responses: reading matrices, linking them to evaluations and recommendation
items as documents come and go, and showing them on the command line and the HTTP API.

Synthetic evaluations and matrices (markdown text and DOCX) are built here; the real pairs
of ../shared/reports-iom run in the integration test at the end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from index.responses import Unmatched
from ingest.options import ReadOptions
from ingest.pipeline import analyse
from ingest.readers import read_bytes

EVALUATION_EN = """# Final evaluation of the Coastal Livelihoods Programme

## Findings

The programme reached 12,000 households in three districts.

## Recommendations

Recommendation 1: Strengthen the district water committees with regular training on \
maintenance of boreholes.

Recommendation 2: Expand the cash transfer scheme to pastoralist households in the northern \
districts.

Recommendation 3: Build a joint monitoring database shared by the ministry and partner agencies.

Recommendation 4: Secure multi-year funding for the school feeding component before the next \
phase.
"""

MATRIX_EN = """# Management Response Matrix

Evaluation: Final evaluation of the Coastal Livelihoods Programme

| Recommendation | Management response | Key actions | Responsible unit | Deadline | Status |
|---|---|---|---|---|---|
| 1. Strengthen the district water committees with regular training on maintenance of \
boreholes. | Accepted | Organise quarterly maintenance training for every committee | WASH unit \
| June 2025 | Not started |
| 2. Expand the cash transfer scheme to pastoralist households in the northern districts. \
| Partially accepted: funding only covers two districts | Extend the scheme to two northern \
districts | Social protection team | December 2025 | Ongoing |
| 3. Build a joint monitoring database shared by the ministry and partner agencies. \
| Rejected. The ministry already runs a national database. | Share programme data with the \
national database | M&E officer | March 2025 | Completed |
"""

EVALUATION_FR = """# Évaluation finale du projet d'appui aux coopératives rurales

## Constats

Le projet a appuyé 40 coopératives dans deux régions.

## Recommandations

### A. Gouvernance

A1. Renforcer le comité de pilotage en y associant les représentants des coopératives.

### B. Mise en œuvre

B1. Former les trésoriers des coopératives à la gestion comptable simplifiée.

B2. Mettre en place un fonds de roulement pour l'achat groupé des semences.

B3. Organiser des visites d'échange entre coopératives des deux régions.
"""

MATRIX_FR = """# Réponse de la direction

Plan de réponse de la direction à l'évaluation finale du projet d'appui aux coopératives

Recommandation A1 : Renforcer le comité de pilotage en y associant les représentants des \
coopératives.

Réponse de la direction : La direction accepte cette recommandation et l'intégrera dès la \
prochaine réunion.

Actions clés : Inviter deux représentants des coopératives au comité de pilotage

Responsable : Coordination du projet

Échéance : Mars 2025

Recommandations B1–B3 : Former les trésoriers des coopératives, créer un fonds de roulement \
pour l'achat des semences et organiser des visites d'échange entre coopératives.

Réponse de la direction : Recommandation partiellement acceptée, le fonds de roulement \
dépend de financements à trouver.

Actions clés : Former les trésoriers à la comptabilité simplifiée

Responsable : Unité de formation

Échéance : Juin 2025
"""


def store(kb: Any, tmp_path: Path, name: str, text: str | bytes) -> str:
    """Read, analyse and store one file; its document id."""
    path = tmp_path / name
    data = text.encode() if isinstance(text, str) else text
    path.write_bytes(data)
    parsed = analyse(read_bytes(data, name, ReadOptions(ocr=False)))
    outcome = kb.store_parsed(path, parsed)
    assert outcome.status == "ingested", outcome
    return str(outcome.document_id)


def by_number(kb: Any) -> dict[str, Any]:
    """The stored responses by number."""
    return {r.response.number: r for r in kb.read.responses.linked()}


def item_texts(kb: Any, linked: Any) -> list[str]:
    return [kb.read.item(link.item_id).text for link in linked.links]


def test_table_matrix_reads_verdicts_actions_and_links(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    evaluation = store(kb, tmp_path, "coastal-evaluation.md", EVALUATION_EN)
    store(kb, tmp_path, "coastal-management-response.md", MATRIX_EN)
    got = by_number(kb)
    assert sorted(got) == ["1", "2", "3"]
    assert [got[n].response.verdict for n in "123"] == [
        "accepted",
        "partially_accepted",
        "rejected",
    ]
    assert "two districts" in got["2"].response.response_text
    action = got["3"].response.actions[0]
    assert (action.deadline, action.responsible, action.status) == (
        "March 2025",
        "M&E officer",
        "Completed",
    )
    for n, words in (("1", "water committees"), ("2", "cash transfer"), ("3", "database")):
        assert got[n].evaluation_id == evaluation
        assert len(got[n].links) == 1 and words in item_texts(kb, got[n])[0]
    unmatched = kb.read.responses.unmatched()
    assert unmatched.responses == ()
    assert [i.text[:6] for i in unmatched.items] == ["Secure"]  # no response for rec 4
    # the evaluation's recommendation item shows the response that answers it
    item_id = got["3"].links[0].item_id
    assert [r.response.number for r in kb.read.responses.for_item(item_id)] == ["3"]


def test_matrix_before_evaluation_grouped_and_restarted_numbers(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store(kb, tmp_path, "cooperatives-reponse-direction.md", MATRIX_FR)
    got = by_number(kb)
    assert sorted(got) == ["A1", "B1–B3"]
    assert got["B1–B3"].response.numbers == ("b1", "b2", "b3")
    assert got["A1"].response.verdict == "accepted"  # "La direction accepte …" in free text
    assert got["B1–B3"].response.verdict == "partially_accepted"
    assert all(not r.links and not r.evaluation_id for r in got.values())
    assert len(kb.read.responses.unmatched().responses) == 2

    evaluation = store(kb, tmp_path, "cooperatives-evaluation.md", EVALUATION_FR)
    got = by_number(kb)
    assert {r.evaluation_id for r in got.values()} == {evaluation}
    assert [t[:2] for t in item_texts(kb, got["A1"])] == ["A1"]
    assert sorted(t[:2] for t in item_texts(kb, got["B1–B3"])) == ["B1", "B2", "B3"]
    assert kb.read.responses.unmatched() == Unmatched((), ())


def test_links_follow_deletes_reextract_and_reingest(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    evaluation = store(kb, tmp_path, "coastal-evaluation.md", EVALUATION_EN)
    matrix = store(kb, tmp_path, "coastal-management-response.md", MATRIX_EN)
    ids = {r.response.id for r in kb.read.responses.linked()}
    assert kb.reextract(force=True) == 2
    assert {r.response.id for r in kb.read.responses.linked()} == ids  # stable ids
    assert all(len(r.links) == 1 for r in kb.read.responses.linked())
    kb.reingest([evaluation])
    assert all(len(r.links) == 1 for r in kb.read.responses.linked())

    kb.delete(evaluation)
    left = kb.read.responses.linked()
    assert len(left) == 3 and all(not r.links and not r.evaluation_id for r in left)
    evaluation = store(kb, tmp_path, "coastal-evaluation.md", EVALUATION_EN)
    assert all(r.evaluation_id == evaluation for r in kb.read.responses.linked())
    kb.delete(matrix)
    assert kb.read.responses.linked() == []
    assert kb.conn.execute("SELECT COUNT(*) FROM response_links").fetchone()[0] == 0


def test_docx_matrix_is_read(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import io

    from docx import Document as Docx

    book = Docx()
    book.add_heading("Management Response Matrix", level=1)
    book.add_paragraph("Final evaluation of the Coastal Livelihoods Programme")
    header = ["Recommendation", "Management response", "Key actions", "Responsible", "Deadline"]
    rows = [
        ["1. Strengthen the district water committees with regular training on maintenance.",
         "We agree with this recommendation and will act on it.",
         "Organise quarterly training", "WASH unit", "June 2025"],
        ["2. Expand the cash transfer scheme to pastoralist households.",
         "Not accepted: the scheme closes in 2025.", "None", "Social protection team", "-"],
    ]  # fmt: skip
    table = book.add_table(rows=0, cols=len(header))
    for values in [header, *rows]:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    book.save(buffer)
    store(kb, tmp_path, "coastal-response.docx", buffer.getvalue())
    got = by_number(kb)
    assert got["1"].response.verdict == "accepted"
    assert got["2"].response.verdict == "rejected"
    assert got["1"].response.actions[0].responsible == "WASH unit"


def test_xlsx_matrix_is_read(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Matrices are often spreadsheets: a title line, then one row per recommendation."""
    import datetime
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Management response"
    sheet.append(["Management response to the final evaluation of the Coastal Programme"])
    sheet.append([])
    sheet.append(["Recommendation", "Management response", "Key actions", "Responsible",
                  "Deadline", "Status"])  # fmt: skip
    sheet.append(["1. Strengthen the district water committees with regular training.",
                  "Accepted", "Organise quarterly training", "WASH unit",
                  datetime.datetime(2025, 6, 30), "Ongoing"])  # fmt: skip
    sheet.append(["2. Expand the cash transfer scheme to pastoralist households.",
                  "Rejected: the scheme closes in 2025.", "", "", "", ""])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    evaluation = store(kb, tmp_path, "coastal-evaluation.md", EVALUATION_EN)
    matrix = store(kb, tmp_path, "coastal-response.xlsx", buffer.getvalue())
    doc = kb.read.document(matrix)
    assert doc.media_type == "xlsx" and doc.tables[0].rows[0][0] == "Recommendation"
    got = by_number(kb)
    assert [got[n].response.verdict for n in "12"] == ["accepted", "rejected"]
    action = got["1"].response.actions[0]
    assert (action.responsible, action.deadline, action.status) == (
        "WASH unit",
        "2025-06-30",
        "Ongoing",
    )
    assert got["1"].response.pages == (1,)
    assert got["1"].evaluation_id == evaluation and len(got["1"].links) == 1
    assert "water committees" in item_texts(kb, got["1"])[0]


def test_a_broken_workbook_is_refused_with_its_reason() -> None:
    import io
    import zipfile

    from ingest.errors import IngestError

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("xl/workbook.xml", "<not a workbook")
    with pytest.raises(IngestError, match="matrix.xlsx.*Excel workbook"):
        read_bytes(buffer.getvalue(), "matrix.xlsx")


def test_cli_lists_responses_and_unmatched(kb, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from api.cli import main
    from api.response_views import RESPONSE_COLUMNS
    from api.settings import get_settings

    store(kb, tmp_path, "coastal-evaluation.md", EVALUATION_EN)
    store(kb, tmp_path, "coastal-management-response.md", MATRIX_EN)
    monkeypatch.setenv("EVALKB_HOME", str(kb.home))
    get_settings.cache_clear()
    try:
        assert main(["responses", "--format", "jsonl"]) == 0
        lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
        assert [list(x) for x in lines] == [RESPONSE_COLUMNS] * 3
        first = lines[0]
        assert first["document"] == "coastal-management-response.md"
        assert first["evaluation_document"] == "coastal-evaluation.md"
        assert len(first["recommendation_ids"]) == 1
        assert set(first["actions"][0]) == {"text", "deadline", "responsible", "status", "comments"}
        assert main(["responses", "--verdict", "rejected", "--format", "csv"]) == 0
        rows = capsys.readouterr().out.splitlines()
        assert len(rows) == 2 and "Rejected" not in rows[0]
        assert main(["responses", "--document", "coastal-evaluation.md"]) == 0
        assert len(capsys.readouterr().out.splitlines()) == 4  # header + 3
        assert main(["responses", "--unmatched", "--format", "jsonl"]) == 0
        sides = [json.loads(x)["side"] for x in capsys.readouterr().out.splitlines()]
        assert sides == ["recommendation"]
    finally:
        get_settings.cache_clear()


def test_csv_cells_are_neutralised(kb, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from api.cli import main
    from api.settings import get_settings

    store(
        kb,
        tmp_path,
        "coastal-management-response.md",
        MATRIX_EN.replace("Organise", "=1+1 Organise"),
    )
    monkeypatch.setenv("EVALKB_HOME", str(kb.home))
    get_settings.cache_clear()
    try:
        assert main(["responses", "--format", "csv"]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "\"'=1+1 Organise" in out and '"=1+1' not in out


def test_http_responses_unmatched_and_item_detail(kb, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from test_api import make_client

    store(kb, tmp_path, "coastal-evaluation.md", EVALUATION_EN)
    store(kb, tmp_path, "coastal-management-response.md", MATRIX_EN)
    with make_client(kb) as client:
        page = client.get("/responses", params={"limit": 2}).json()
        assert page["count"] == 2 and page["next_offset"] == 2
        rejected = client.get("/responses", params={"verdict": "rejected"}).json()["responses"]
        assert [r["number"] for r in rejected] == ["3"]
        block = rejected[0]
        assert block["links"][0]["item_id"] == block["recommendation_ids"][0]
        assert block["actions"][0]["status"] == "Completed"
        detail = client.get(f"/items/{block['recommendation_ids'][0]}").json()
        assert [r["id"] for r in detail["responses"]] == [block["id"]]
        unmatched = client.get("/responses/unmatched").json()
        assert unmatched["responses"] == []
        assert [r["label"] for r in unmatched["recommendations"]] == ["Recommendation 4"]
        by_doc = client.get("/responses", params={"document": "coastal-evaluation.md"}).json()
        assert by_doc["count"] == 3
        assert client.get("/responses", params={"document": "nope"}).status_code == 404
        assert client.get("/responses", params={"verdict": "maybe"}).status_code == 422
        assert client.get("/responses", params={"limit": 5000}).status_code == 422


@pytest.mark.integration
def test_real_pairs_link_to_their_evaluations(kb) -> None:  # type: ignore[no-untyped-def]
    from conftest import shared

    folder = shared("reports-iom")
    pairs = {
        "iom-hoa-eu-ji-management-response": "iom-hoa-eu-ji-final-evaluation",
        "oim-cs1137-plan-reponse-direction": "oim-cs1137-evaluation-brief",
    }
    for stem in [*pairs, *pairs.values()]:  # matrices first: they link when evaluations come
        outcomes = kb.ingest([folder / f"{stem}.pdf"], jobs=1)
        assert outcomes[0].status == "ingested", outcomes
    names = {s.id: s.file_name for s in kb.read.documents()}
    gold_dir = Path(__file__).parent / "gold" / "responses"
    for matrix, evaluation in pairs.items():
        gold = json.loads((gold_dir / f"{matrix}.json").read_text(encoding="utf-8"))
        read = kb.read.responses.linked(f"{matrix}.pdf")
        assert len(read) == len(gold["responses"])
        assert {names.get(r.evaluation_id) for r in read} == {f"{evaluation}.pdf"}
        verdicts = [r.response.verdict for r in read]
        assert verdicts == [g["verdict"] for g in gold["responses"]]
        linked = sum(bool(r.links) for r in read)
        answered = sum(bool(g["answers"]) for g in gold["responses"])
        assert linked >= 0.85 * answered
