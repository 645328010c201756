"""Encode texts with an exported ONNX model: the fast tokenizer plus one ONNX Runtime session.

Imports neither torch nor transformers. Tokenisation follows sentence-transformers: texts
stripped (lower-cased when the model says so), truncated to `max_seq_length` tokens special
tokens included, padded per batch. Texts are sorted by token count so a batch pads little.
The graph itself pools and normalises (see `index.onnx_graph`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class ModelSpec:
    """What the ONNX encoder needs to know about a sentence-transformers folder."""

    path: str
    max_seq_length: int
    pooling: str  # "mean" or "cls"
    dim: int
    do_lower_case: bool


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _dict(path: Path) -> dict[str, Any]:
    value = _json(path)
    return value if isinstance(value, dict) else {}


def read_spec(path: str | os.PathLike[str]) -> ModelSpec | None:
    """The model's spec, or None unless the folder is a plain sentence-transformers model:
    Transformer → Pooling (mean or CLS) [→ Normalize], with a fast `tokenizer.json`."""
    root = Path(path)
    modules = _json(root / "modules.json")
    if not isinstance(modules, list) or not (root / "tokenizer.json").exists():
        return None
    kinds = [str(m.get("type", "")).rsplit(".", 1)[-1] for m in modules]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return None
    if modules[0].get("path", "") != "":
        return None
    pooling = _dict(root / str(modules[1].get("path", "")) / "config.json")
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode") and v]
    if modes not in (["pooling_mode_mean_tokens"], ["pooling_mode_cls_token"]):
        return None
    st_config = _dict(root / "sentence_bert_config.json")
    dim = int(pooling.get("word_embedding_dimension") or 0)
    if not dim:
        dim = int(_dict(root / "config.json").get("hidden_size") or 0)
    return ModelSpec(
        path=str(root),
        max_seq_length=int(st_config.get("max_seq_length") or 512),
        pooling="mean" if modes == ["pooling_mode_mean_tokens"] else "cls",
        dim=dim,
        do_lower_case=bool(st_config.get("do_lower_case", False)),
    )


class OnnxSession:
    """One ONNX Runtime session and tokenizer; `encode` is safe to call from many threads."""

    def __init__(
        self,
        spec: ModelSpec,
        model: Path,
        inputs: Sequence[str],
        threads: int = 1,
        max_tokens: int | None = None,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        # the file is already optimised for this CPU (index.onnx_graph.optimise)
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        options.intra_op_num_threads = max(0, threads)
        options.inter_op_num_threads = 1
        # idle threads sleep instead of spinning: the parser processes need the cores
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.inputs = tuple(inputs)
        self.spec = spec
        self.tokenizer = Tokenizer.from_file(str(Path(spec.path) / "tokenizer.json"))
        self.pad_id = int((self.tokenizer.padding or {}).get("pad_id", 0))
        self.tokenizer.no_padding()  # each batch is padded to its longest text in `run`
        self.tokenizer.enable_truncation(max_length=max_tokens or spec.max_seq_length)

    def _tokens(self, texts: Sequence[str]) -> list[tuple[list[int], list[int]]]:
        cleaned = [str(t).strip() for t in texts]
        if self.spec.do_lower_case:
            cleaned = [t.lower() for t in cleaned]
        if len(cleaned) == 1:  # no thread pool for one query
            encodings = [self.tokenizer.encode(cleaned[0])]
        else:
            encodings = self.tokenizer.encode_batch(cleaned)
        return [(e.ids, e.type_ids) for e in encodings]

    def run(self, tokens: Sequence[tuple[list[int], list[int]]]) -> np.ndarray:
        """Embed one batch of tokenised texts (padded to the longest)."""
        width = max(len(ids) for ids, _ in tokens)
        ids = np.full((len(tokens), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(tokens), width), dtype=np.int64)
        types = np.zeros((len(tokens), width), dtype=np.int64)
        for row, (tok_ids, type_ids) in enumerate(tokens):
            ids[row, : len(tok_ids)] = tok_ids
            mask[row, : len(tok_ids)] = 1
            types[row, : len(tok_ids)] = type_ids
        arrays = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        feeds = {name: arrays[name] for name in self.inputs}
        return np.asarray(self.session.run(None, feeds)[0], dtype=np.float32)

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = 64,
        progress: bool = False,
        workers: int = 1,
    ) -> np.ndarray:
        """L2-normalised float32 rows, in the order of `texts`.

        Texts are sorted by token count, so each batch pads little; with `workers` > 1 the
        batches run on that many threads at once (ONNX Runtime releases the GIL), which uses
        every core for a bulk encoding while a one-thread session keeps queries cheap.
        """
        out = np.zeros((len(texts), self.spec.dim), dtype=np.float32)
        if not texts:
            return out
        tokens = self._tokens(texts)
        order = sorted(range(len(tokens)), key=lambda i: -len(tokens[i][0]))
        step = max(1, batch_size)
        batches = [order[start : start + step] for start in range(0, len(order), step)]

        def run_rows(rows: list[int]) -> None:
            out[rows] = self.run([tokens[i] for i in rows])

        if workers > 1 and len(batches) > 1:
            with ThreadPoolExecutor(min(workers, len(batches)), "evalkb-encode") as pool:
                done: Iterable[None] = pool.map(run_rows, batches)
                if progress:
                    done = _bar(done, len(batches))
                for _ in done:
                    pass
            return out
        steps: Iterable[list[int]] = _bar(batches, len(batches)) if progress else batches
        for rows in steps:
            run_rows(rows)
        return out


def _bar(steps: Iterable[Any], total: int) -> Iterable[Any]:
    from tqdm import tqdm

    return tqdm(steps, total=total, desc="embed", unit="batch")
