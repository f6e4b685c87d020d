"""From embeddings to a map: 2-D coordinates (PCA, then openTSNE), topics (k-means on the embeddings),
and nearest-neighbour placement of papers the reducer never saw.

Why PCA -> openTSNE: measured on real MiniLM vectors of arXiv cs papers (docs/benchmarks.md, "Topic map"),
t-SNE keeps far more of each paper's embedding neighbourhood than PCA alone. t-SNE's cost grows with the
points it fits, so a map of more than `fit_max` papers fits a random sample of that size and places the
others next to their nearest fitted neighbours (in the PCA space): the same placement `map update` uses
for new papers, so a 300,000-paper map costs a 20,000-point t-SNE plus a matrix product (docs/benchmarks.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float32]
REDUCERS = ("tsne", "pca")
PCA_DIMS = 50
MIN_REDUCED = 5  # papers below which the map is just laid out, not reduced
PLACE_NEIGHBOURS = 10
TEMPERATURE = 0.05  # cosine placement: a neighbour 0.05 less similar weighs 1/e as much
CHUNK = 2048  # query rows per matrix product in placement: 2048 x 75,000 floats = 0.6 GB at most
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Layout:
    xy: Floats  # (n, 2) in [0, 1]
    fitted: npt.NDArray[np.intp]  # rows the reducer fitted (the rest were placed)


def auto_topics(papers: int) -> int:
    """How many topics when none is configured: sqrt(n / 20), between 2 and 120 (61 at 75k papers)."""
    return max(2, min(120, round(math.sqrt(papers / 20))))


def pca(vectors: Floats, dims: int = PCA_DIMS, seed: int = 0) -> Floats:
    from sklearn.decomposition import PCA

    dims = max(1, min(dims, vectors.shape[0] - 1, vectors.shape[1]))
    reduced: Floats = PCA(n_components=dims, random_state=seed).fit_transform(vectors).astype(np.float32)
    return reduced


def tsne(reduced: Floats, seed: int = 0, threads: int = 1) -> Floats:
    from openTSNE import TSNE

    perplexity = float(min(30, max(2, (reduced.shape[0] - 1) // 3)))
    embedding = TSNE(
        n_components=2, perplexity=perplexity, initialization="pca", random_state=seed, n_jobs=threads, verbose=False
    ).fit(reduced)
    return np.asarray(embedding, dtype=np.float32)


def normalise(xy: Floats) -> Floats:
    """Scale into [0, 1] keeping the aspect ratio (the longer side spans 0..1), centred on the other."""
    low, high = xy.min(axis=0), xy.max(axis=0)
    span = float(max((high - low).max(), 1e-9))
    scaled = (xy - low) / span
    scaled += (1 - (high - low) / span) / 2
    out: Floats = scaled.astype(np.float32)
    return out


def layout(vectors: Floats, *, reducer: str = "tsne", fit_max: int = 20_000, seed: int = 0, threads: int = 1) -> Layout:
    """Coordinates for every row of `vectors` (unit length, as the index stores them)."""
    if reducer not in REDUCERS:
        raise ValueError(f"unknown reducer {reducer!r}: use one of {', '.join(REDUCERS)}")
    if vectors.shape[0] < MIN_REDUCED:  # too few for PCA or t-SNE: the first two dimensions will do
        return Layout(normalise(np.ascontiguousarray(vectors[:, :2])), np.arange(vectors.shape[0]))
    reduced = pca(vectors, seed=seed)
    if reducer == "pca":
        return Layout(normalise(reduced[:, :2].copy()), np.arange(vectors.shape[0]))
    rng = np.random.default_rng(seed)
    n = vectors.shape[0]
    fitted = np.sort(rng.choice(n, fit_max, replace=False)) if n > fit_max else np.arange(n)
    xy = np.zeros((n, 2), dtype=np.float32)
    xy[fitted] = normalise(tsne(reduced[fitted], seed, threads))
    rest = np.setdiff1d(np.arange(n), fitted)
    if rest.size:
        xy[rest] = place(reduced[rest], reduced[fitted], xy[fitted], cosine=False)
    return Layout(xy, fitted)


def place(
    queries: Floats, reference: Floats, reference_xy: Floats, *, k: int = PLACE_NEIGHBOURS, cosine: bool = True
) -> Floats:
    """Each query at the similarity-weighted mean of its k nearest reference points' coordinates.

    cosine=True: rows are unit vectors (the embeddings) and nearness is the dot product; otherwise
    (PCA space) nearness is Euclidean distance."""
    k = max(1, min(k, reference.shape[0]))
    out = np.zeros((queries.shape[0], 2), dtype=np.float32)
    norms = None if cosine else (reference**2).sum(axis=1)
    for start in range(0, queries.shape[0], CHUNK):
        block = queries[start : start + CHUNK]
        scores = block @ reference.T
        if norms is not None:
            scores = 2 * scores - norms  # -(|q - r|^2) up to a per-row constant
        nearest = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        best = np.take_along_axis(scores, nearest, axis=1)
        weights = np.exp((best - best.max(axis=1, keepdims=True)) / TEMPERATURE) if norms is None else _inverse(best)
        weights /= weights.sum(axis=1, keepdims=True)
        out[start : start + block.shape[0]] = np.einsum("qk,qkd->qd", weights, reference_xy[nearest])
    return out


def _inverse(best: Floats) -> Floats:
    """Weights from negative squared distances (scores = -d^2 + c): nearer neighbours count more."""
    spread = best.max(axis=1, keepdims=True) - best
    weights: Floats = 1.0 / (1.0 + spread / max(float(np.median(np.abs(spread))), 1e-6))
    return weights


def cluster(vectors: Floats, topics: int, seed: int = 0) -> tuple[npt.NDArray[np.int16], Floats]:
    """k-means on the embeddings (mini-batch: one pass of 4,096-row batches per step); returns each row's
    topic and the unit-length centroids. Topics are numbered largest first."""
    from sklearn.cluster import MiniBatchKMeans

    topics = max(1, min(topics, vectors.shape[0]))
    model = MiniBatchKMeans(n_clusters=topics, random_state=seed, batch_size=4096, n_init=3, max_iter=100)
    assigned = model.fit_predict(vectors)
    order = np.argsort(-np.bincount(assigned, minlength=topics), kind="stable")
    renumber = np.empty(topics, dtype=np.int16)
    renumber[order] = np.arange(topics, dtype=np.int16)
    centroids = model.cluster_centers_[order].astype(np.float32)
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    return renumber[assigned], centroids


def nearest_topic(vectors: Floats, centroids: Floats) -> npt.NDArray[np.int16]:
    assigned: npt.NDArray[np.int16] = np.argmax(vectors @ centroids.T, axis=1).astype(np.int16)
    return assigned
