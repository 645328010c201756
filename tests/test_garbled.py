"""Garbled text layers (fonts without a Unicode map) are detected and read by OCR."""

from __future__ import annotations

from pathlib import Path

import pytest
from garbled_pdf import SAMPLE, garbled_pdf

from ingest.pdf import ocr
from ingest.pdf.garble import GarbleCheck, verdict
from ingest.readers import ReadOptions, read_bytes
from ingest.vocab import ascii_fold

needs_ocr = pytest.mark.skipif(not ocr.available(), reason="tesseract-ocr (fra+eng) not installed")
ENGLISH = (
    "The project supported the return and reintegration of migrants in three regions. "
    "Most of the beneficiaries interviewed said that the support they received was useful, "
    "but that it came too late and that the amounts were too small for a business to last."
)


def cipher(text: str) -> str:
    """A subset font's view of `text`: letters renumbered in order of first use."""
    order = "efghijklmnopqrstuvwxyzabcdABCDEFGHIJKLMNOPQRSTUVWXYZ"
    code: dict[str, str] = {}
    for c in text:
        if c.isalpha() and c not in code:
            code[c] = order[len(code) % len(order)]
    return "".join(code.get(c, c) for c in text)


def words(text: str, font: str = "F1") -> list[dict[str, object]]:
    return [{"text": t, "fontname": font} for t in text.split()]


def test_cipher_text_is_garbled_and_real_text_is_not() -> None:
    for text in (" ".join(SAMPLE), ENGLISH):
        assert not verdict(text.split()).ciphered, text[:40]
        assert verdict(cipher(text).split()).ciphered, cipher(text)[:40]
        assert not GarbleCheck().garbled(words(text))
        assert GarbleCheck().garbled(words(cipher(text)))


def test_names_numbers_and_short_pages_are_not_garbled() -> None:
    table = "Name Location Role Alex Cole Lagos Bose Ibirinde Abuja Edo Oyinda Tiamiyu 2021 45 %"
    assert not GarbleCheck().garbled(words(table))
    assert not GarbleCheck().garbled(words("efgghij klmnfo"))  # too short to judge alone


def test_a_short_page_in_a_font_found_garbled_is_garbled() -> None:
    check = GarbleCheck()
    assert check.garbled(words(cipher(" ".join(SAMPLE)), font="XYZ+Body"))
    assert check.garbled(words("efgghij klmnfo", font="XYZ+Body"))
    assert not check.garbled(words("Annexe 3", font="Helvetica"))


def test_cid_tokens_are_garbled() -> None:
    assert GarbleCheck().garbled(words(" ".join(["(cid:12)(cid:13)"] * 10)))


@needs_ocr
def test_garbled_pdf_text_comes_from_ocr() -> None:
    """A PDF of our own making: a Type3 font whose glyph names say other letters than the
    glyphs drawn (no Unicode map). pdfplumber reads a cipher; the text must come from OCR."""
    data = garbled_pdf([["Titre"], SAMPLE, ("plain", [ENGLISH])])
    doc = read_bytes(data, "garbled.pdf", ReadOptions())
    text = ascii_fold(" ".join(b.text for b in doc.blocks))
    for word in ("evaluation finale", "recommandations", "migrations", "lecons apprises"):
        assert word in text, word
    assert "reintegration of migrants" in text  # the page with a good text layer
    assert "klmnfopfjqhr" not in text  # the cipher of "évaluation" is gone
    assert any(w.startswith("page 2 has a garbled text layer") and "OCR" in w for w in doc.warnings)
    assert any(w.startswith("page 1 ") and "OCR" in w for w in doc.warnings)  # its font
    assert not any(w.startswith("page 3 ") for w in doc.warnings)
    assert dict(doc.versions).get("tesseract")


def test_garbled_pdf_without_ocr_keeps_no_cipher(tmp_path: Path) -> None:
    data = garbled_pdf([SAMPLE, ("plain", [ENGLISH])])
    doc = read_bytes(data, "garbled.pdf", ReadOptions(ocr=False))
    assert any("garbled text layer" in w and "OCR is turned off" in w for w in doc.warnings)
    text = " ".join(b.text for b in doc.blocks)
    assert "reintegration" in text and "klmnfopfjqhr" not in text
