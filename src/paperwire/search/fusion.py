"""Hybrid fusion: min-max normalised score fusion over the union of each retriever's top candidates.

    fused(d) = alpha * norm_sem(d) + (1 - alpha) * norm_lex(d)
    norm_x(d) = clip((x(d) - min_top_x) / (max_top_x - min_top_x), 0, 1)

where min/max are taken over retriever x's top-`depth` documents; a document outside x's top list still
gets its (clipped) normalised score, so nothing is lost at the boundary.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Scores = npt.NDArray[np.float32]
Rows = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]


def best_rows(scores: Scores, k: int, allowed: Mask | None = None, *, positive: bool = False) -> Rows:
    """Indices of the k highest scores among allowed rows (and > 0 when `positive`), best first."""
    keep = np.ones(scores.shape[0], dtype=bool) if allowed is None else allowed.copy()
    if positive:
        keep &= scores > 0
    candidates = np.flatnonzero(keep)
    if candidates.size > k > 0:
        candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
    return candidates[np.argsort(-scores[candidates], kind="stable")]


def normalise(scores: Scores, top: Rows) -> Scores:
    """Min-max over the top rows, applied to every score and clipped to [0, 1]."""
    if top.size == 0:
        return np.zeros_like(scores)
    low, high = float(scores[top].min()), float(scores[top].max())
    if high - low < 1e-9:
        return (scores >= high).astype(np.float32)
    result: Scores = np.clip((scores - low) / (high - low), 0.0, 1.0).astype(np.float32)
    return result


def fuse(
    lexical: Scores,
    semantic: Scores,
    *,
    alpha: float,
    depth: int,
    allowed: Mask | None = None,
    extra: Mask | None = None,
) -> tuple[Rows, Scores]:
    """Candidate rows (union of both top lists, plus the `extra` rows) and their fused scores, best first."""
    top_lexical = best_rows(lexical, depth, allowed, positive=True)
    top_semantic = best_rows(semantic, depth, allowed)
    candidates = np.union1d(top_lexical, top_semantic)
    if extra is not None:
        candidates = np.union1d(candidates, np.flatnonzero(extra))
    fused = alpha * normalise(semantic, top_semantic)[candidates]
    fused += (1 - alpha) * normalise(lexical, top_lexical)[candidates]
    order = np.argsort(-fused, kind="stable")
    return candidates[order], fused[order].astype(np.float32)
