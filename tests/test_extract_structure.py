"""Structure rules found on unseen reports: field lines, ToR subsections, chart titles,
summary restatements, mixed "Findings & Recommendations" headings, narrow column gutters."""

from __future__ import annotations

from test_extract import H, L, P, _doc

from ingest.extract import extract_items
from ingest.extract.fieldlines import field_line
from ingest.pdf.layout import find_gutter


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
