"""Choosing the embedder: ONNX Runtime where it can run the model, sentence-transformers else.

`make_embedder` returns an `OnnxEmbedder` for a local sentence-transformers folder (the
bundled all-MiniLM-L6-v2 by default) when `onnxruntime` and `tokenizers` are installed, and
the reference `SentenceTransformerEmbedder` for anything else (hub names, other module
stacks, `EVALKB_ENCODER=torch`). Both record the same model name in the store.

The ONNX files are exported on first use into `<home>/models/` (`index.onnx_export`, which
needs torch once); afterwards encoding imports neither torch nor transformers. In `auto` mode
a failed export falls back to the reference model, with a warning.
`python -m index.encoders [--home DIR]` exports ahead of use and prints the export's record.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ingest.errors import EvalkbError

from .batching import Batcher
from .embeddings import Embedder, SentenceTransformerEmbedder, default_model_path, model_name
from .onnx_encoder import ModelSpec, OnnxSession, read_spec
from .onnx_export import FP32, INT8, MIN_PARITY, ensure_export, export_dir

log = logging.getLogger(__name__)
ENCODERS = ("auto", "onnx", "torch")
BULK_BATCH = 16  # texts per ONNX run in a bulk encoding (bench: 16 beat 32 and 64 on 2 cores)


def models_dir(home: Path, override: str = "") -> Path:
    """Where exported encoders are cached: `override`, else `<home>/models`."""
    return Path(override) if override else Path(home) / "models"


def onnx_installed() -> bool:
    """Whether onnxruntime and tokenizers can be imported (without importing them)."""
    return all(importlib.util.find_spec(m) is not None for m in ("onnxruntime", "tokenizers"))


class OnnxEmbedder:
    """A sentence-transformers model run by ONNX Runtime; exported and loaded on first use.

    `quantize` picks the int8 file when its parity check held at export, else float32.
    `threads` is ONNX Runtime's intra-op thread count per call (0 = one per core).
    `workers` is how many batches a bulk encoding (ingest, reindex) runs at once, each on its
    own thread (0 = one per core): queries stay on one cheap thread, bulk work uses every core.
    """

    def __init__(
        self,
        spec: ModelSpec,
        models: Path,
        *,
        quantize: bool = True,
        threads: int = 1,
        max_tokens: int | None = None,
        fallback: Embedder | None = None,
        micro_batch: bool = True,
        workers: int = 0,
    ) -> None:
        self.spec = spec
        self.workers = workers or os.cpu_count() or 1
        self.models = Path(models)
        self.quantize = quantize
        self.threads = threads
        self.max_tokens = max_tokens
        self.fallback = fallback
        self.runtime = "onnx (not loaded)"
        self.micro_batch = micro_batch
        self._batcher: Batcher | None = None
        self._engine: OnnxSession | Embedder | None = None
        self._info: dict = {}
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The model's name, the same as the reference embedder's."""
        return model_name(self.spec.path)

    @property
    def dim(self) -> int:
        """Embedding dimension (read from the model's configuration; loads nothing)."""
        return self.spec.dim

    def load(self) -> OnnxSession | Embedder:
        """The session (exporting the model first if needed), or the fallback embedder."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self._open()
        return self._engine

    def _open(self) -> OnnxSession | Embedder:
        folder = export_dir(self.models, self.name, self.spec.path)
        try:
            info = ensure_export(self.spec, folder)
        except Exception as exc:  # torch missing, a failed trace, a parity failure…
            if self.fallback is None:
                raise EvalkbError(f"cannot export {self.name} to ONNX: {exc}") from exc
            log.warning(
                "ONNX export of %s failed (%s); using sentence-transformers", self.name, exc
            )
            self.runtime = f"torch (ONNX export failed: {exc})"
            return self.fallback
        int8 = self.quantize and float(info.get("int8_parity") or 0) >= MIN_PARITY
        self._info = {**info, "folder": str(folder), "file": INT8 if int8 else FP32}
        self.runtime = "onnx-int8" if int8 else "onnx-fp32"
        session = OnnxSession(
            self.spec, folder / self._info["file"], info["inputs"], self.threads, self.max_tokens
        )
        if self.micro_batch:
            self._batcher = Batcher(session.encode)
        return session

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, progress: bool = False
    ) -> np.ndarray:
        """Encode texts (sorted by length into batches); rows are L2-normalised float32."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        engine = self.load()
        if len(texts) == 1 and self._batcher is not None:  # a query: share concurrent runs
            return self._batcher.one(texts[0])[None, :]
        if isinstance(engine, OnnxSession):  # small batches: faster on CPU once length-sorted
            size = min(batch_size, BULK_BATCH)
            return engine.encode(texts, size, progress, workers=self.workers)
        return engine.encode(texts, batch_size=batch_size, progress=progress)

    def warm(self) -> threading.Thread:
        """Load (and export if needed) in a background thread, e.g. when a server starts."""
        thread = threading.Thread(target=self.load, name="evalkb-encoder-warm", daemon=True)
        thread.start()
        return thread

    def export_info(self) -> dict:
        """The export's record plus the file in use (loads the encoder)."""
        self.load()
        return {"runtime": self.runtime, **self._info}


