"""Text / Markdown / HTML reader on small inline strings."""

from __future__ import annotations

from ingest.readers import ReadOptions
from ingest.records import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Document
from ingest.text_reader import clean_inline, decode_text, read_text


def _read(text: str, kind: str = "text", *, encoding: str = "utf-8") -> Document:
    return read_text(text.encode(encoding), f"t.{kind}", kind, ReadOptions())


def _outline(doc: Document) -> list[tuple[int, str]]:
    return [(s.level, s.title) for s in doc.sections]


def test_numbered_headings_give_levels() -> None:
    doc = _read(
        "V. PRINCIPAUX RESULTATS\n\n5.8. LECONS APPRISES ET BONNES PRATIQUES\n"
        "Texte du paragraphe, assez long pour ne pas être un titre.\n"
        "SECTION 5 - RECOMMANDATIONS\nAnnexe 4. Bibliographie\n"
    )
    assert _outline(doc) == [
        (1, "V. PRINCIPAUX RESULTATS"),
        (2, "5.8. LECONS APPRISES ET BONNES PRATIQUES"),
        (1, "SECTION 5 - RECOMMANDATIONS"),
        (1, "Annexe 4. Bibliographie"),
    ]
    para = next(b for b in doc.blocks if b.kind == PARAGRAPH)
    assert para.section_path == (
        "V. PRINCIPAUX RESULTATS",
        "5.8. LECONS APPRISES ET BONNES PRATIQUES",
    )


def test_markdown_hash_headings() -> None:
    doc = _read("# Rapport\n\n## Contexte\n\ntexte\n", "markdown")
    assert _outline(doc) == [(1, "Rapport"), (2, "Contexte")]


def test_table_of_contents_lines_are_not_headings() -> None:
    doc = _read(
        "Table des matières\nSECTION 1: INTRODUCTION.....\t8\n"
        "1.1. Introduction et Contexte ........ 8\n"
    )
    assert doc.sections == ()


def test_numbered_label_ending_with_colon_is_not_a_heading() -> None:
    doc = _read("1. Phase de démarrage :\n3.4 Portée de l'évaluation :\n")
    assert doc.sections == ()


def test_tab_separated_lines_make_a_table_with_header() -> None:
    doc = _read(
        "Tableau 2 : Bénéficiaires enquêtés par localité\n"
        "Localités\tFéminin\tMasculin\n\nMénaka\t28\t12\nKidal\t3\t4\nFin.\n"
    )
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.rows == (
        ("Localités", "Féminin", "Masculin"),
        ("Ménaka", "28", "12"),
        ("Kidal", "3", "4"),
    )
    assert table.header_rows == 1
    assert table.caption.startswith("Tableau 2")
    assert [b.kind for b in doc.blocks] == [PARAGRAPH, TABLE, PARAGRAPH]


def test_tab_table_continuation_row_merges_into_the_row_above() -> None:
    doc = _read(
        "5.7.\tCONCLUSION GENERALE\t35\n5.8.\tLECONS APPRISES\t37\n"
        "\tLESSONS APPRISES (L.A)\t\nVI.\tANNEXES\t37\n"
    )
    assert doc.tables[0].rows == (
        ("5.7.", "CONCLUSION GENERALE", "35"),
        ("5.8.", "LECONS APPRISES LESSONS APPRISES (L.A)", "37"),
        ("VI.", "ANNEXES", "37"),
    )
    assert doc.tables[0].header_rows == 0


def test_first_cell_only_row_splits_the_table_as_a_paragraph() -> None:
    doc = _read(
        "Indicateur\tCible\tRéalisé\nR1 : Une prise en charge\t\t\n"
        "IR 1.1\t30\t58\nIR 1.2\t5000\t6000\n"
    )
    assert [len(t.rows) for t in doc.tables] == [1, 2]
    assert [b.kind for b in doc.blocks] == [TABLE, PARAGRAPH, TABLE]


def test_columns_empty_in_every_row_are_dropped() -> None:
    doc = _read("a\t\tb\t\nc\t\td\t\n")
    assert doc.tables[0].rows == (("a", "b"), ("c", "d"))


def test_html_fragments_in_cells_are_stripped() -> None:
    doc = _read("<p>Renforcer la CNDH.</p> <p>Suite.</p>\t<p><i>OIT</i></p>\tElevé\n")
    assert doc.tables[0].rows == (("Renforcer la CNDH. Suite.", "OIT", "Elevé"),)


