"""Document routes: list, detail, original file, tables, upload (background job) and delete."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from starlette.datastructures import UploadFile
from starlette.types import Message, Receive

from ingest.records import Table

from .. import views
from ..uploads import stage_upload
from . import models
from .deps import Read, Uploads, Write, settings_of
from .errors import ApiError

router = APIRouter(tags=["documents"])
DocId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=300,
        description="document id, id prefix (≥ 4 hex digits) or file name",
    ),
]
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small fields around the file

# Never serve stored HTML as HTML from our origin: it would run in the page's context.
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text": "text/plain; charset=utf-8",
    "markdown": "text/plain; charset=utf-8",
    "html": "text/plain; charset=utf-8",
}


def tables_csv(tables: list[Table], filename: str) -> Response:
    """Tables as a CSV download, a blank line between tables."""
    return Response(
        views.csv_bytes(views.table_rows(tables)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/documents", response_model=list[models.Document])
def list_documents(read: Read) -> list[dict[str, Any]]:
    """Every stored document, by file name."""
    return [views.document_dict(s) for s in read.documents()]


@router.get(
    "/documents/{doc}", response_model=models.DocumentDetail, responses=models.problems(404)
)
def get_document(read: Read, doc: DocId) -> dict[str, Any]:
    """Metadata, outline and warnings of one document."""
    summary = read.summary(doc)
    return views.document_detail(summary, read.document(summary.id))


@router.get(
    "/documents/{doc}/file",
    response_class=FileResponse,
    responses={200: {"content": {"application/pdf": {}}}, **models.problems(404)},
)
def get_file(read: Read, doc: DocId) -> FileResponse:
    """The original file. Citations link here with `#page=N` to open a PDF at that page."""
    summary = read.summary(doc)
    path = read.original_file(summary.id)
    return FileResponse(
        path,
        media_type=MEDIA_TYPES.get(summary.media_type, "application/octet-stream"),
        filename=summary.file_name,
        content_disposition_type="inline",
        headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"},
    )


@router.get(
    "/documents/{doc}/tables",
    response_model=list[models.Table],
    responses={200: {"content": {"text/csv": {}}}, **models.problems(404)},
)
def get_tables(read: Read, doc: DocId, format: Literal["json", "csv"] = "json") -> Any:
    """A document's tables, as JSON or CSV (`?format=csv`)."""
    summary = read.summary(doc)
    tables = read.tables(summary.id)
    if format == "csv":
        return tables_csv(tables, f"{summary.id[:12]}-tables.csv")
    return [views.table_dict(summary.id, t) for t in tables]


@router.get(
    "/tables/{table_id}",
    response_model=models.Table,
    responses={200: {"content": {"text/csv": {}}}, **models.problems(404)},
    tags=["documents"],
)
def get_table(
    read: Read,
    table_id: Annotated[str, Path(max_length=100)],
    format: Literal["json", "csv"] = "json",
) -> Any:
    """One table by id (e.g. `3f1c9a0e5b7d2c4e-t0`), as JSON or CSV."""
    document_id, table = read.table(table_id)
    if format == "csv":
        return tables_csv([table], f"{table_id}.csv")
    return views.table_dict(document_id, table)


class _TooLarge(Exception):
    pass


def _limited(receive: Receive, limit: int) -> Receive:
    """Wrap the ASGI receive so reading more than `limit` body bytes stops the upload."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise _TooLarge
        return message

    return wrapped


UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "PDF, DOCX, TXT, MD or HTML",
                        },
                        "password": {
                            "type": "string",
                            "description": "password of an encrypted PDF",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "/documents",
    status_code=202,
    response_model=models.Job,
    responses=models.problems(400, 401, 403, 413, 415, 422),
    openapi_extra=UPLOAD_BODY,
)
async def upload_document(
    request: Request, response: Response, _: Write, uploads: Uploads
) -> dict[str, Any]:
    """Upload a file (multipart field `file`); it is ingested in the background.

    Returns the job at once (202); poll `GET /jobs/{id}` until `done` or `failed`.
    Needs an API key (or loopback when none is configured).
    """
    settings = settings_of(request)
    limit = int(settings.upload_max_mb * 2**20)
    too_large = f"upload is over the limit of {settings.upload_max_mb:g} MB (EVALKB_UPLOAD_MAX_MB)"
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        raise ApiError(413, too_large)  # refuse before reading a byte
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(415, "send the file as multipart/form-data in a field named 'file'")
    limited = Request(request.scope, _limited(request.receive, limit + FORM_OVERHEAD))
    try:
        form = await limited.form(max_files=1, max_fields=5)
    except _TooLarge:
        raise ApiError(413, too_large) from None
    except Exception as exc:  # malformed multipart bodies come in many shapes
        raise ApiError(400, f"could not read the multipart body: {exc}") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ApiError(422, "a multipart field named 'file' holding the document is required")
        password = form.get("password")
        path, size = await run_in_threadpool(
            stage_upload, upload.file, upload.filename or "", uploads.uploads, limit
        )
    finally:
        await form.close()
    job = uploads.submit(path, size, password if isinstance(password, str) and password else None)
    response.headers["Location"] = f"/jobs/{job.id}"
    return views.job_dict(job)


@router.delete(
    "/documents/{doc}", response_model=models.Deleted, responses=models.problems(401, 403, 404)
)
def delete_document(kb: Write, doc: DocId) -> dict[str, str]:
    """Delete a document, its items, tables and original file. Needs an API key."""
    summary = kb.delete(doc)
    return {"deleted": summary.id, "file_name": summary.file_name}
