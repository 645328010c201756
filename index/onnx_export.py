"""Export a local sentence-transformers model to ONNX once, offline, into the data directory.

What a folder must hold to be exported (`onnx_encoder.read_spec`): `modules.json` naming a
Transformer, a Pooling (mean or CLS) and optionally a Normalize module, `tokenizer.json` (the
fast tokenizer) and the weights. The export (`ensure_export`) runs torch once: the transformer
with eager attention, mean pooling and L2 normalisation inside the graph, exactly as
sentence-transformers computes them. It writes, under `<models>/<name>-<fingerprint>/`:

- `model.onnx`: float32, graph-optimised by ONNX Runtime for the CPU (loads faster);
- `model.int8.onnx`: int8 dynamic quantisation (per-channel weights) of every MatMul except
  the feed-forward down-projections, whose inputs (GELU outputs) have outliers that 8-bit
  activations clip: keeping those six fp32 lifts the minimum cosine to torch from 0.986 to
  0.993 on corpus passages, for 10% of the speed-up (bench/encoder.py);
- `export.json`: the source fingerprint, versions, and the parity check: the minimum cosine
  between each file's embeddings and the sentence-transformers ones on French and English
  samples. An fp32 file below `MIN_PARITY` fails the export; an int8 one is kept but unused.

The folder appears atomically (built in a temp folder, then renamed) under a file lock, so
concurrent processes export once. Nothing is downloaded: the source is a local folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from .onnx_encoder import ModelSpec, OnnxSession

EXPORT_VERSION = 1
MIN_PARITY = 0.99
FP32, INT8 = "model.onnx", "model.int8.onnx"
SAMPLES = (
    "Les recommandations de l'évaluation finale portent sur la formation des juges.",
    "Leçons apprises : la coordination entre les acteurs a renforcé la durabilité du projet.",
    "Le budget total du plan d'action s'élève à 12,5 milliards de francs CFA.",
    "Lessons learned: joint monitoring by the ministry and IOM improved sustainability.",
    "Recommendation 3: strengthen the capacity of labour inspectors in the Kayes region.",
    "Date of the first transfer of PBF funds to the recipient organisations",
    "budget",
    "Table: Indicator | Baseline | Target | 2021 | 45 % | 60 %",
)


class ExportError(RuntimeError):
    """The model could not be exported, or its ONNX form does not match the reference."""


def fingerprint(path: str | os.PathLike[str]) -> str:
    """A cheap identity of the source: its small files' bytes, the weights' sizes and times."""
    digest = hashlib.sha256(f"export {EXPORT_VERSION}".encode())
    root = Path(path)
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = file.relative_to(root).as_posix()
        stat = file.stat()
        digest.update(rel.encode())
        if stat.st_size < 2**20:
            digest.update(file.read_bytes())
        else:
            digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def export_dir(models: Path, name: str, path: str | os.PathLike[str]) -> Path:
    """Where the export of the model at `path` lives (it may not exist yet)."""
    return Path(models) / f"{name}-{fingerprint(path)}"


def read_export(folder: Path) -> dict | None:
    """The export's `export.json`, or None when the folder is not a finished export."""
    try:
        info = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if info.get("export_version") == EXPORT_VERSION else None


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_export(spec: ModelSpec, folder: Path) -> dict:
    """Export the model into `folder` unless it is there already; returns its export.json."""
    info = read_export(folder)
    if info is not None:
        return info
    with _locked(folder.parent / f".{folder.name}.lock"):
        info = read_export(folder)  # another process may have finished meanwhile
        if info is not None:
            return info
        tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=folder.parent))
        try:
            info = _export(spec, tmp)
            if folder.exists():
                shutil.rmtree(folder)
            os.replace(tmp, folder)
            return info
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _export(spec: ModelSpec, out: Path) -> dict:
    """Torch export, optional quantisation, ORT graph optimisation and the parity check."""
    import onnxruntime

    from .onnx_graph import optimise, quantize_int8, torch_export

    raw = out / "raw.onnx"
    inputs, reference, torch_version = torch_export(spec, raw, SAMPLES)
    optimise(raw, out / FP32)
    fp32 = _parity(spec, out / FP32, inputs, reference)
    if fp32 < MIN_PARITY:
        raise ExportError(
            f"the ONNX export of {spec.path} differs from the reference model "
            f"(cosine {fp32:.4f} < {MIN_PARITY})"
        )
    quantize_int8(raw, out / "raw.int8.onnx")
    optimise(out / "raw.int8.onnx", out / INT8)
    int8 = _parity(spec, out / INT8, inputs, reference)
    for temp in out.glob("raw*"):
        temp.unlink()
    info = {
        "export_version": EXPORT_VERSION,
        "spec": asdict(spec),
        "inputs": inputs,
        "fp32_parity": round(fp32, 5),
        "int8_parity": round(int8, 5),
        "torch": torch_version,
        "onnxruntime": onnxruntime.__version__,
    }
    (out / "export.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info


def _parity(spec: ModelSpec, model: Path, inputs: list[str], reference: object) -> float:
    """Minimum cosine between the ONNX file's and the reference embeddings of SAMPLES."""
    import numpy as np

    vectors = OnnxSession(spec, model, inputs, threads=1).encode(list(SAMPLES))
    return float(np.min(np.sum(vectors * np.asarray(reference), axis=1)))