def test_markdown_pipe_table_with_separator() -> None:
    doc = _read("| Action | Coût |\n|---|---|\n| Former | 10 |\n| Suivre | 5 |\n", "markdown")
    table = doc.tables[0]
    assert table.rows == (("Action", "Coût"), ("Former", "10"), ("Suivre", "5"))
    assert table.header_rows == 1


def test_bold_prefix_is_kept_and_markup_removed() -> None:
    doc = _read("**OIM :** renforcer le suivi des migrants de retour.\n")
    block = doc.blocks[0]
    assert block.bold_prefix == "OIM :"
    assert block.text == "OIM : renforcer le suivi des migrants de retour."


def test_list_markers_levels_and_bold_prefix() -> None:
    doc = _read(
        "- premier\n• deuxième\no troisième\n1) quatrième\na) cinquième\n"
        "    - imbriqué\n- **UE :** financer la suite\n"
    )
    items = [b for b in doc.blocks if b.kind == LIST_ITEM]
    assert [b.marker for b in items] == ["-", "•", "o", "1)", "a)", "-", "-"]
    assert items[5].level == 1 and items[0].level == 0
    assert items[6].bold_prefix == "UE :" and items[6].text == "UE : financer la suite"


def test_inline_markup_escapes_links_and_superscripts() -> None:
    assert clean_inline(r"Budget : US\$ 13563") == "Budget : US$ 13563"
    assert clean_inline("le 1^{er} octobre, *Dialogue social*") == "le 1er octobre, Dialogue social"
    assert clean_inline("[Cette évaluation](#) <i>interne</i>") == "Cette évaluation interne"
    assert clean_inline("**RAPORT EVALUATION FINALE") == "RAPORT EVALUATION FINALE"


def test_cp1252_bytes_decode_when_not_utf8() -> None:
    assert decode_text("Évaluation à mi-parcours".encode("cp1252")) == "Évaluation à mi-parcours"
    doc = _read("Leçons apprises du projet\n", encoding="cp1252")
    assert doc.blocks[0].text == "Leçons apprises du projet"


def test_form_feeds_count_pages() -> None:
    doc = _read("Page un\n\fPage deux\n\fPage trois\n")
    assert doc.page_count == 3
    assert [b.pages for b in doc.blocks] == [(1,), (2,), (3,)]


def test_text_without_form_feeds_is_one_page() -> None:
    doc = _read("Un\nDeux\n")
    assert doc.page_count == 1 and all(b.pages == (1,) for b in doc.blocks)


def test_html_document_headings_lists_tables_and_bold() -> None:
    page = (
        "<html><head><title>x</title><style>p{}</style></head><body>"
        "<h1>Rapport</h1><h2>Recommandations</h2>"
        "<p><strong>OIM :</strong> renforcer le suivi.</p>"
        "<ul><li>Premier point</li></ul>"
        "<table><tr><th>Action</th><th>Coût</th></tr><tr><td>Former</td><td>10</td></tr>"
        "</table></body></html>"
    )
    doc = _read(page, "html")
    assert _outline(doc) == [(1, "Rapport"), (2, "Recommandations")]
    kinds = [b.kind for b in doc.blocks]
    assert kinds == [HEADING, HEADING, PARAGRAPH, LIST_ITEM, TABLE]
    assert doc.blocks[2].bold_prefix == "OIM :"
    assert doc.tables[0].rows == (("Action", "Coût"), ("Former", "10"))
    assert doc.media_type == "html"


def test_markdown_wrapped_lines_form_one_paragraph() -> None:
    doc = _read("Une leçon tirée\nsur deux lignes.\n\nAutre paragraphe.\n", "markdown")
    assert [b.text for b in doc.blocks] == ["Une leçon tirée sur deux lignes.", "Autre paragraphe."]


def test_plain_text_keeps_one_paragraph_per_line() -> None:
    doc = _read("Ligne un.\nLigne deux.\n")
    assert [b.text for b in doc.blocks] == ["Ligne un.", "Ligne deux."]


def test_nested_bullet_after_parent_marker() -> None:
    doc = _read("- o **Organiser un atelier** impliquant les bénéficiaires.\n")
    block = doc.blocks[0]
    assert (block.marker, block.level, block.bold_prefix) == ("o", 1, "Organiser un atelier")
    assert block.text == "Organiser un atelier impliquant les bénéficiaires."
