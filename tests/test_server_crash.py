"""The crash path of uploads: `kill -9` of a server with uploads queued, then a restart. The
jobs show as interrupted (never "not found"), their files are kept for a retry, leftovers of
no job are cleaned, and a retry completes."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_main_command import CORPUS, ROOT, evalkb, free_port

pytestmark = pytest.mark.integration


def start(env: dict[str, str], port: int) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [*evalkb(), "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health", timeout=5).status_code == 200:
                return server, url
        except httpx.HTTPError:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            time.sleep(0.3)
    raise AssertionError("the server did not start")


def wait_done(url: str, job_id: str, timeout: float = 600) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = httpx.get(f"{url}/jobs/{job_id}", timeout=30).json()
        if job["status"] in ("done", "failed", "interrupted"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not finish")


def test_kill_9_with_queued_uploads_then_restart(tmp_path: Path) -> None:
    pdfs = sorted(CORPUS.glob("*.pdf"))[:3]
    if len(pdfs) < 3:
        pytest.skip("corpus/ is empty")
    home = tmp_path / "data"
    env = {**os.environ, "EVALKB_HOME": str(home), "EVALKB_JOBS": "1", "EVALKB_OCR": "false"}
    port = free_port()
    server, url = start(env, port)
    try:
        jobs = []
        for pdf in pdfs:
            response = httpx.post(
                url + "/documents", files={"file": (pdf.name, pdf.read_bytes())}, timeout=60
            )
            assert response.status_code == 202, response.text
            jobs.append(response.json())
        stray = home / "uploads" / "left-by-a-crash-while-staging"
        stray.mkdir(parents=True)
        (stray / "half.pdf").write_bytes(b"%PDF-1.4 half")
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # the server and its parser workers
        server.wait(timeout=30)

    server, url = start(env, free_port())
    try:
        after = [httpx.get(f"{url}/jobs/{j['id']}", timeout=30).json() for j in jobs]
        statuses = [j["status"] for j in after]
        assert "interrupted" in statuses and set(statuses) <= {"done", "interrupted"}, after
        assert not stray.exists()  # no job needs it: cleaned at start
        waiting = next(j for j in after if j["status"] == "interrupted")
        assert "retry" in waiting["error"]
        retried = httpx.post(f"{url}/jobs/{waiting['id']}/retry", timeout=30)
        assert retried.status_code == 202, retried.text
        done = wait_done(url, waiting["id"])
        assert done["status"] == "done" and done["document_id"], done
        assert httpx.get(url + done["document_url"], timeout=30).status_code == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
