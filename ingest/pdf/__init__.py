"""The PDF reader (`read_pdf`) and its parts, in the order a page goes through them.

- `reader`: opens the file, runs the page loop, assembles the document.
- `fast_page`: pdfplumber pages that turn characters into dicts without the generic walk.
- `pages`: the page loop: words and tables per page, OCR queued on other cores, progress,
  the reading deadline, OCR results cached for a re-run.
- `garble`: is a page's text layer garbled (a font without a Unicode map)?
- `ocr`: Tesseract for pages without a usable text layer.
- `layout`: words → lines in reading order, running headers/footers, hyphens, list markers.
- `tables`: ruled and borderless table detection on one page (`borderless` for the latter).
- `table_merge`: tables continued over page breaks joined into one.
- `table_placement`: where tables go among the blocks, and their captions.
- `paragraphs`: lines → paragraphs and list items; `headings` decides which are headings.
"""

from .reader import read_pdf

__all__ = ["read_pdf"]
