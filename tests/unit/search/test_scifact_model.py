"""SciFact regression guard with the real all-MiniLM-L6-v2 (marker `model`): 100 test queries over the
full 5,183-document corpus, built in a temp dir (the ONNX export too; nothing cached in the repo). With the
ONNX int8 default, this test and test_onnx_minilm.py took 200 CPU-seconds together (this test alone took
~4 CPU-minutes with bf16 torch). Embedding the corpus dominates, so fewer queries would not make it cheaper."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperwire.search.beir import run_beir
from paperwire.search.dense import MiniLMEmbedder

SCIFACT = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "beir-scifact"


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_scifact_quality_does_not_regress(tmp_path: Path) -> None:
    if not SCIFACT.is_dir():
        pytest.skip(f"{SCIFACT} is not present")
    results = run_beir(SCIFACT, embedder=MiniLMEmbedder(cache_dir=tmp_path), split="test", limit_queries=100)
    print({mode: metrics["ndcg@10"] for mode, metrics in results.items()})
    # Measured on these 100 queries (onnx-int8): hybrid 0.7888, lexical 0.7334, semantic 0.7139 (bf16 torch:
    # 0.7916 / 0.7334 / 0.7069); thresholds ~0.02 below.
    assert results["lexical"]["ndcg@10"] >= LEXICAL_MIN
    assert results["semantic"]["ndcg@10"] >= SEMANTIC_MIN
    assert results["hybrid"]["ndcg@10"] >= HYBRID_MIN
    assert results["hybrid"]["ndcg@10"] > results["lexical"]["ndcg@10"]


LEXICAL_MIN = 0.71
SEMANTIC_MIN = 0.68
HYBRID_MIN = 0.77
