"""Turn a parsed query into ranked index rows: lexical, semantic or hybrid, under the filter mask.

`Ranker.rank` is the one function that decides a result set: the search page, its JSON twin, the feeds,
saved-search digests, the CLI and `paperwire eval beir` all reach it through SearchService. A candidate is
a match only when it passes the mode's relevance floor (docs/search.md, "Relevance floor"):

- lexical: BM25 > 0 (a non-stop-word query term occurs) and the document holds at least
  `lexical_floor(n)` of the idf weight of the query's n distinct terms (`LexicalIndex.coverage`);
- semantic: cosine >= the embedder's `min_cosine` (calibrated per model);
- hybrid: the lexical floor, or cosine >= min_cosine + HYBRID_COSINE_MARGIN (a paper that shares no
  real part of the query's words needs to be closer in meaning than a semantic-only match).

Totals count matches only. When nothing passes, the best few candidates under the floor come back apart,
as `loose` ("loosely related"), never as matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from paperwire.errors import InvalidInput
from paperwire.search.fields import FUSION_ALPHA, FUSION_DEPTH, HYBRID_COSINE_MARGIN, LOOSE_LIMIT, lexical_floor
from paperwire.search.fusion import best_rows, fuse
from paperwire.search.index import SearchIndex
from paperwire.search.interfaces import Embedder
from paperwire.search.query import ParsedQuery
from paperwire.search.text import tokenize

MODES = ("hybrid", "lexical", "semantic")
Rows = npt.NDArray[np.int64]
Scores = npt.NDArray[np.float32]
Mask = npt.NDArray[np.bool_]
_NO_ROWS: Rows = np.zeros(0, np.int64)
_NO_SCORES: Scores = np.zeros(0, np.float32)


@dataclass(frozen=True)
class Ranked:
    """Matches (rows that pass the floor, best first, with their scores) and, only when there is none, up
    to LOOSE_LIMIT nearest candidates under the floor."""

    rows: Rows
    scores: Scores
    loose: Rows = field(default_factory=lambda: _NO_ROWS)
    loose_scores: Scores = field(default_factory=lambda: _NO_SCORES)


@dataclass
class Ranker:
    index: SearchIndex
    embedder: Embedder | None
    alpha: float = FUSION_ALPHA
    depth: int = FUSION_DEPTH
    coverage: float | None = None  # None: lexical_floor(n); a number overrides it (calibration benchmarks)
    hybrid_margin: float = HYBRID_COSINE_MARGIN

    @property
    def has_semantic(self) -> bool:
        embedder = self.embedder
        return embedder is not None and self.index.embedder == embedder.name and bool(self.index.has_vector.any())

    @property
    def min_cosine(self) -> float:
        return self.embedder.min_cosine if self.embedder is not None else 1.0

    def rank(self, query: ParsedQuery, mode: str = "hybrid", allowed: Mask | None = None) -> Ranked:
        """The matches of the query under `mode`, best first (see the module docstring); `allowed` narrows
        the filter mask further (the keyword: filter, which the database answers)."""
        if mode not in MODES:
            raise InvalidInput(f"unknown search mode {mode!r}: use one of {', '.join(MODES)}")
        if query.arxiv_id is not None:
            row = self.index.position.get(query.arxiv_id)
            found = np.array([] if row is None else [row], np.int64)
            return Ranked(found, np.ones(found.size, np.float32))
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
            return _split(lexical, _and(mask, self.lexical_pass(terms, lexical)), mask, positive=True)
        semantic = self.semantic_scores(query.text)
        with_vector = _and(mask, np.asarray(self.index.has_vector))
        if mode == "semantic":
            return _split(semantic, with_vector & (semantic >= self.min_cosine), with_vector)
        return self._hybrid(terms, semantic, mask)

    def _hybrid(self, terms: list[str], semantic: Scores, mask: Mask | None) -> Ranked:
        lexical = self.index.lexical.score_terms(terms)
        passing = _and(mask, self.lexical_pass(terms, lexical) | (semantic >= self.min_cosine + self.hybrid_margin))
        candidates, fused = fuse(lexical, semantic, alpha=self.alpha, depth=self.depth, allowed=mask, extra=passing)
        keep = passing[candidates]
        if keep.any():
            return Ranked(candidates[keep], fused[keep])
        return Ranked(_NO_ROWS, _NO_SCORES, candidates[:LOOSE_LIMIT], fused[:LOOSE_LIMIT])

    def lexical_pass(self, terms: list[str], lexical: Scores) -> Mask:
        """The lexical floor: a query term occurs and the document covers enough of the query's idf weight."""
        floor = lexical_floor(len(set(terms))) if self.coverage is None else self.coverage
        passed: Mask = (lexical > 0) & (self.index.lexical.coverage(terms) >= floor - 1e-6)
        return passed

    def semantic_scores(self, text: str) -> Scores:
        assert self.embedder is not None
        vector = self.embedder.embed_query(text)
        scores = np.asarray(self.index.vectors) @ vector
        scores[~np.asarray(self.index.has_vector)] = -1.0
        return scores.astype(np.float32)

    def _filtered_only(self, mask: Mask | None) -> Ranked:
        """No words to rank by: filtered papers, newest first (an empty query returns nothing)."""
        if mask is None:
            return Ranked(_NO_ROWS, _NO_SCORES)
        rows = np.flatnonzero(mask)
        rows = rows[np.argsort(-np.asarray(self.index.dates)[rows], kind="stable")]
        return Ranked(rows, np.zeros(rows.size, np.float32))


def _split(scores: Scores, passing: Mask, allowed: Mask | None, *, positive: bool = False) -> Ranked:
    """Rows that pass, best first; when none does, the best LOOSE_LIMIT allowed rows as `loose`."""
    rows = best_rows(scores, int(passing.sum()), passing, positive=positive)
    if rows.size:
        return Ranked(rows, scores[rows])
    loose = best_rows(scores, LOOSE_LIMIT, allowed, positive=positive)
    return Ranked(_NO_ROWS, _NO_SCORES, loose, scores[loose])


def _and(mask: Mask | None, other: Mask) -> Mask:
    return other if mask is None else mask & other
