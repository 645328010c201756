"""Job functions for the worker-pool tests (importable by the worker processes)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from ingest.errors import IngestError
from ingest.readers import ReadOptions


def misbehave(path: Path, options: ReadOptions) -> str:
    """Do what the file's name says: hang, crash, eat memory, recurse, fail or succeed."""
    name = path.stem
    if name == "hang":
        time.sleep(3600)
    if name == "segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    if name == "exit":
        os._exit(3)
    if name == "memory":
        hog = [bytearray(64 * 2**20) for _ in range(1000)]
        return str(len(hog))
    if name == "recurse":

        def down(n: int) -> int:
            return down(n + 1) + 1

        return str(down(0))
    if name == "bad":
        raise IngestError(path.name, "bad input")
    if name == "bug":
        raise KeyError("surprise")
    if name.startswith("pid"):
        return f"pid:{os.getpid()}"
    return f"ok:{name}"
