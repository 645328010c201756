"""Errors as RFC 9457 problem+json: domain exceptions mapped to HTTP status codes in one place.

Every error the API returns has the same shape (`type`, `title`, `status`, `detail`,
`instance`), so a client (and the web page) can show `detail` as it is.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ingest.errors import (
    EvalkbError,
    FileTooLarge,
    IndexMismatch,
    IngestError,
    InvalidQuery,
    NotFound,
    PasswordRequired,
    UnsupportedFile,
)

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("evalkb.api")

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Invalid parameter",
    500: "Internal error",
    501: "Not implemented",
    503: "Service unavailable",
}

# Most specific first: PasswordRequired and UnsupportedFile are IngestErrors.
STATUS_OF: tuple[tuple[type[Exception], int], ...] = (
    (NotFound, 404),
    (InvalidQuery, 422),
    (UnsupportedFile, 415),
    (FileTooLarge, 413),
    (PasswordRequired, 422),
    (IngestError, 422),
    (IndexMismatch, 409),
    (EvalkbError, 400),
)


class ApiError(Exception):
    """An error raised by a route with its HTTP status and a plain-words detail."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers


def problem(
    status: int,
    detail: str,
    instance: str = "",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": instance,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def status_of(exc: Exception) -> int:
    """The HTTP status for a domain exception."""
    for cls, status in STATUS_OF:
        if isinstance(exc, cls):
            return status
    return 500


def _validation_detail(errors: list[Any]) -> tuple[str, list[dict[str, Any]]]:
    """One readable sentence plus the structured list, e.g. `limit: must be ≤ 100`."""
    items = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body")]
        items.append({"parameter": ".".join(loc), "message": err.get("msg", "invalid")})
    text = "; ".join(f"{e['parameter'] or 'request'}: {e['message']}" for e in items)
    return text or "invalid request", items


def install(app: FastAPI) -> None:
    """Register the exception handlers that turn every error into problem+json."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return problem(exc.status, exc.detail, request.url.path, exc.headers)

    @app.exception_handler(EvalkbError)
    async def _domain(request: Request, exc: EvalkbError) -> JSONResponse:
        # str() of an IngestError names the (sanitised) file and the reason
        return problem(status_of(exc), str(exc), request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail, errors = _validation_detail(list(exc.errors()))
        return problem(422, detail, request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "")
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such endpoint: {request.url.path}"
        return problem(
            exc.status_code, detail, request.url.path, dict(exc.headers) if exc.headers else None
        )

    @app.exception_handler(NotImplementedError)
    async def _not_ready(request: Request, exc: NotImplementedError) -> JSONResponse:
        return problem(
            501, "this feature is not available in this build of evalkb", request.url.path
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Log the traceback for the operator; never send it to the client.
        log.exception("unhandled error on %s", request.url.path)
        return problem(
            500, f"internal error ({type(exc).__name__}); see the server log", request.url.path
        )
