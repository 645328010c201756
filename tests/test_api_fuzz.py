"""Property-based test of the whole HTTP API from its OpenAPI schema (schemathesis): whatever
a client sends within or outside the schema, the server never answers 5xx."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402


def make_app() -> Any:
    """An app on a small temp store (built at collection: schemathesis needs the schema)."""
    from test_api import populate

    from api.http.app import create_app
    from api.service import KnowledgeBase
    from api.settings import Settings
    from index.embeddings import HashingEmbedder

    home = Path(tempfile.mkdtemp(prefix="evalkb-fuzz-"))
    kb = KnowledgeBase(Settings(home=home / "data", ocr=False), embedder=HashingEmbedder())
    # built at import, so no pytest fixture can remove it: closed and removed at exit
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    atexit.register(kb.close)
    populate(kb, home)
    return create_app(kb)


schema = schemathesis.openapi.from_asgi("/openapi.json", make_app())


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case: Any) -> None:
    # addressed as a browser on this machine would; keyless writes are loopback-only
    response = case.call(headers={"Host": "127.0.0.1:8000"})
    case.validate_response(response, checks=[not_a_server_error])
