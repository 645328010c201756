"""Job routes: the status of background uploads, and the retry of interrupted ones."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from .. import views
from . import models
from .deps import Uploads, Write

router = APIRouter(tags=["documents"])
JobId = Annotated[str, Path(max_length=64)]


@router.get("/jobs/{job_id}", response_model=models.Job, responses=models.problems(404))
def get_job(uploads: Uploads, job_id: JobId) -> dict[str, Any]:
    """One upload job: queued, running, done, failed (with the reason) or interrupted."""
    return views.job_dict(uploads.get(job_id))


@router.get("/jobs", response_model=list[models.Job])
def list_jobs(uploads: Uploads) -> list[dict[str, Any]]:
    """Recent upload jobs, newest first (kept across server restarts)."""
    return [views.job_dict(job) for job in uploads.all()]


@router.post(
    "/jobs/{job_id}/retry",
    status_code=202,
    response_model=models.Job,
    responses=models.problems(401, 403, 404, 422),
)
def retry_job(uploads: Uploads, _: Write, job_id: JobId) -> dict[str, Any]:
    """Queue an interrupted upload again (its file was kept). Needs an API key."""
    return views.job_dict(uploads.retry(job_id))
