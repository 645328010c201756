"""EXTRACTOR_VERSION: a hash of the extract package's code and data files.

Any change to a rule, a threshold or a vocabulary file gives a new version, so documents
built by an older extractor can be found and re-extracted ("extract-<12 hex digits>").
"""

from __future__ import annotations

import hashlib
from importlib import resources
from importlib.resources.abc import Traversable

SUFFIXES = (".py", ".tsv")


def package_hash() -> str:
    """sha256 over the relative path and bytes of every code and data file, in path order."""
    root = resources.files(__package__)
    digest = hashlib.sha256()
    files: list[tuple[str, bytes]] = []

    def walk(node: Traversable, prefix: str) -> None:
        for child in node.iterdir():
            name = f"{prefix}{child.name}"
            if child.is_dir():
                if child.name != "__pycache__":
                    walk(child, name + "/")
            elif child.name.endswith(SUFFIXES):
                files.append((name, child.read_bytes()))

    walk(root, "")
    for name, data in sorted(files):
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()[:12]


EXTRACTOR_VERSION = f"extract-{package_hash()}"
