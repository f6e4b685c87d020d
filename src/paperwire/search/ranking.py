"""Turn a parsed query into ranked index rows: lexical, semantic or hybrid, under the filter mask."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from paperwire.errors import InvalidInput
from paperwire.search.fields import FUSION_ALPHA, FUSION_DEPTH
from paperwire.search.fusion import best_rows, fuse
from paperwire.search.index import SearchIndex
from paperwire.search.interfaces import Embedder
from paperwire.search.query import ParsedQuery
from paperwire.search.text import tokenize

MODES = ("hybrid", "lexical", "semantic")
Rows = npt.NDArray[np.int64]
Scores = npt.NDArray[np.float32]


@dataclass
class Ranker:
    index: SearchIndex
    embedder: Embedder | None
    alpha: float = FUSION_ALPHA
    depth: int = FUSION_DEPTH

    @property
    def has_semantic(self) -> bool:
        embedder = self.embedder
        return embedder is not None and self.index.embedder == embedder.name and bool(self.index.has_vector.any())

    def rank(
        self, query: ParsedQuery, mode: str = "hybrid", allowed: npt.NDArray[np.bool_] | None = None
    ) -> tuple[Rows, Scores]:
        """All candidate rows, best first, with their scores; `allowed` narrows the filter mask further
        (the keyword: filter, which the database answers)."""
        if mode not in MODES:
            raise InvalidInput(f"unknown search mode {mode!r}: use one of {', '.join(MODES)}")
        if query.arxiv_id is not None:
            row = self.index.position.get(query.arxiv_id)
            return np.array([] if row is None else [row], np.int64), np.ones(0 if row is None else 1, np.float32)
        if mode == "semantic" and not self.has_semantic:
            raise InvalidInput("semantic search is unavailable: no embedder configured or the index has no vectors")
        mask = self.index.filter_mask(query)
        if allowed is not None:
            mask = _and(mask, allowed)
        terms = tokenize(query.text)
        if not terms and not (mode != "lexical" and self.has_semantic and query.text.strip()):
            return self._filtered_only(mask)
        if mode == "lexical" or not self.has_semantic:
            lexical = self.index.lexical.score_terms(terms)
            rows = best_rows(lexical, self.index.size, mask, positive=True)
            return rows, lexical[rows]
        semantic = self.semantic_scores(query.text)
        if mode == "semantic":
            rows = best_rows(semantic, self.depth, _and(mask, np.asarray(self.index.has_vector)))
            return rows, semantic[rows]
        lexical = self.index.lexical.score_terms(terms)
        return fuse(lexical, semantic, alpha=self.alpha, depth=self.depth, allowed=mask)

    def semantic_scores(self, text: str) -> Scores:
        assert self.embedder is not None
        vector = self.embedder.embed_query(text)
        scores = np.asarray(self.index.vectors) @ vector
        scores[~np.asarray(self.index.has_vector)] = -1.0
        return scores.astype(np.float32)

    def _filtered_only(self, mask: npt.NDArray[np.bool_] | None) -> tuple[Rows, Scores]:
        """No words to rank by: filtered papers, newest first (an empty query returns nothing)."""
        if mask is None:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        rows = np.flatnonzero(mask)
        rows = rows[np.argsort(-np.asarray(self.index.dates)[rows], kind="stable")]
        return rows, np.zeros(rows.size, np.float32)


def _and(mask: npt.NDArray[np.bool_] | None, other: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    return other if mask is None else mask & other
