"""Topic labels by a class-based term weight over the search index's term frequencies.

All papers of a topic are one document (as in c-TF-IDF). A term's weight in topic c is p_c log(p_c / p):
its share p_c of the topic's words times the log of how much more often it occurs there than in all
mapped papers (p). BERTopic's c-TF-IDF (p_c log(1 + A / f)) ranked the words of every abstract first:
on 30,000 cs papers "models" led six of the first eight topics; this weight is 0 for a word no more
common in the topic than anywhere, so the label names what sets the topic apart.
Only readable words may label a topic: search/explain.py's `meaningful` rule (letters only, >= 3 long,
no LaTeX command or Greek letter, no stock word of abstracts); the index has already dropped stop words
(search/text.py). tests/unit/topics/test_labels.py checks every label against that rule.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse

from paperwire.search.explain import meaningful
from paperwire.search.text import STOP_WORDS

TERMS = 8  # terms kept per topic
LABEL_TERMS = 3  # terms in the label
MIN_PAPERS = 2  # a term must occur in this many of the topic's papers


def is_label_word(word: str) -> bool:
    """The one rule for a word shown as a topic term (meaningful, and never a stop word)."""
    return meaningful(word) and word not in STOP_WORDS


def topic_terms(
    tf: sparse.csr_matrix, topic: npt.NDArray[np.int16], labels: Sequence[str], topics: int
) -> list[list[str]]:
    """The most distinctive readable words of each topic, best first (one surface word per stem)."""
    members = sparse.csr_matrix(
        (np.ones(topic.size, dtype=np.float64), (topic.astype(np.int64), np.arange(topic.size))),
        shape=(topics, topic.size),
    )
    counts = (members @ tf).toarray()
    presence = (members @ (tf > 0).astype(np.float64)).toarray()
    allowed = np.array([is_label_word(label) for label in labels], dtype=bool)
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1e-12)
    overall = counts.sum(axis=0) / max(float(counts.sum()), 1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = np.where(share > 0, share * np.log(share / np.maximum(overall, 1e-12)), 0.0)
    weights = np.maximum(weights, 0)
    weights[:, ~allowed] = 0
    weights[presence < MIN_PAPERS] = 0
    return [_best(weights[row], labels) for row in range(topics)]


def _best(row: npt.NDArray[np.float64], labels: Sequence[str]) -> list[str]:
    chosen: list[str] = []
    for column in np.argsort(-row, kind="stable"):
        if row[column] <= 0 or len(chosen) == TERMS:
            break
        if labels[column] not in chosen:
            chosen.append(labels[column])
    return chosen


def label_of(terms: list[str], topic_id: int) -> str:
    return ", ".join(terms[:LABEL_TERMS]) if terms else f"topic {topic_id}"
