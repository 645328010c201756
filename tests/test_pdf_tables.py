"""Tests of ingest.pdf.tables and ingest.pdf.table_merge: ruled and borderless detection,
false positives, page merges."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from ingest.pdf.table_merge import MergedTable, merge_continued
from ingest.pdf.tables import PageTable, extract_page_tables, is_layout_frame

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ILO = ROOT / "corpus" / "ilo-mali-slavery-final-evaluation-2023.pdf"
HEADER = ["Recommandations", "Adressée à", "Priorité", "Ressource", "Timing"]


def _merged(path: Path, pages: tuple[int, ...]) -> list[MergedTable]:
    with pdfplumber.open(path) as pdf:
        found = [(n, t) for n in pages for t in extract_page_tables(pdf.pages[n - 1])]
        heights = {n: float(pdf.pages[n - 1].height) for n in pages}
    return merge_continued(found, heights)


def _row_with(table: MergedTable, text: str) -> list[str]:
    rows = [r for r in table.rows if any(text in c for c in r)]
    assert len(rows) == 1, f"{text!r} in {len(rows)} rows"
    return rows[0]


@pytest.fixture(scope="module")
def ilo_recommendations() -> list[MergedTable]:
    if not ILO.exists():
        pytest.skip("corpus PDF absent")
    return _merged(ILO, (8, 9, 30, 31, 32))


def test_summary_recommendation_table_spans_two_pages(ilo_recommendations):
    table = ilo_recommendations[0]
    assert table.pages == (8, 9)
    assert table.rows[0] == HEADER and table.header_rows == 1
    assert len(table.rows) == 1 + 8  # header + the 8 recommendations of the seed text
    assert _row_with(table, "Renforcer l'expertise de l'ONG TEMETD")[1:] == [
        "OIT",
        "Elevé",
        "Elevé",
        "Moyen terme",
    ]
    # The headerless fragment under the paragraph on page 9 belongs to the same table.
    assert _row_with(table, "En plus de la coordination")[1:] == [
        "OIT",
        "Elevé",
        "Faible",
        "Moyen terme",
    ]


def test_annex_recommendation_table_rows_split_by_page_breaks_are_merged(ilo_recommendations):
    table = ilo_recommendations[1]
    assert table.pages == (30, 31, 32)
    assert table.rows[0][1:] == HEADER and table.header_rows == 1
    assert len(table.rows) == 1 + 8
    # Page 30 -> 31 cuts "... acteurs | humanitaires, faire du plaidoyer ..."
    row = _row_with(table, "Pour des projets similaires")
    assert "acteurs humanitaires, faire du plaidoyer" in row[1]
    assert row[2:] == ["OIT", "Elevé", "Faible", "Moyen terme"]
    # Page 31 -> 32 cuts "... pour les victimes de | l'esclavage bénéficiaires du projet."
    row = _row_with(table, "En plus de la coordination")
    assert row[1].endswith("victimes de l'esclavage bénéficiaires du projet.")
    assert row[2:] == ["OIT", "Elevé", "Faible", "Moyen terme"]
    assert not any(r[1].startswith(("humanitaires", "l'esclavage")) for r in table.rows)


def test_merged_rows_keep_their_own_pages(ilo_recommendations):
    summary, annex = ilo_recommendations[0], ilo_recommendations[1]
    for table in (summary, annex):
        assert len(table.row_pages) == len(table.rows)
    assert summary.row_pages[table_row(summary, "Renforcer l'expertise")] == (9,)
    assert annex.row_pages[table_row(annex, "Pour des projets similaires")] == (30, 31)
    assert annex.row_pages[table_row(annex, "En plus de la coordination")] == (31, 32)
    assert annex.row_pages[table_row(annex, "Renforcer l'expertise")] == (32,)


def table_row(table: MergedTable, text: str) -> int:
    return next(i for i, r in enumerate(table.rows) if any(text in c for c in r))


def test_bulleted_list_is_not_a_table():
    if not ILO.exists():
        pytest.skip("corpus PDF absent")
    with pdfplumber.open(ILO) as pdf:
        assert extract_page_tables(pdf.pages[3]) == []  # page 4: "• Revue documentaire." list


def test_framed_prose_and_recommendation_boxes_are_not_tables():
    path = SHARED / "reports" / "sn_CC_2021_Eau_Assainissement.pdf"
    if not path.exists():
        pytest.skip("../shared absent")
    with pdfplumber.open(path) as pdf:
        # Page 12: shaded prose; page 14: a framed "Recommandation n° 3 :" box.
        assert extract_page_tables(pdf.pages[11]) == []
        assert extract_page_tables(pdf.pages[13]) == []
        # Page 18 holds a real table under its caption.
        tables = extract_page_tables(pdf.pages[17])
    assert any(t.caption.startswith("Tableau n°2") for t in tables)


def test_borderless_table_from_text_alignment():
    path = SHARED / "tables" / "icdar2013-eu" / "eu-027.pdf"
    if not path.exists():
        pytest.skip("../shared absent")
    with pdfplumber.open(path) as pdf:
        tables = extract_page_tables(pdf.pages[2])
    assert len(tables) == 1
    table = tables[0]
    assert table.rows[0] == ["Variable", "Mean", "Std. Dev.", "Min", "Max"]
    assert table.header_rows == 1
    assert ["Age", "50.8", "15.9", "21", "90"] in table.rows
    assert len(table.rows) >= 25


def _pt(top: float, bottom: float, rows: list[list[str]], header: int = 1) -> PageTable:
    return PageTable(bbox=(50.0, top, 540.0, bottom), rows=rows, header_rows=header)


def test_merge_drops_repeated_header_and_joins_split_row():
    a = _pt(500, 800, [["Item", "Cost"], ["Fuel for the", "10"]])
    b = _pt(40, 200, [["Item", "Cost"], ["generators", ""], ["Water", "5"]])
    (m,) = merge_continued([(3, a), (4, b)], {3: 842.0, 4: 842.0})
    assert m.pages == (3, 4) and m.header_rows == 1
    assert m.rows == [["Item", "Cost"], ["Fuel for the generators", "10"], ["Water", "5"]]
    assert m.row_pages == [(3,), (3, 4), (4,)]  # the split row is on both pages


def test_no_merge_when_not_at_page_edges_or_columns_differ():
    a = _pt(100, 300, [["A", "B"], ["1", "2"]])
    b = _pt(40, 200, [["A", "B"], ["3", "4"]])
    assert len(merge_continued([(1, a), (2, b)])) == 2  # A ends mid-page
    c = _pt(500, 800, [["A", "B"], ["1", "2"]])
    d = _pt(40, 200, [["X", "Y", "Z"], ["3", "4", "5"]])
    assert len(merge_continued([(1, c), (2, d)])) == 2  # other columns
    e = _pt(500, 800, [["A", "B"], ["1", "2"]])
    f = _pt(300, 500, [["A", "B"], ["3", "4"]])
    assert len(merge_continued([(1, e), (3, f)])) == 2  # not the next page


def test_words_cut_by_narrow_cells_are_joined_again():
    pan = ROOT / "corpus" / "mali-pan-tp-2023-2027-action-plan.pdf"
    if not pan.exists():
        pytest.skip("corpus PDF absent")
    with pdfplumber.open(pan) as pdf:
        tables = extract_page_tables(pdf.pages[13])
    budget = next(t for t in tables if any("LOGIQUE" in c for c in t.rows[0]))
    # "STRUCTU" / "RE" and "D'INTERVENT" / "ION" follow each other with no space in the stream
    assert budget.rows[0][:3] == ["LOGIQUE D'INTERVENTION", "", "STRUCTURE RESPONSABLE"]
    # thousands groups stay apart; "XO" / "F" is one word
    assert budget.rows[2][4] == "196 600 000 XOF"


def test_a_grid_of_prose_panels_is_page_layout_not_a_table():
    # a brief's first page: purpose and summary panels, a metadata box, a footer
    summary = " ".join(["the project supported returnees with grants and training"] * 15)
    box = " ".join(["Evaluation type: final internal evaluation; evaluator: a consultant"] * 4)
    assert is_layout_frame([[summary, box], [box, ""], [summary, summary], ["Page 1", ""]])


def test_a_recommendation_table_with_long_cells_stays_a_table():
    long = " ".join(["strengthen the coordination of the referral mechanism"] * 7)
    rows = [
        ["Recommendation", "Responsible", "Priority", "Timing"],
        [long, "IOM country office", "High", "Short term"],
        [long, "Ministry", "Medium", "2025"],
    ]
    assert not is_layout_frame(rows)


def test_brief_summary_panels_read_as_text():
    # an IOM evaluation brief whose first page is laid out in ruled panels of prose
    path = SHARED / "reports-iom" / "iom-rr0163-evaluation-brief-2023.pdf"
    if not path.exists():
        pytest.skip("../shared absent")
    with pdfplumber.open(path) as pdf:
        assert extract_page_tables(pdf.pages[0]) == []


def test_a_template_table_continued_on_a_new_page_stays_a_table():
    # a lesson-learned template's rows after a page break: one long text cell carried over,
    # then label | text rows (the labels are short)
    text = " ".join(["the lesson applies to projects working with local committees"] * 12)
    rows = [["", text], ["Context", " ".join(["word"] * 28)], ["Target users", "a " * 44]]
    assert not is_layout_frame(rows)
