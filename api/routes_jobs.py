"""Job routes: the status of background uploads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from . import models
from .jobs import JobQueue

router = APIRouter(tags=["documents"])


@router.get("/jobs/{job_id}", response_model=models.Job, responses=models.problems(404))
def get_job(request: Request, job_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
    """One upload job: queued, running, done or failed (with the reason)."""
    jobs: JobQueue = request.app.state.jobs
    return jobs.get(job_id).as_dict()


@router.get("/jobs", response_model=list[models.Job])
def list_jobs(request: Request) -> list[dict[str, Any]]:
    """Upload jobs since the server started, newest first."""
    jobs: JobQueue = request.app.state.jobs
    return [job.as_dict() for job in jobs.all()]
