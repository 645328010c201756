"""Item extraction on small hand-built documents: labels, lists, tables, templates, audit."""

from __future__ import annotations

from dataclasses import replace

from ingest.assemble import build_document
from ingest.extract import extract_items, item_id
from ingest.extract.addressee import addressee_from_text
from ingest.records import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, Document, Table


def _doc(blocks: list[Block], tables: tuple[Table, ...] = ()) -> Document:
    return build_document(
        data=b"x", file_name="t.pdf", media_type="pdf", blocks=blocks, tables=tables, page_count=5
    )


def H(text: str, level: int = 1, page: int = 1) -> Block:
    return Block(HEADING, text, (page,), (), level=level)


def P(text: str, page: int = 1) -> Block:
    return Block(PARAGRAPH, text, (page,), ())


def L(text: str, level: int = 0, page: int = 1) -> Block:
    return Block(LIST_ITEM, text, (page,), (), level=level, marker="-")


def test_labelled_lessons_and_practices_deduplicated_across_summary_and_body() -> None:
    doc = _doc(
        [
            H("Résumé exécutif"),
            P("Leçon apprise (LA)"),
            P("LA.1. Les activités économiques sont une solution d'autonomisation envisageable."),
            H("5.8. Leçons apprises et bonnes pratiques", page=3),
            P(
                "LA.1. Les activités économiques sont une solution d'autonomisation envisageable. "
                "Malgré les défis, elles ont généré des revenus.",
                page=3,
            ),
            P("BP.1. La collaboration multi-acteurs a contribué au succès du projet.", page=3),
        ]
    )
    items = extract_items(doc)
    assert [(i.kind, i.label) for i in items] == [("lesson", "LA.1"), ("good_practice", "BP.1")]
    lesson = items[0]
    assert lesson.text.endswith("revenus.") and len(lesson.occurrences) == 2
    assert lesson.id == item_id(doc.id, "lesson", lesson.text)


def test_actor_prefix_condition_and_sub_points() -> None:
    doc = _doc(
        [
            H("3.5. Recommandations"),
            P("A budget constant"),
            L("OIM : Améliorer le processus de redevabilité envers les bénéficiaires :"),
            L("Organiser un atelier de capitalisation sur les expériences réussies.", level=1),
            L("EJOM : Mettre en place un suivi régulier des fermes horticoles."),
        ]
    )
    items = extract_items(doc)
    assert [i.addressee for i in items] == ["OIM", "OIM", "EJOM"]
    assert items[1].parent_id == items[0].id and items[0].condition == "A budget constant"
    assert items[0].text.startswith("Améliorer")


def test_recommendation_table_fields_and_continuation_row() -> None:
    table = Table(
        0,
        (
            ("Recommandations", "Adressée à", "Priorité", "Ressource", "Timing"),
            (
                "Renforcer l'expertise de l'ONG partenaire dans la sous-région",
                "OIT",
                "Elevé",
                "Faible",
                "Moyen terme",
            ),
            ("afin qu'elle se positionne comme lead.", "", "", "", ""),
        ),
        (4,),
    )
    doc = _doc([H("Recommandations"), Block(TABLE, "", (4,), (), table_index=0)], (table,))
    (item,) = extract_items(doc)
    assert item.text.endswith("comme lead.")
    assert (item.addressee, item.priority, item.resources, item.timing) == (
        "OIT",
        "Elevé",
        "Faible",
        "Moyen terme",
    )


def test_table_items_cite_their_rows_pages() -> None:
    header = ("Recommandations", "Adressée à", "Priorité", "Ressource", "Timing")
    table = Table(
        0,
        (
            header,
            ("Renforcer les capacités des agents de terrain", "OIT", "Elevé", "Faible", "Court"),
            ("Étendre le projet aux régions du Nord", "Gouvernement", "Moyen", "Elevé", "Long"),
            ("dès que la sécurité le permet.", "", "", "", ""),
        ),
        (4, 5, 6),
        row_pages=((4,), (4,), (5,), (5, 6)),
    )
    doc = _doc([H("Recommandations"), Block(TABLE, "", (4, 5, 6), (), table_index=0)], (table,))
    first, second = extract_items(doc)
    assert first.pages == (4,)
    assert second.pages == (5, 6)  # its continuation row runs onto page 6
    # Without row pages (DOCX, text) the items get the whole table's pages.
    doc = _doc(
        [H("Recommandations"), Block(TABLE, "", (4, 5, 6), (), table_index=0)],
        (replace(table, row_pages=()),),
    )
    assert [i.pages for i in extract_items(doc)] == [(4, 5, 6), (4, 5, 6)]


def test_ilo_template_fields() -> None:
    table = Table(
        0,
        (
            ("LESSON LEARNED ELEMENT", "L'approche communautaire garantit le succès."),
            ("Context and any related preconditions", "Contexte d'insécurité."),
            ("Targeted users /Beneficiaries", "Organisations de mise en œuvre."),
        ),
        (9,),
    )
    doc = _doc(
        [H("Annexe 4. Leçons apprises"), Block(TABLE, "", (9,), (), table_index=0)], (table,)
    )
    (item,) = extract_items(doc)
    assert item.kind == "lesson" and dict(item.fields)["context"] == "Contexte d'insécurité."
    assert "targeted_users" in dict(item.fields)


