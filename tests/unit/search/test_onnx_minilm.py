"""The ONNX MiniLM path against plain sentence-transformers, and its fallback (marker `model`: loads weights)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from paperwire.search import onnx_minilm
from paperwire.search.dense import MiniLMEmbedder

TEXTS = ["Diffusion transformers for image generation.", "graph neural networks", "a " * 300]

pytestmark = [pytest.mark.model, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


def test_onnx_fp32_matches_sentence_transformers(cache: Path) -> None:
    from sentence_transformers import SentenceTransformer

    plain = SentenceTransformer(str(onnx_minilm.model_dir()), device="cpu").encode(TEXTS, normalize_embeddings=True)
    embedder = MiniLMEmbedder(precision="onnx-fp32", cache_dir=cache)
    assert embedder.name == "all-MiniLM-L6-v2-onnx-fp32-256"
    np.testing.assert_allclose(embedder.embed_documents(TEXTS), plain, atol=1e-4)
    np.testing.assert_allclose(embedder.embed_query(TEXTS[0]), plain[0], atol=1e-4)


def test_onnx_int8_stays_close_to_fp32(cache: Path) -> None:
    fp32 = MiniLMEmbedder(precision="onnx-fp32", cache_dir=cache).embed_documents(TEXTS)
    int8 = MiniLMEmbedder(cache_dir=cache)
    assert int8.name == "all-MiniLM-L6-v2-onnx-int8-256"
    assert ((int8.embed_documents(TEXTS) * fp32).sum(axis=1) > 0.98).all()


def test_export_failure_falls_back_to_bf16_torch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def broken(*args: object, **kwargs: object) -> Path:
        raise RuntimeError("exporter missing")

    monkeypatch.setattr(onnx_minilm, "exported_model", broken)
    embedder = MiniLMEmbedder(cache_dir=tmp_path)
    assert embedder.name == "all-MiniLM-L6-v2-bf16-256"
    assert embedder.embed_query("graph neural networks").shape == (384,)
