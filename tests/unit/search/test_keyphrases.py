"""Keywords by MMR over candidate phrases, and the most central abstract sentence (hashing embedder)."""

from __future__ import annotations

import numpy as np

from paperwire.search.dense import HashingEmbedder
from paperwire.search.keyphrases import candidates, central_sentence, digest, mmr

ABSTRACT = (
    "Sparse attention reduces the cost of long documents. We propose a sparse attention kernel for long "
    "documents with $O(n \\log n)$ cost. Experiments on long documents show that the sparse attention "
    "kernel matches dense attention. The code is public."
)


def test_candidates_are_content_word_runs_without_math_or_stop_words() -> None:
    found = candidates("Sparse Attention for Long Documents", ABSTRACT)
    assert found[0] in {"sparse attention", "long documents"}
    assert "sparse attention kernel" in found
    assert not any(word in {"the", "we", "for", "propose"} for phrase in found for word in phrase.split())
    assert not any("log" in phrase for phrase in found)  # $O(n \log n)$ is math, not a phrase


def test_mmr_with_full_diversity_avoids_a_near_duplicate() -> None:
    doc = np.array([1.0, 0.0], dtype=np.float32)
    vectors = np.array([[1.0, 0.0], [0.99, 0.14], [0.6, 0.8]], dtype=np.float32)
    assert mmr(doc, vectors, 2, diversity=0.0) == [0, 1]  # relevance only
    assert mmr(doc, vectors, 2, diversity=0.7) == [0, 2]  # the near-duplicate of the first loses


def test_central_sentence_is_one_of_the_abstracts_sentences() -> None:
    summary = central_sentence(ABSTRACT, HashingEmbedder())
    assert summary is not None
    assert summary in ABSTRACT
    assert "sparse attention" in summary.lower()
    assert central_sentence("Too short.", HashingEmbedder()) is None


def test_digest_is_deterministic_and_distinct() -> None:
    first = digest("Sparse Attention for Long Documents", ABSTRACT, HashingEmbedder(), count=4)
    second = digest("Sparse Attention for Long Documents", ABSTRACT, HashingEmbedder(), count=4)
    assert first == second
    assert len(first.keywords) == len(set(first.keywords)) == 4
