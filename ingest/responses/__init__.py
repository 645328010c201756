"""Management responses: an organisation's answer to an evaluation's recommendations.

`read_responses(doc)` reads a management-response document (PDF, DOCX, XLSX, text) into
`Response` records, one per recommendation block, with its verdict, response text and key
actions; any other document gives none. The reader works from structure — field labels
(`labels`), column headers (`grid`), numbered blocks (`numbers`) — with the words of
English and French templates in `data/` (general words only):

- `stream`: the document as lines and table rows; `reader`: the block state machine;
- `labels`, `grid`, `numbers`, `actions`, `verdicts`: fields, tables, numbers, actions,
  verdicts; `vocab`: the data files;
- `build`: records with stable ids; `detect`: is it a management response at all.

Linking responses to the evaluation and its recommendation items needs the store, so it
lives in `index/linking.py`.
"""

from __future__ import annotations

import logging

from ..records import Document, Response
from .build import build
from .detect import is_response_document
from .reader import read_drafts
from .stream import pieces

__all__ = ["READER_VERSION", "read_responses"]

READER_VERSION = "1"
log = logging.getLogger(__name__)


def read_responses(doc: Document) -> tuple[Response, ...]:
    """The response blocks of a management-response document; () for any other document.

    Never raises: a document the reader cannot follow is logged and gives no responses,
    so a reader bug never fails an ingest."""
    try:
        drafts = read_drafts(pieces(doc))
        if not is_response_document(doc, drafts):
            return ()
        return build(doc.id, drafts)
    except Exception:  # pragma: no cover - defensive: reading responses is best effort
        log.exception("could not read management responses of %s", doc.file_name)
        return ()
