"""The torch and ONNX tooling behind `index.onnx_export` (imported only while exporting).

`torch_export` traces the transformer (eager attention) followed by the pooling and the L2
normalisation of the sentence-transformers model, so the ONNX graph returns final embeddings.
`quantize_int8` applies ONNX Runtime's dynamic quantisation; `optimise` saves the graph as ONNX
Runtime optimises it for the CPU, so later sessions load it without optimising again.
"""

from __future__ import annotations

import inspect
import logging
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .onnx_encoder import ModelSpec

OUTPUT = "embedding"


def torch_export(spec: ModelSpec, out: Path, samples: Sequence[str]) -> tuple[list[str], Any, str]:
    """Export to `out`; returns the graph's input names, the reference embeddings of
    `samples` (sentence-transformers, normalised) and the torch version."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    reference = SentenceTransformer(spec.path, device="cpu").encode(
        list(samples), normalize_embeddings=True, convert_to_numpy=True
    )
    model = AutoModel.from_pretrained(spec.path, attn_implementation="eager").eval()
    accepted = inspect.signature(model.forward).parameters
    inputs = ["input_ids", "attention_mask"]
    if "token_type_ids" in accepted:
        inputs.append("token_type_ids")

    class Pooled(torch.nn.Module):
        """Transformer → pooling → L2 normalisation, as sentence-transformers computes them."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *args: torch.Tensor) -> torch.Tensor:
            feeds = dict(zip(inputs, args, strict=True))
            hidden = self.model(**feeds).last_hidden_state
            if spec.pooling == "cls":
                pooled = hidden[:, 0]
            else:
                mask = feeds["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    dummy = tuple(
        torch.zeros(2, 8, dtype=torch.long) if name == "token_type_ids" else torch.ones(2, 8).long()
        for name in inputs
    )
    axes = {name: {0: "batch", 1: "tokens"} for name in inputs} | {OUTPUT: {0: "batch"}}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer and deprecation notices
        torch.onnx.export(
            Pooled().eval(),
            dummy,
            str(out),
            dynamo=False,  # the TorchScript exporter: no onnxscript needed, traces BERT exactly
            input_names=inputs,
            output_names=[OUTPUT],
            dynamic_axes=axes,
            opset_version=17,
            do_constant_folding=True,
        )
    return inputs, reference, str(torch.__version__)


def kept_fp32(model: Any) -> list[str]:
    """The feed-forward down-projections (`…/output/dense/MatMul` outside attention)."""
    return [
        node.name
        for node in model.graph.node
        if node.op_type == "MatMul"
        and node.name.endswith("/output/dense/MatMul")
        and "/attention/" not in node.name
    ]


def quantize_int8(src: Path, dst: Path) -> None:
    """Int8 dynamic quantisation: per-channel weights, MatMuls only, FFN outputs kept fp32."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    keep = kept_fp32(onnx.load(str(src), load_external_data=False))
    quiet = logging.getLogger()
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "consider pre-processing" notices
    try:
        quantize_dynamic(
            str(src),
            str(dst),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            nodes_to_exclude=keep,
        )
    finally:
        quiet.setLevel(level)


def optimise(src: Path, dst: Path) -> None:
    """Save the graph as ONNX Runtime optimises it (extended level: portable across CPUs)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.optimized_model_filepath = str(dst)
    ort.InferenceSession(str(src), options, providers=["CPUExecutionProvider"])
