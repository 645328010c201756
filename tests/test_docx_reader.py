"""DOCX reader on tiny documents built with python-docx in a temp dir."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ingest.docx_reader import read_docx
from ingest.errors import IngestError
from ingest.readers import ReadOptions, read_path
from ingest.records import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Document


def _read(document: docx.document.Document, tmp_path: Path, name: str = "t.docx") -> Document:
    path = tmp_path / name
    document.save(str(path))
    return read_path(path)


def test_heading_styles_give_levels_and_section_paths(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("1. Introduction", level=1)
    d.add_paragraph("Texte.")
    d.add_heading("1.1. Contexte", level=2)
    d.add_paragraph("Plus de texte.")
    doc = _read(d, tmp_path)
    assert [(s.level, s.title) for s in doc.sections] == [
        (1, "1. Introduction"),
        (2, "1.1. Contexte"),
    ]
    assert doc.blocks[-1].section_path == ("1. Introduction", "1.1. Contexte")
    assert doc.media_type == "docx" and doc.page_count == 1


def test_title_style_is_a_top_heading_and_the_document_title(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("Rapport d'évaluation finale", level=0)
    d.add_heading("Résumé", level=1)
    doc = _read(d, tmp_path)
    assert doc.title == "Rapport d'évaluation finale"
    assert doc.sections[0].level == 1


def test_paragraphs_and_tables_keep_document_order(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Avant")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Région", "Total"
    t.cell(1, 0).text, t.cell(1, 1).text = "Kayes", "12"
    d.add_paragraph("Après")
    doc = _read(d, tmp_path)
    assert [b.kind for b in doc.blocks] == [PARAGRAPH, TABLE, PARAGRAPH]
    assert doc.blocks[1].table_index == 0
    assert doc.tables[0].rows == (("Région", "Total"), ("Kayes", "12"))


def test_table_caption_and_header_row(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Tableau 2 : Bénéficiaires enquêtés par localité")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Localités", "Total"
    t.cell(1, 0).text, t.cell(1, 1).text = "Ménaka", "40"
    doc = _read(d, tmp_path)
    table = doc.tables[0]
    assert table.caption == "Tableau 2 : Bénéficiaires enquêtés par localité"
    assert table.header_rows == 1 and table.header == ("Localités", "Total")


def test_numeric_first_row_is_not_a_header(tmp_path: Path) -> None:
    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "I.", "13"
    t.cell(1, 0).text, t.cell(1, 1).text = "II.", "14"
    assert _read(d, tmp_path).tables[0].header_rows == 0


def test_merged_cells_are_not_repeated(tmp_path: Path) -> None:
    d = docx.Document()
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "Résultat 1"
    t.cell(0, 2).text = "Cible"
    t.cell(1, 0).merge(t.cell(2, 0)).text = "Axe"
    t.cell(1, 1).text, t.cell(1, 2).text = "a", "b"
    t.cell(2, 1).text, t.cell(2, 2).text = "c", "d"
    rows = _read(d, tmp_path).tables[0].rows
    # horizontal span: one cell (row padded); vertical continuation: ''
    assert rows == (("Résultat 1", "Cible", ""), ("Axe", "a", "b"), ("", "c", "d"))


def test_list_styles_give_list_items_with_level_and_marker(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Premier point", style="List Bullet")
    d.add_paragraph("Sous-point", style="List Bullet 2")
    d.add_paragraph("Étape", style="List Number")
    items = [b for b in _read(d, tmp_path).blocks if b.kind == LIST_ITEM]
    assert [(b.text, b.level) for b in items] == [
        ("Premier point", 0),
        ("Sous-point", 1),
        ("Étape", 0),
    ]
    assert items[0].marker == "•"
    assert items[2].marker and items[2].marker[0].isdigit()


def test_numbering_properties_make_a_list_item(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph("Point numéroté")
    ref = d.add_paragraph("x", style="List Number")._p.get_or_add_pPr().find(qn("w:numPr"))
    num_pr = copy.deepcopy(ref) if ref is not None else None
    if num_pr is None:  # the default template puts numPr on the style, not the paragraph
        num_pr = OxmlElement("w:numPr")
        for tag, val in (("w:ilvl", "1"), ("w:numId", "1")):
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            num_pr.append(el)
    p._p.get_or_add_pPr().append(num_pr)
    block = _read(d, tmp_path).blocks[0]
    assert block.kind == LIST_ITEM and block.text == "Point numéroté"


def test_leading_bold_run_is_the_bold_prefix(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("OIM :").bold = True
    p.add_run(" renforcer le suivi des retours.")
    whole = d.add_paragraph()
    whole.add_run("Tout en gras").bold = True
    blocks = _read(d, tmp_path).blocks
    assert blocks[0].bold_prefix == "OIM :"
    assert blocks[0].text == "OIM : renforcer le suivi des retours."
    assert blocks[1].bold_prefix == ""


def test_numbered_lines_are_headings_when_no_heading_style_is_used(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("5.8. Leçons apprises")
    d.add_paragraph("Une leçon tirée du projet, avec du texte courant.")
    bold = d.add_paragraph()
    bold.add_run("RECOMMANDATIONS").bold = True
    d.add_paragraph("SANS GRAS MAIS EN CAPITALES")
    doc = _read(d, tmp_path)
    assert [(s.level, s.title) for s in doc.sections] == [
        (1, "5.8. Leçons apprises"),
        (1, "RECOMMANDATIONS"),
    ]
    assert doc.blocks[0].kind == HEADING


def test_hard_page_breaks_count_pages(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Page un")
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.add_paragraph("Page deux")
    doc = _read(d, tmp_path)
    assert doc.page_count == 2
    assert doc.blocks[-1].pages == (2,)


def test_rendered_page_breaks_win_over_hard_breaks(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("Page un")
    for text in ("Page deux", "Encore page deux", "Page trois"):
        p = d.add_paragraph()
        if text != "Encore page deux":
            p.add_run()._r.append(OxmlElement("w:lastRenderedPageBreak"))
        p.add_run(text)
    doc = _read(d, tmp_path)
    assert [b.pages for b in doc.blocks] == [(1,), (2,), (2,), (3,)]
    assert doc.page_count == 3


def test_literal_bullet_glyph_makes_a_list_item(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("▪ Limites et contraintes de l'évaluation.")
    block = _read(d, tmp_path).blocks[0]
    assert (block.kind, block.marker, block.text) == (
        LIST_ITEM,
        "▪",
        "Limites et contraintes de l'évaluation.",
    )


def test_corrupt_docx_raises_ingest_error_naming_the_file() -> None:
    data = b"PK\x03\x04" + b"\x00" * 200
    with pytest.raises(IngestError) as err:
        read_docx(data, "broken.docx", ReadOptions())
    assert err.value.path == "broken.docx"


def test_empty_docx_reads_as_an_empty_document(tmp_path: Path) -> None:
    buf = io.BytesIO()
    docx.Document().save(buf)
    doc = read_docx(buf.getvalue(), "vide.docx", ReadOptions())
    assert doc.blocks == () and doc.page_count == 1 and doc.file_name == "vide.docx"
