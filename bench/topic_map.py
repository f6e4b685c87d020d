"""Topic map benchmark (issue 15): reducer choice, build time and peak memory, placement, topic quality.

Input: the real MiniLM vectors of the 74,728 arXiv cs papers cached by bench/corpus_vectors.py (never
embedded here). `--vectors DIR` (or PAPERWIRE_BENCH_VECTORS) names the cache; `--partial` uses the chunks
present so far (a subset: the report says how many papers).

    .venv/bin/python bench/topic_map.py reducers --sample 5000      # PCA, PCA -> openTSNE, UMAP: time, quality
    .venv/bin/python bench/topic_map.py sweep                        # t-SNE fit size on the 74,728-paper map
    .venv/bin/python bench/topic_map.py build --papers 75000         # the map build at 75k (real vectors)
    .venv/bin/python bench/topic_map.py build --papers 300000        # 74,728 real + perturbed copies
    .venv/bin/python bench/topic_map.py quality                      # NMI/ARI vs arXiv primary categories

UMAP (umap-learn, not a product dependency: `pip install umap-learn` to compare) runs on the same 50-d PCA
input as t-SNE, cosine metric, its defaults otherwise; its first call also pays numba's compilation, which
is reported apart (`jit_s`) from a second, timed fit.

Every command prints one JSON object (with the load average) to stdout. `build` runs the product's own
functions (topics/reduce.py, topics/labels.py) on a term-count matrix built here the way the index counts
words (search/text.py's words minus stop words; no stemming, so each term is its own label).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CS_FILE = ROOT.parent / "shared/data/arxiv-daily/arxiv-daily-cs_2025-03-18_2026-07-01.jsonl.gz"
DEFAULT_VECTORS = ROOT / "bench/results/arxiv-cs-vectors"
CHUNK = 2048


def read_papers() -> list[dict[str, Any]]:
    with gzip.open(CS_FILE, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load(directory: Path, partial: bool) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Papers and their unit vectors (row i belongs to papers[i]); `partial`: the leading chunks present."""
    papers = read_papers()
    chunks = []
    for number in range((len(papers) + CHUNK - 1) // CHUNK):
        path = directory / f"chunk-{number:04d}.npy"
        if not path.is_file():
            if not partial:
                raise SystemExit(f"{path} missing: finish bench/corpus_vectors.py or pass --partial")
            break
        chunks.append(np.load(path))
    vectors = np.concatenate(chunks).astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return papers[: vectors.shape[0]], vectors


def primary(paper: dict[str, Any]) -> str:
    categories = paper["categories"]
    if isinstance(categories, str):
        categories = categories.strip("[]").replace("'", "").split(", ")
    return str(categories[0])


def knn_preservation(
    high: np.ndarray, low: np.ndarray, k: int = 10, queries: int = 2000, seed: int = 0, rows: np.ndarray | None = None
) -> float:
    """Mean share of each query's k nearest neighbours (cosine, embedding space) that are also among its
    k nearest on the map (Euclidean), over a random sample of queries (drawn from `rows`, default all
    points) against all points."""
    rng = np.random.default_rng(seed)
    pool = np.arange(high.shape[0]) if rows is None else rows
    chosen = rng.choice(pool, min(queries, pool.size), replace=False)
    shared = 0
    for start in range(0, chosen.size, 500):
        rows = chosen[start : start + 500]
        sims = high[rows] @ high.T
        sims[np.arange(rows.size), rows] = -np.inf
        near_high = np.argpartition(-sims, k, axis=1)[:, :k]
        dists = ((low[rows, None, :] - low[None, :, :]) ** 2).sum(axis=2)
        dists[np.arange(rows.size), rows] = np.inf
        near_low = np.argpartition(dists, k, axis=1)[:, :k]
        shared += sum(len(set(a) & set(b)) for a, b in zip(near_high.tolist(), near_low.tolist(), strict=True))
    return shared / (chosen.size * k)


def conditions(papers: int, real: int) -> dict[str, Any]:
    return {
        "papers": papers,
        "real_vectors": real,
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def reducers(vectors: np.ndarray, sample: int, threads: int) -> dict[str, Any]:
    from sklearn.manifold import trustworthiness

    from paperwire.topics.reduce import normalise, pca, tsne

    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(vectors.shape[0], min(sample, vectors.shape[0]), replace=False))
    high = vectors[rows]
    results: dict[str, Any] = {}
    started = time.perf_counter()
    reduced = pca(high)
    pca_s = time.perf_counter() - started
    candidates = {"pca": lambda: normalise(reduced[:, :2].copy()), "tsne": lambda: normalise(tsne(reduced, 0, threads))}
    umap_fit = _umap(threads)
    if umap_fit is not None:
        started = time.perf_counter()
        umap_fit(reduced[:500])  # numba compiles on the first call: timed apart
        results["umap_jit_s"] = round(time.perf_counter() - started, 2)
        candidates["umap"] = lambda: normalise(umap_fit(reduced))
    for name, run in candidates.items():
        started = time.perf_counter()
        low = run()
        seconds = time.perf_counter() - started + pca_s
        trust_rows = rows[: min(rows.size, 5000)].size
        results[name] = {
            "seconds": round(seconds, 2),
            "trustworthiness_k10": round(
                float(trustworthiness(high[:trust_rows], low[:trust_rows], n_neighbors=10, metric="cosine")), 4
            ),
            "knn_preservation_k10": round(knn_preservation(high, low), 4),
        }
    return {"reducers": results, **conditions(int(rows.size), int(rows.size))}


def _umap(threads: int) -> Any:
    """A fit function for umap-learn on the PCA input (None when it is not installed)."""
    try:
        import umap
    except ImportError:
        return None

    def fit(reduced: np.ndarray) -> np.ndarray:
        model = umap.UMAP(n_components=2, metric="cosine", random_state=0, n_jobs=threads)
        return np.asarray(model.fit_transform(reduced), dtype=np.float32)

    return fit


def sweep(vectors: np.ndarray, sizes: list[int], threads: int) -> dict[str, Any]:
    """The product's layout of all `vectors` with t-SNE fitted on `sizes` papers each (the rest placed next
    to their nearest fitted neighbours): time, and kNN preservation of fitted and placed papers apart
    (neighbours always among all papers, so the figures of one map compare)."""
    from paperwire.topics.reduce import layout

    runs = []
    n = vectors.shape[0]
    for size in sizes:
        started = time.perf_counter()
        result = layout(vectors, fit_max=size, threads=threads)
        seconds = time.perf_counter() - started
        placed = np.setdiff1d(np.arange(n), result.fitted)
        runs.append(
            {
                "fit": int(result.fitted.size),
                "layout_s": round(seconds, 1),
                "knn_preservation_k10_all": round(knn_preservation(vectors, result.xy), 4),
                "knn_preservation_k10_fitted": round(knn_preservation(vectors, result.xy, rows=result.fitted), 4),
                "knn_preservation_k10_placed": round(knn_preservation(vectors, result.xy, rows=placed), 4)
                if placed.size
                else None,
            }
        )
        print(json.dumps(runs[-1]), file=sys.stderr)
    return {"runs": runs, **conditions(n, n)}


def term_counts(texts: list[str]) -> tuple[Any, list[str]]:
    from scipy import sparse

    from paperwire.search.text import STOP_WORDS, words

    vocab: dict[str, int] = {}
    indptr, indices, data = [0], [], []
    for text in texts:
        counts: dict[int, int] = {}
        for word in words(text):
            if word not in STOP_WORDS:
                column = vocab.setdefault(word, len(vocab))
                counts[column] = counts.get(column, 0) + 1
        indices += counts.keys()
        data += counts.values()
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.array(data, np.float32), np.array(indices), np.array(indptr)), (len(texts), len(vocab))
    )
    return matrix, list(vocab)


