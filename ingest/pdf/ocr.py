"""OCR of PDF pages without a usable text layer, with Tesseract (`fra+eng`).

The page is rendered with pypdfium2 and read with pytesseract's word boxes; the words come
back as pdfplumber-style word dicts in PDF points so the layout code handles them like any
other page. Everything here is optional: `available()` says whether OCR can run.
"""

from __future__ import annotations

import shutil
from functools import lru_cache
from typing import Any

RESOLUTION = 300  # dpi: Tesseract's accuracy drops quickly below ~250 dpi
LANGS = "fra+eng"
MIN_CONFIDENCE = 30.0
OCR_FONT = "ocr"  # fontname given to OCR words; they carry no size/bold information


@lru_cache(maxsize=1)
def available() -> bool:
    """True when the tesseract binary, pytesseract and the French+English data are present."""
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract

        langs = set(pytesseract.get_languages(config=""))
    except Exception:  # noqa: BLE001 - any failure here simply means "no OCR"
        return False
    return {"fra", "eng"} <= langs


@lru_cache(maxsize=1)
def version() -> str:
    """Tesseract's version string, or "" when it is not installed."""
    try:
        import pytesseract

        return str(pytesseract.get_tesseract_version())
    except Exception:  # noqa: BLE001
        return ""


def render(pdf_doc: Any, page_index: int, resolution: int = RESOLUTION) -> Any:
    """Render one page of an open `pypdfium2.PdfDocument` to a PIL image."""
    page = pdf_doc[page_index]
    try:
        return page.render(scale=resolution / 72).to_pil()
    finally:
        page.close()


def ocr_words(image: Any, resolution: int = RESOLUTION) -> list[dict[str, Any]]:
    """Words of a page image as pdfplumber-like dicts (x0, x1, top, bottom in PDF points)."""
    import pytesseract

    data = pytesseract.image_to_data(image, lang=LANGS, output_type=pytesseract.Output.DICT)
    scale = 72.0 / resolution
    words: list[dict[str, Any]] = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        if not text or float(data["conf"][i]) < MIN_CONFIDENCE:
            continue
        left, top = data["left"][i] * scale, data["top"][i] * scale
        words.append(
            {
                "text": text,
                "x0": left,
                "x1": left + data["width"][i] * scale,
                "top": top,
                "bottom": top + data["height"][i] * scale,
                "fontname": OCR_FONT,
                "size": 0.0,
            }
        )
    return words
