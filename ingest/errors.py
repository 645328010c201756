"""Domain exceptions. Each names the file (or id) and the reason; `api/` maps them to HTTP codes."""

from __future__ import annotations


class EvalkbError(Exception):
    """Base class: every error evalkb raises on purpose."""


class IngestError(EvalkbError):
    """A file could not be ingested. `path` names it, `reason` says why in plain words."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class PasswordRequired(IngestError):
    """The PDF is encrypted and no (or a wrong) password was given."""


class UnsupportedFile(IngestError):
    """The file's type is not one evalkb reads (or its content does not match its name)."""


class FileTooLarge(IngestError):
    """The file exceeds the configured size or page limit."""


class NotFound(EvalkbError):
    """No document, item, table or job with that id."""


class InvalidQuery(EvalkbError):
    """A query or filter value that cannot be used (e.g. an empty query, year_from > year_to)."""


class IndexMismatch(EvalkbError):
    """The stored index was built with another embedding model; run `evalkb reindex`."""