def grow(vectors: np.ndarray, target: int, seed: int = 0) -> np.ndarray:
    """The real vectors, then perturbed copies (each a real vector plus Gaussian noise of norm ~0.3,
    renormalised) up to `target` rows: a stand-in for 300k papers that keeps the real structure."""
    if target <= vectors.shape[0]:
        return vectors[:target]
    rng = np.random.default_rng(seed)
    extra = vectors[rng.integers(0, vectors.shape[0], target - vectors.shape[0])]
    extra = extra + rng.normal(0, 0.3 / np.sqrt(vectors.shape[1]), extra.shape).astype(np.float32)
    extra /= np.linalg.norm(extra, axis=1, keepdims=True)
    return np.concatenate([vectors, extra]).astype(np.float32)


def build(papers: list[dict[str, Any]], vectors: np.ndarray, target: int, fit_max: int, threads: int) -> dict[str, Any]:
    from paperwire.topics.labels import topic_terms
    from paperwire.topics.reduce import auto_topics, cluster, layout, place

    real = vectors.shape[0]
    texts = [f"{p['title']} {p['summary']}" for p in papers]
    tf, labels = term_counts(texts)
    rng = np.random.default_rng(1)
    if target > real:  # a perturbed copy reuses its source paper's words
        from scipy import sparse

        tf = sparse.vstack([tf, tf[rng.integers(0, real, target - real)]]).tocsr()
    all_vectors = grow(vectors, target)
    stages: dict[str, float] = {}
    started = time.perf_counter()
    result = layout(all_vectors, fit_max=fit_max, threads=threads)
    stages["layout_s"] = time.perf_counter() - started
    mark = time.perf_counter()
    topics = auto_topics(target)
    assigned, _ = cluster(all_vectors, topics)
    stages["cluster_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    terms = topic_terms(tf[:target], assigned, labels, topics)
    stages["labels_s"] = time.perf_counter() - mark
    total = time.perf_counter() - started
    new = vectors[-1000:]  # 1,000 "new" papers: real vectors placed against the whole map
    mark = time.perf_counter()
    place(new, all_vectors, result.xy)
    placement = time.perf_counter() - mark
    build_peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # before the evaluation
    return {
        "build_s": round(total, 1),
        **{k: round(v, 1) for k, v in stages.items()},
        "fitted_by_tsne": int(result.fitted.size),
        "topics": topics,
        "place_1000_s": round(placement, 2),
        "knn_preservation_k10": round(knn_preservation(all_vectors[:real], result.xy[:real]), 4),
        "example_labels": [", ".join(t[:3]) for t in terms[:8]],
        **conditions(target, real),
        "peak_rss_mib": build_peak,
    }


def quality(papers: list[dict[str, Any]], vectors: np.ndarray) -> dict[str, Any]:
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from paperwire.topics.reduce import auto_topics, cluster

    truth = [primary(p) for p in papers]
    topics = auto_topics(len(papers))
    started = time.perf_counter()
    ours, _ = cluster(vectors, topics)
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    tfidf = TfidfVectorizer(stop_words="english", min_df=3, max_features=50_000, sublinear_tf=True)
    matrix = tfidf.fit_transform(f"{p['title']} {p['summary']}" for p in papers)
    baseline = MiniBatchKMeans(n_clusters=topics, random_state=0, batch_size=4096, n_init=3).fit_predict(matrix)
    baseline_s = time.perf_counter() - started
    score = {
        "embedding_kmeans": {
            "nmi": round(normalized_mutual_info_score(truth, ours), 4),
            "ari": round(adjusted_rand_score(truth, ours), 4),
            "seconds": round(ours_s, 1),
        },
        "tfidf_kmeans": {
            "nmi": round(normalized_mutual_info_score(truth, baseline), 4),
            "ari": round(adjusted_rand_score(truth, baseline), 4),
            "seconds": round(baseline_s, 1),
        },
    }
    return {"topics": topics, "categories": len(set(truth)), **score, **conditions(len(papers), len(papers))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("reducers", "build", "quality", "sweep"))
    parser.add_argument(
        "--vectors", type=Path, default=Path(os.environ.get("PAPERWIRE_BENCH_VECTORS", DEFAULT_VECTORS))
    )
    parser.add_argument("--partial", action="store_true", help="use the vector chunks present so far")
    parser.add_argument("--sample", type=int, default=5000)
    parser.add_argument("--papers", type=int, default=75_000)
    parser.add_argument("--fit-max", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--sizes", default="5000,10000,20000,40000", help="sweep: t-SNE fit sizes")
    args = parser.parse_args()
    papers, vectors = load(args.vectors, args.partial)
    print(f"{vectors.shape[0]:,} real vectors", file=sys.stderr)
    if args.what == "reducers":
        report = reducers(vectors, args.sample, args.threads)
    elif args.what == "sweep":
        report = sweep(vectors, [int(x) for x in args.sizes.split(",")], args.threads)
    elif args.what == "build":
        report = build(papers, vectors, args.papers, args.fit_max, args.threads)
    else:
        report = quality(papers, vectors)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
