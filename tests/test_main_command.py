"""End to end, the README main command: `evalkb ingest corpus/` then `evalkb serve`, queried
over HTTP on 127.0.0.1, then stopped."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
pytestmark = pytest.mark.integration


def evalkb() -> list[str]:
    """The console script next to this interpreter, or the module when not installed."""
    script = Path(sys.executable).with_name("evalkb")
    return [str(script)] if script.exists() else [sys.executable, "-m", "api.main"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:  # show the problem+json detail, not a traceback
        pytest.fail(f"GET {url} → {exc.code}: {exc.read().decode(errors='replace')[:500]}")


def test_ingest_then_serve_answers_over_http(tmp_path: Path) -> None:
    if not list(CORPUS.glob("*.pdf")):
        pytest.skip("corpus/ is empty")
    env = {**os.environ, "EVALKB_HOME": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    ingest = subprocess.run(
        [*evalkb(), "ingest", "--quiet", "corpus/"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    assert "5 ingested" in ingest.stdout

    port = free_port()
    server = subprocess.Popen(
        [*evalkb(), "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout or ()), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                health = get_json(base + "/health")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, "".join(lines)
                assert time.monotonic() < deadline, "server did not answer /health"
                time.sleep(0.3)
        assert health == {"status": "ok", "documents": 5}
        assert any(re.search(rf"http://127\.0\.0\.1:{port}/", line) for line in lines), lines

        query = urllib.parse.urlencode({"q": "recommandations coordination", "limit": 10})
        search = get_json(f"{base}/search?{query}")
        assert search["hits"], search
        for hit in search["hits"]:
            assert hit["document_id"] and hit["document"].endswith(".pdf")
            assert hit["pages"] and "section" in hit

        recs = get_json(base + "/items?kind=recommendation&limit=200")
        assert recs["count"] > 0
        item = get_json(f"{base}/items/{recs['items'][0]['id']}")
        assert item["citations"][0]["url"].startswith(f"/documents/{item['document_id']}/file")
        with urllib.request.urlopen(base + item["citations"][0]["url"].split("#")[0]) as pdf:
            assert pdf.read(5) == b"%PDF-"
        with urllib.request.urlopen(base + "/") as page:
            assert b'id="q"' in page.read()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode in (0, -signal.SIGINT), "".join(lines)