def test_audit_labels_and_addressee_in_text() -> None:
    doc = _doc(
        [
            H("2.3. Des cadres de régulation imparfaits"),
            P("Recommandation n° 2 :"),
            P(
                "La Cour recommande au Ministre de l'Eau et de l'Assainissement la mise en place "
                "d'un mécanisme de régulation."
            ),
            P("La configuration du secteur met en interaction plusieurs acteurs."),
        ]
    )
    (item,) = extract_items(doc)
    assert item.label == "Recommandation n°2"
    assert item.addressee == "Ministre de l'Eau et de l'Assainissement"
    assert "configuration" not in item.text


def test_terms_of_reference_and_questions_are_not_items() -> None:
    doc = _doc(
        [
            H("Annexe 1. Termes de référence"),
            H("Objectifs"),
            L("Formuler des recommandations et identifier les leçons apprises."),
            H("Recommandations"),
            L("Veuillez indiquer les recommandations retenues."),
            L("Quelles sont les bonnes pratiques émergentes ?"),
        ]
    )
    assert extract_items(doc) == []


def test_addressee_patterns() -> None:
    assert (
        addressee_from_text(
            "La Cour demande au : - Ministre des Finances de veiller à x ; "
            "- Directeur général de l'OFOR de mettre"
        )
        == "Ministre des Finances; Directeur général de l'OFOR"
    )
    assert addressee_from_text("UNDP should strengthen the unit.") == "UNDP"


def test_audit_boxes_rendered_as_headings() -> None:
    """PDF layout of the Cour des comptes: label and lead line styled as headings."""
    doc = _doc(
        [
            H("2.2. Modalités de gestion de l'eau à Touba", level=2, page=10),
            P("Il y a lieu de revoir la place de Touba.", page=10),
            H("Recommandation n°1 :", level=2, page=10),
            H("La Cour demande au Ministre de l'Eau de veiller à :", level=2, page=10),
            L("la rationalisation des périmètres d'intervention ;", page=10),
            L("une cohérence dans la répartition des rôles entre les directions et", page=10),
            P("de l'assainissement en levant les chevauchements ;", page=11),
            L("prendre les dispositions pour une inclusion de Touba.", page=11),
            H("2.3. Des cadres de régulation imparfaits", level=2, page=11),
            P("Ces organes ne sont pas fonctionnels.", page=11),
            L("un point de constat sous une section qui n'est pas une recommandation", page=11),
            H("Recommandation n°12", level=2, page=12),
            P("La Cour recommande à la DAGE de renforcer le contrôle interne.", page=12),
            P("5-2- Irrégularités dans les opérations de dépenses Le maire a payé.", page=12),
            H("Recommandation n° 9:", level=2, page=13),
            P("La Cour demande au maire d'opter soit pour :", page=13),
            Block(TABLE, "", (13,), (), table_index=0),
            H("3.1 Absence d'un modèle économique", level=2, page=14),
            L("parvenir à l'équilibre financier du secteur ;", page=14),
        ],
        (Table(0, (("-", "une régie ;"), ("-", "une concession.")), (13,)),),
    )
    items = extract_items(doc)
    assert [i.label for i in items] == [
        "Recommandation n°1",
        "Recommandation n°12",
        "Recommandation n°9",
    ]
    first, second, third = items
    assert first.text.startswith("La Cour demande au Ministre de l'Eau de veiller à : - la")
    assert "de l'assainissement en levant" in first.text and first.text.endswith("Touba.")
    assert first.pages == (10, 11) and first.addressee == "Ministre de l'Eau"
    assert second.addressee == "DAGE" and "Irrégularités" not in second.text
    assert third.text.endswith("- une régie ; - une concession.")


def test_footnote_is_not_a_continuation() -> None:
    doc = _doc(
        [
            H("Bonnes pratiques"),
            L("En Côte d'Ivoire, l'OIM a développé ses propres outils de suivi."),
            P("ⁱ UN Department of Economic and Social Affairs"),
        ]
    )
    (item,) = extract_items(doc)
    assert "Department" not in item.text


def test_template_tables_merged_across_a_page_break_give_two_items() -> None:
    rows = (
        ("LESSON LEARNED ELEMENT", "L'approche communautaire garantit le succès."),
        ("Context and any related preconditions", "La crise institutionnelle."),
        ("GOOD PRACTICE ELEMENT", "La mise en place des commissions de médiation."),
        ("Potential for replication and by whom", "Les collectivités."),
    )
    doc = _doc(
        [H("Annexe 4. Leçons apprises"), Block(TABLE, "", (62,), (), table_index=0)],
        (Table(0, rows, (62, 63), header_rows=0),),
    )
    kinds = {i.kind: dict(i.fields) for i in extract_items(doc)}
    assert kinds["lesson"] == {"context": "La crise institutionnelle."}
    assert kinds["good_practice"] == {"replication": "Les collectivités."}
