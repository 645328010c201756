"""The PDF reader on the corpus and the shared robustness files: outline with pages, running
headers gone, lists and bold prefixes, hyphenation, tables out of the running text,
encryption, scanned pages, broken files. Layout helpers are tested on synthetic words."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from conftest import CORPUS, shared

from ingest.errors import FileTooLarge, IngestError, PasswordRequired
from ingest.pdf import ocr
from ingest.pdf.layout import join_hyphenated, list_marker, page_lines, strip_running_lines
from ingest.readers import Limits, ReadOptions, read_path
from ingest.records import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Document, Section

ILO = "ilo-mali-slavery-final-evaluation-2023.pdf"
EUTF = "eutf-tpml-mali-final-report-2021.pdf"
ILO_HEADER = "Cette \"évaluation interne\" conformément aux types d'évaluation de l'OIT/EVAL, a"


@cache
def read(name: str) -> Document:
    return read_path(CORPUS / name, ReadOptions(ocr=False))


def section(doc: Document, prefix: str) -> Section:
    return next(s for s in doc.sections if s.title.startswith(prefix))


def test_ilo_lessons_section_found_on_its_page() -> None:
    doc = read(ILO)
    s = section(doc, "5.8. LECONS APPRISES ET BONNES PRATIQUES")
    # The heading sits at the bottom of printed page 29 ("Page 29" footer); the lessons and
    # the recommendation table run to page 32 where "VI. ANNEXES" starts.
    assert (s.page_start, s.page_end) == (29, 32)
    assert s.level == 2 and s.number == "5.8"
    assert s.path == ("V. PRINCIPAUX RESULTATS", s.title)
    lessons = [b for b in doc.blocks if b.text.startswith("LA.1.") and b.pages == (29,)]
    assert len(lessons) == 1 and lessons[0].section_path[-1] == s.title


def test_ilo_heading_levels() -> None:
    doc = read(ILO)
    levels = {s.title: s.level for s in doc.sections}
    assert levels["III. CRITERES ET QUESTIONS D'EVALUATION"] == 1
    assert levels["3.1 Pertinence, cohérence, et alignement stratégique du projet"] == 2
    assert levels["2.2.1 L'approche programmatique"] == 3
    assert levels["RESUME EXECUTIF"] == 1  # unnumbered: level of its font style
    # No heading from the table of contents (page 2) or from inside tables.
    assert not [s for s in doc.sections if s.page_start == 2 and s.title[:2] in ("5.", "II")]
    assert not any(
        b.kind == HEADING and b.text.startswith("Recommandations Adress") for b in doc.blocks
    )


def test_ilo_running_header_and_page_numbers_removed() -> None:
    doc = read(ILO)
    texts = [b.text for b in doc.blocks if b.kind != TABLE]
    assert not [t for t in texts if re.fullmatch(r"Page \d+", t)]
    assert not [t for t in texts if t == ILO_HEADER]
    # The header sentence is real body text only on the cover page (twice there).
    assert [b.pages for b in doc.blocks if b.text.startswith(ILO_HEADER)] == [(1,), (1,)]
    assert not re.search(r"\bPage \d+\b", doc.text())


def test_tables_kept_out_of_running_text() -> None:
    doc = read(ILO)
    table_blocks = [b for b in doc.blocks if b.kind == TABLE]
    assert table_blocks and len(table_blocks) == len(doc.tables)
    assert [b.table_index for b in table_blocks] == list(range(len(doc.tables)))
    by_caption = {t.caption.split(":")[0].strip(): t for t in doc.tables if t.caption}
    assert "Tableau 2" in by_caption and by_caption["Tableau 2"].pages == (19,)
    assert by_caption["Tableau 2"].rows[0][:2] == ("Localités", "Féminin")
    paragraphs = " ".join(b.text for b in doc.blocks if b.kind in (PARAGRAPH, LIST_ITEM))
    assert "Localités Féminin Masculin" not in paragraphs
    # The caption joined its table (page 2's list of tables is text: its entries stay there).
    assert not any(
        b.kind == PARAGRAPH and b.text.startswith("Tableau 2 :") and b.pages[0] > 2
        for b in doc.blocks
    )


def test_eutf_bold_actor_prefixes_and_nested_lists() -> None:
    doc = read(EUTF)
    items = [b for b in doc.blocks if b.kind == LIST_ITEM]
    oim = [b for b in items if b.bold_prefix.startswith("OIM :")]
    assert len(oim) >= 8 and all(b.marker == "•" and b.text.startswith("OIM :") for b in oim)
    aecid = [b for b in items if b.bold_prefix.startswith("AECID :")]
    assert aecid and aecid[0].pages == (27,)
    assert any(b.level == 1 for b in items) and any(b.level == 0 for b in items)
    heading = section(doc, "3.2.1. Organisation des retours volontaires")
    assert heading.title.endswith("depuis le Mali") and heading.level == 3


def test_hyphenation_repair() -> None:
    assert join_hyphenated("le pro-", "gramme national", set()) == "le programme national"
    assert join_hyphenated("frontière Mali-", "Niger", set()) == "frontière Mali-Niger"
    assert (
        join_hyphenated("pesanteurs socio-", "culturelles", set()) == "pesanteurs socio-culturelles"
    )
    assert join_hyphenated("la mise en œu-", "vre", {"mise-en"}) == "la mise en œuvre"
    assert join_hyphenated("la sous-", "région", set()) == "la sous-région"
    assert join_hyphenated("ab", "cd", set()) == "ab cd"
    doc = read(ILO)
    assert "socio-culturelles" in doc.text() and "co-organisation" in doc.text()


def _w(text: str, x0: float, top: float, size: float = 10.0, font: str = "Serif") -> dict:
    return {
        "text": text,
        "x0": x0,
        "x1": x0 + 6 * len(text),
        "top": top,
        "bottom": top + size,
        "size": size,
        "fontname": font,
    }


def test_two_columns_read_left_then_right() -> None:
    words = [_w("TITRE COMMUN DE LA PAGE ENTIERE", 150, 40, 14)]
    for i in range(12):
        top = 80 + 14 * i
        words += [
            _w(f"gauche{i:02d}", 60, top),
            _w("texte", 110, top),
            _w("suite", 150, top),
            _w("encore", 190, top),
        ]
        words += [
            _w(f"droite{i:02d}", 320, top),
            _w("texte", 370, top),
            _w("suite", 410, top),
            _w("encore", 450, top),
        ]
    lines = page_lines(words, 1, 595.0)
    order = [ln.text.split()[0] for ln in lines]
    assert order[0] == "TITRE"
    assert order[1:13] == [f"gauche{i:02d}" for i in range(12)]
    assert order[13:] == [f"droite{i:02d}" for i in range(12)]


def test_running_lines_and_list_markers_on_synthetic_pages() -> None:
    pages = []
    for n in range(1, 5):
        words = [
            _w("Rapport", 60, 20),
            _w("annuel", 110, 20),
            _w(str(n), 300, 800),
            _w("Corps", 60, 300),
        ]
        pages.append((page_lines(words, n, 595.0), 842.0))
    assert strip_running_lines(pages) == 8
    assert all([ln.text for ln in lines] == ["Corps"] for lines, _ in pages)
    assert list_marker([_w("\uf0b7", 60, 0), _w("OIM", 80, 0)]) == ("•", 1)
    assert list_marker([_w("a)", 60, 0), _w("texte", 80, 0)]) == ("a)", 1)
    assert list_marker([_w("Texte", 60, 0), _w("suite", 90, 0)]) == ("", 0)


def test_cour_des_comptes_report_reads() -> None:
    doc = read_path(shared("reports", "sn_CC_2022_GOREE.pdf"), ReadOptions(ocr=False))
    assert doc.page_count == 64 and not doc.warnings  # the dotted TOC is not "garbled"
    assert doc.language == "fr" and len(doc.sections) > 5
    assert not re.search(r"(?m)^\d{1,2}$", doc.text())  # page numbers gone


def test_encrypted_pdfs_need_their_password() -> None:
    aes = shared("robustness", "pdfminer_aes-128.pdf")
    with pytest.raises(PasswordRequired, match="password required: the PDF is encrypted"):
        read_path(aes)
    with pytest.raises(PasswordRequired, match="pass --password"):
        read_path(aes, ReadOptions(password="wrong"))
    assert "Secret!" in read_path(aes, ReadOptions(password="foo")).text()
    doc = read_path(
        shared("robustness", "pdfplumber_password-example.pdf"), ReadOptions(password="test")
    )
    assert doc.page_count == 4 and "backup" in doc.text().lower()


def test_scanned_page_warned_without_ocr() -> None:
    doc = read_path(shared("robustness", "docling_ocr_test_scanned.pdf"), ReadOptions(ocr=False))
    assert doc.page_count == 1 and doc.text() == ""
    assert any("page 1 has no text layer (scanned?)" in w for w in doc.warnings)


def test_scanned_page_warns_when_tesseract_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "available", lambda: False)
    doc = read_path(shared("robustness", "camelot_image.pdf"))
    assert any("OCR not available: install tesseract-ocr" in w for w in doc.warnings)


@pytest.mark.skipif(not ocr.available(), reason="tesseract-ocr (fra+eng) not installed")
def test_scanned_page_read_by_ocr() -> None:
    doc = read_path(shared("robustness", "docling_ocr_test_scanned.pdf"))
    assert "Docling" in doc.text() and "tesseract" in dict(doc.versions)
    assert any("text read by OCR" in w for w in doc.warnings)


def test_broken_files_give_reasons() -> None:
    with pytest.raises(IngestError, match="the PDF has no pages"):
        read_path(shared("robustness", "qpdf_empty.pdf"))
    with pytest.raises(IngestError, match="recursion"):
        read_path(shared("robustness", "qpdf_append-xref-loop.pdf"))
    with pytest.raises(IngestError, match="no page could be read"):
        read_path(shared("robustness", "pdfjs_poppler-395-0-fuzzed.pdf"))
    assert read_path(shared("robustness", "qpdf_pages-loop.pdf")).text() == "Potato"
    with pytest.raises(FileTooLarge, match="67 pages"):
        read_path(CORPUS / ILO, ReadOptions(limits=Limits(max_pages=10)))


def test_versions_recorded() -> None:
    versions = dict(read(ILO).versions)
    assert versions["pdfplumber"] and versions["pdfminer.six"] and "tesseract" not in versions


def test_corpus_path_exists() -> None:
    assert Path(CORPUS / ILO).exists()


@cache
def read_report(name: str) -> Document:
    return read_path(shared("reports", name), ReadOptions(ocr=False))


def _headings(doc: Document) -> dict[str, tuple[int, int]]:
    return {b.text: (b.pages[0], b.level) for b in doc.blocks if b.kind == HEADING}


def test_audit_report_hyphen_numbered_headings() -> None:
    goree = _headings(read_report("sn_CC_2022_GOREE.pdf"))
    assert goree["I- Gouvernance et organisation administratives"] == (8, 1)
    assert goree[
        "B- Non-respect de la fréquence et de la nature des réunions du Conseil municipal"
    ] == (9, 3)
    assert goree["2-4-Recours abusif aux contrats à durée déterminée des agents temporaires."] == (
        24,
        2,
    )
    assert goree["5-2- Irrégularités dans les opérations de dépenses"] == (56, 2)
    title = "5-2-1- Achat de billets pour le pèlerinage sans identification des bénéficiaires"
    assert goree[title] == (56, 3)
    # Lettered headings sit one level below the numbered heading before them.
    assert goree["A- Absence de renouvellement du document de planification"] == (12, 4)
    dage = _headings(read_report("sn_CC_2022_DAGE_Ministere_Sante.pdf"))
    assert dage["1.3. – La gestion du personnel"] == (17, 2)
    assert dage["3.2.2.3- Défaut de reversement des prélèvements sociaux et fiscaux"] == (36, 4)


def test_audit_labels_and_lead_ins_are_paragraphs() -> None:
    doc = read_report("sn_CC_2022_GOREE.pdf")
    kinds = {b.text: b.kind for b in doc.blocks if b.pages == (24,)}
    assert kinds["Recommandation n°12 :"] == PARAGRAPH
    assert kinds["La Cour demande au maire de veiller :"] == PARAGRAPH
    assert not any(
        b.kind == HEADING and (b.text.startswith("Recommandation") or b.text.endswith(":"))
        for b in doc.blocks
        if b.pages[0] > 7
    )


def test_wingdings_bullets_and_boxed_dash_list() -> None:
    doc = read_report("sn_CC_2022_GOREE.pdf")
    items = [b for b in doc.blocks if b.kind == LIST_ITEM and b.pages == (47,)]
    assert [b.marker for b in items] == ["✓"] * 4
    assert items[0].text.startswith("nommer un comptable des matières")
    assert not [
        b
        for b in doc.blocks
        if b.pages == (20,)
        and b.kind == TABLE
        and "régie" in str(doc.tables[b.table_index or 0].rows)
    ]
    dashes = [b.text for b in doc.blocks if b.kind == LIST_ITEM and b.pages == (20,)]
    assert dashes[:3] == [
        "une régie avec un budget annexé et des ressources tirées de l’exploitation à verser à "
        "la perception ;",
        "une concession avec une redevance à payer au profit du budget communal ;",
        "un établissement public local.",
    ]
    assert list_marker([_w("ü", 60, 0, font="ABC+Wingdings-Regular"), _w("au", 80, 0)]) == ("✓", 1)
    assert list_marker([_w("ü", 60, 0), _w("au", 80, 0)]) == ("", 0)


def test_table_of_contents_is_text_not_a_table() -> None:
    doc = read(ILO)
    assert not [t for t in doc.tables if t.pages == (2,) and "13" in t.rows[0]]
    entries = [b for b in doc.blocks if b.pages == (2,) and b.text.startswith("II. OBJECTIFS")]
    assert len(entries) == 1 and entries[0].kind == PARAGRAPH
    assert any(t.rows[0][0] == "ASI" for t in doc.tables if t.pages == (2,))  # acronyms stay


def test_table_rows_carry_their_pages() -> None:
    doc = read(ILO)
    annex = next(t for t in doc.tables if t.pages == (30, 31, 32))
    assert len(annex.row_pages) == len(annex.rows)
    pages = {r[1][:25]: p for r, p in zip(annex.rows, annex.row_pages, strict=True)}
    assert pages["Pour des projets similair"] == (30, 31)
    assert pages["Renforcer l'expertise de "] == (32,)


def _objects(page: object) -> dict[str, list[dict[str, object]]]:
    found = page.objects  # type: ignore[attr-defined]
    for image in found.get("image", []):  # streams compare by identity, not content
        image.pop("stream", None)
        image.pop("colorspace", None)
    return dict(found)


@pytest.mark.parametrize("name", [ILO, EUTF, "garbled"])
def test_fast_pages_give_pdfplumber_s_objects(name: str) -> None:
    import io

    import pdfplumber

    from ingest.pdf.fast_page import FastPage, faster
    from tests.garbled_pdf import garbled_pdf

    data = garbled_pdf([["Recommandation 1 : renforcer"]]) if name == "garbled" else None
    data = data or (CORPUS / name).read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as plain, pdfplumber.open(io.BytesIO(data)) as fast:
        for ref, page in list(zip(plain.pages, fast.pages, strict=True))[:6]:
            assert type(faster(page)) is FastPage
            expected, got = _objects(ref), _objects(page)
            assert expected["char"] and got == expected
            for a, b in zip(expected["char"], got["char"], strict=True):
                assert list(a) == list(b)  # same keys in the same order