def onnx_embedder(
    model: str = "",
    models: Path = Path("data/models"),
    *,
    quantize: bool = True,
    threads: int = 1,
    max_tokens: int | None = None,
    fallback: Embedder | None = None,
    micro_batch: bool = True,
) -> OnnxEmbedder | None:
    """The ONNX form of `model` ('' = bundled), or None when it cannot have one here."""
    path = model or default_model_path()
    spec = read_spec(path) if Path(path).is_dir() else None
    if spec is None or not spec.dim or not onnx_installed():
        return None
    return OnnxEmbedder(
        spec,
        models,
        quantize=quantize,
        threads=threads,
        max_tokens=max_tokens,
        fallback=fallback,
        micro_batch=micro_batch,
    )


def make_embedder(
    model: str = "",
    encoder: str = "auto",
    models: Path = Path("data/models"),
    *,
    quantize: bool = True,
    threads: int = 1,
    max_tokens: int | None = None,
    micro_batch: bool = True,
) -> Embedder:
    """The embedder for `model` ('' = bundled) with the runtime `encoder` asks for:
    `auto` (ONNX when possible, else torch), `onnx` (ONNX or an error) or `torch`."""
    if encoder not in ENCODERS:
        raise EvalkbError(f"unknown encoder {encoder!r}: use one of {', '.join(ENCODERS)}")
    reference = SentenceTransformerEmbedder(model or None, max_tokens=max_tokens)
    if encoder == "torch":
        return reference
    onnx = onnx_embedder(
        model,
        models,
        quantize=quantize,
        threads=threads,
        max_tokens=max_tokens,
        fallback=reference if encoder == "auto" else None,
        micro_batch=micro_batch,
    )
    if onnx is not None:
        return onnx
    if encoder == "onnx":
        raise EvalkbError(
            f"EVALKB_ENCODER=onnx needs onnxruntime and tokenizers, and a local "
            f"sentence-transformers folder with tokenizer.json ({model or 'bundled model'})"
        )
    return reference


def main() -> None:
    """Export the configured model ahead of use and print the export's record."""
    import argparse
    import json
    import os

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--home", default=os.environ.get("EVALKB_HOME", "data"))
    parser.add_argument("--model", default=os.environ.get("EVALKB_MODEL", ""))
    args = parser.parse_args()
    embedder = onnx_embedder(args.model, models_dir(Path(args.home)))
    if embedder is None:
        raise SystemExit(f"{args.model or 'the bundled model'} cannot run on ONNX Runtime here")
    print(json.dumps(embedder.export_info(), indent=1))


if __name__ == "__main__":
    main()
