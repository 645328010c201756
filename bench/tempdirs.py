"""Scratch folders for the benchmarks, removed when the script exits.

A benchmark that stops half-way (an error, Ctrl-C) must not leave its store behind: each run
builds stores of 5-300 MB, and repeated runs filled /tmp with them.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path


def scratch_dir(prefix: str) -> Path:
    """A new empty folder under the system temp folder, deleted at interpreter exit."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path
