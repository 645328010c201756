"""The FastAPI application: JSON API, problem+json errors, upload jobs and the web page at `/`."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from ..service import KnowledgeBase
from ..settings import get_settings
from ..uploads import UploadQueue
from . import (
    errors,
    routes_documents,
    routes_followup,
    routes_health,
    routes_items,
    routes_jobs,
    routes_recurring,
    routes_responses,
    routes_search,
)
from .deps import settings_of
from .security import install_cors, install_guards

STATIC = Path(__file__).resolve().parent / "static"

DESCRIPTION = """Search lessons learned, good practices and recommendations from programme
evaluation reports, with page citations. Errors are `application/problem+json`. Uploads and
deletes need an API key (`X-API-Key`) or, when none is configured, a loopback client."""


def create_app(kb: KnowledgeBase | None = None) -> FastAPI:
    """Build the app around a KnowledgeBase (one is opened from the settings when not given)."""
    owned = kb is None
    base = kb if kb is not None else KnowledgeBase(get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # opened per start, closed per stop: an app may be started more than once (tests)
        app.state.read_pool = base.read_pool()  # SQLite or Postgres connections
        app.state.uploads = UploadQueue(base)
        slots = base.settings.search_slots or os.cpu_count() or 1
        app.state.search_slots = anyio.CapacityLimiter(slots)  # see deps.run_heavy
        try:
            yield
        finally:
            app.state.uploads.shutdown()
            app.state.read_pool.close()
            if owned:
                base.close()

    app = FastAPI(title="evalkb", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.kb = base
    errors.install(app)
    install_cors(app, base.settings)
    install_guards(app, settings_of)
    for module in (
        routes_search,
        routes_recurring,
        routes_items,
        routes_responses,
        routes_followup,
        routes_documents,
        routes_jobs,
        routes_health,
    ):
        app.include_router(module.router)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    return app
