"""Structure rules found on unseen reports: field lines, ToR subsections, chart titles,
summary restatements, mixed "Findings & Recommendations" headings, narrow column gutters."""

from __future__ import annotations

from test_extract import H, L, P, _doc

from ingest.extract import extract_items
from ingest.extract.fieldlines import field_line
from ingest.pdf.columns import find_gutter
from ingest.pdf.layout import page_lines


def test_field_line_reads_labelled_values_in_english_and_french() -> None:
    assert field_line(
        "Linked to: Conclusion 2 Priority: Very high Resource implication: Not foreseen "
        "Timeline: Short term Responsibility: Evaluation office and managers"
    ) == [
        ("linked", "Conclusion 2"),
        ("priority", "Very high"),
        ("resources", "Not foreseen"),
        ("timing", "Short term"),
        ("addressee", "Evaluation office and managers"),
    ]
    french = "Priorité : Élevée ; Délai : 6 mois ; Responsable : Ministère de la Santé"
    assert field_line(french) == [
        ("priority", "Élevée"),
        ("timing", "6 mois"),
        ("addressee", "Ministère de la Santé"),
    ]
    assert field_line("The priority: a sentence that merely contains a label") == []


def test_fields_printed_under_a_labelled_recommendation_become_its_fields() -> None:
    doc = _doc(
        [
            H("Recommendations"),
            P("Recommendation 1"),
            P("Strengthen the follow-up of returnees through a case management system."),
            P("Priority: High Timeline: Short term Responsibility: Programme managers"),
            P("Recommendation 2"),
            P("Train the partners' staff in psychosocial support before the next phase."),
        ]
    )
    first, second = extract_items(doc)
    assert (first.priority, first.timing, first.addressee) == (
        "High",
        "Short term",
        "Programme managers",
    )
    assert "Priority" not in first.text and not second.priority


def test_a_terms_of_reference_subsection_excludes_only_itself() -> None:
    doc = _doc(
        [
            H("3. Findings"),
            H("3.9. Comprehensiveness of the terms of reference", level=2),
            L("Most terms of reference recommended a mixed-methods approach to evaluators."),
            H("3.10. Use of evaluations", level=2),
            H("Recommendations"),
            L("Make the quality assurance tools more accessible to every country office."),
        ]
    )
    (item,) = extract_items(doc)
    assert item.text.startswith("Make the quality assurance tools")


def test_a_heading_over_chart_labels_opens_no_section() -> None:
    doc = _doc(
        [
            H("Lessons learned Good practices", level=3),
            P("5.0 4.0 3.0 2.0 1.0 0.0 2019 2020 2021 2022"),
            L("Evaluation managers thought internal team communication was fluent and clear."),
        ]
    )
    assert extract_items(doc) == []


def test_a_summary_restatement_joins_the_body_item_by_number_or_words() -> None:
    doc = _doc(
        [
            H("Executive summary"),
            H("Lessons learned", level=2),
            L("Inconsistent institutional and donor requirements made evaluations optional."),
            H("Recommendations", level=2),
            L("3. Continue promoting a fixed share of project budgets for evaluation work."),
            H("Lessons learned", page=4),
            P(
                "The inconsistency in institutional and donor requirements for evaluations has "
                "made them optional formalities rather than tools for learning.",
                page=4,
            ),
            H("Recommendations", page=5),
            P("Recommendation 3", page=5),
            P(
                "To ensure evaluations have the necessary resources, adjust the evaluation "
                "budget of every project to a fixed share of project budgets.",
                page=5,
            ),
        ]
    )
    items = extract_items(doc)
    assert len(items) == 2
    assert all(len(it.occurrences) == 2 and 1 not in it.pages for it in items)


def test_unlabelled_bullets_under_findings_and_recommendations_are_findings() -> None:
    doc = _doc(
        [
            H("Findings & Recommendations"),
            L("The project attained most of its planned outputs and outcomes in every state."),
            P("Recommendation 1."),
            P("Generalize the accommodation assistance and better target the support."),
            L("The referral strategy is successful and provides complementary assistance."),
            P("Recommendation 2."),
            P("Extend the private partnerships to the other states covered by the project."),
        ]
    )
    items = extract_items(doc)
    assert [it.label for it in items] == ["Recommendation 1", "Recommendation 2"]


def _word(x0: float, x1: float, top: float, text: str = "word") -> dict[str, object]:
    return {"x0": x0, "x1": x1, "top": top, "bottom": top + 7.0, "text": text}


def test_a_narrow_gutter_in_small_type_splits_two_columns() -> None:
    # two columns of 7-point text 9 points apart, each line made of words 3 points apart
    rows = []
    for n in range(20):
        top = 100.0 + 10 * n
        left = [_word(32 + 25 * k, 54 + 25 * k, top) for k in range(10)]  # 32 … 279
        right = [_word(288 + 25 * k, 310 + 25 * k, top) for k in range(10)]  # 288 … 535
        rows.append(left + right)
    assert find_gutter(rows, 595.0) is not None


def test_a_column_holding_a_label_value_box_is_still_a_column() -> None:
    # left: prose lines; right: prose lines, then "Label:      value" lines whose wide gap
    # splits them into short runs (a brief's "Project information" box)
    rows = []
    for n in range(24):
        top = 100.0 + 10 * n
        left = [_word(32 + 25 * k, 54 + 25 * k, top) for k in range(10)]  # 32 … 279
        if n < 12:
            right = [_word(292 + 25 * k, 314 + 25 * k, top) for k in range(10)]  # 292 … 539
        else:
            right = [_word(292, 340, top, "Donor:"), _word(393, 450, top), _word(455, 520, top)]
        rows.append(left + right)
    assert find_gutter(rows, 595.0) is not None


def test_a_label_value_form_is_not_two_columns() -> None:
    rows = [
        [
            _word(40, 110, 100.0 + 10 * n, "Label:"),
            *(_word(300 + 30 * k, 325 + 30 * k, 100.0 + 10 * n) for k in range(8)),
        ]
        for n in range(20)
    ]
    assert find_gutter(rows, 595.0) is None


def test_columns_set_apart_differently_above_and_below_are_read_part_by_part() -> None:
    # upper half: gutter near x=285; lower half: the left column runs to x=300 and the right
    # starts at x=317 (a brief's summary above, its project box beside the text below)
    rows = []
    for n in range(15):
        top = 100.0 + 10 * n
        left = [_word(32 + 25 * k, 54 + 25 * k, top, "up") for k in range(10)]  # … 279
        right = [_word(292 + 25 * k, 314 + 25 * k, top, "up") for k in range(10)]  # 292 …
        rows.append(left + right)
    for n in range(15):
        top = 300.0 + 10 * n
        left = [_word(32 + 27 * k, 54 + 27 * k, top, "low") for k in range(10)]  # … 297
        right = [_word(317 + 25 * k, 339 + 25 * k, top, "low") for k in range(9)]  # 317 …
        rows.append(left + right)
    assert find_gutter(rows, 595.0) is None  # no single gutter serves both halves
    words = [w for row in rows for w in row]
    lines = page_lines(words, 1, 595.0)
    columns = [ln.column for ln in lines]
    # upper left, upper right, lower left, lower right: each half read column by column
    assert columns == [1] * 15 + [2] * 15 + [1] * 15 + [2] * 15
    assert {w["text"] for ln in lines[:30] for w in ln.words} == {"up"}
