"""For You against arxiv-sanity-lite's per-tag SVM on an author-continuation task (issue 11).

Task: for authors with several papers before a cut date, their papers before the cut are the positives;
each model ranks every paper of the two weeks after the cut; the author's papers in those weeks are the
relevant ones. Author names are a feature of neither model (title + abstract only). Metrics: Recall@20
and nDCG@20, averaged over authors.

- ours: paperwire.search.personal.score_rows (the product's function) over the real MiniLM vectors of
  bench/corpus_vectors.py plus a TF-IDF signal; its weights are chosen on an EARLIER cut (the tuning
  split) and the figures are reported on the later cut only.
- arxiv-sanity-lite: written here after its compute.py / serve.py: TfidfVectorizer(1-2 grams, sublinear
  tf, max_df 0.1, min_df 5, 20,000 features, English stop words), LinearSVC(C=0.01, class_weight
  balanced) trained on every paper known at ranking time (the user's papers positive, all others
  negative), ranked by decision_function.

Latency: one reader's ranking over 74,728 papers with the product's `rank` (vectors in memory, numpy).

    .venv/bin/python bench/for_you.py [--vectors DIR] [--users 200]

Vectors come from PAPERWIRE_BENCH_VECTORS or --vectors (default: bench/results/arxiv-cs-vectors);
when the cache is still being computed, the run uses the papers of the chunks written so far and says so.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from corpus_vectors import CHUNK, read_papers  # noqa: E402 - the bench folder is not a package

from paperwire.search.personal import Profile, Weights, rank, score_rows  # noqa: E402

DEFAULT_VECTORS = Path(os.environ.get("PAPERWIRE_BENCH_VECTORS", str(ROOT / "bench/results/arxiv-cs-vectors")))
WINDOW_DAYS = 14
K = 20
MIN_BEFORE, MIN_AFTER = 3, 1


def load_vectors(directory: Path, total: int) -> np.ndarray:
    """The cached chunks in order, as far as they go (unit rows, float32)."""
    parts = []
    for index in range((total + CHUNK - 1) // CHUNK):
        path = directory / f"chunk-{index:04d}.npy"
        if not path.is_file():
            break
        parts.append(np.load(path))
    if not parts:
        raise SystemExit(f"no vector chunks in {directory}: run bench/corpus_vectors.py")
    vectors = np.concatenate(parts).astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return vectors


def tfidf(texts: list[str]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        strip_accents="unicode",
        lowercase=True,
        analyzer="word",
        stop_words="english",
        token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b",
        ngram_range=(1, 2),
        max_features=20000,
        norm="l2",
        use_idf=True,
        smooth_idf=True,
        sublinear_tf=True,
        max_df=0.1,
        min_df=5,
    )
    return vectorizer.fit_transform(texts).tocsr().astype(np.float32)


def unigram_tfidf(texts: list[str]) -> Any:
    """For the latency run only: single words, like the index's own TF-IDF (search/index.py `tfidf`)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(min_df=3, sublinear_tf=True, dtype=np.float32).fit_transform(texts).tocsr()


def split(papers: list[dict[str, Any]], cut: date, users: int, seed: int) -> dict[str, Any]:
    """Authors with papers on both sides of `cut`; the candidate rows of the window after it."""
    end = cut + timedelta(days=WINDOW_DAYS)
    days = [date.fromisoformat(p["listing_date"]) for p in papers]
    known = np.array([i for i, d in enumerate(days) if d < end])
    candidates = np.array([i for i, d in enumerate(days) if cut <= d < end])
    before, after = defaultdict(list), defaultdict(list)
    for row, paper in enumerate(papers):
        side = before if days[row] < cut else after if days[row] < end else None
        if side is not None:
            for name in paper["authors"]:
                side[name].append(row)
    names = sorted(n for n in before if len(before[n]) >= MIN_BEFORE and len(after.get(n, ())) >= MIN_AFTER)
    rng = np.random.default_rng(seed)
    chosen = sorted(rng.choice(names, size=min(users, len(names)), replace=False)) if names else []
    return {
        "cut": cut,
        "known": known,
        "candidates": candidates,
        "authors": [(n, np.array(before[n]), set(after[n])) for n in chosen],
        "eligible": len(names),
    }


def metrics(ranked_rows: np.ndarray, relevant: set[int]) -> tuple[float, float]:
    top = list(ranked_rows[:K])
    hits = [1.0 if row in relevant else 0.0 for row in top]
    recall = sum(hits) / len(relevant)
    dcg = sum(h / np.log2(i + 2) for i, h in enumerate(hits))
    ideal = sum(1 / np.log2(i + 2) for i in range(min(len(relevant), K)))
    return recall, dcg / ideal


def _signals(data: dict[str, Any], vectors: np.ndarray, lexical: Any) -> list[np.ndarray]:
    """Per author, the standardised signals (rows: linear, knn, lexical) of every candidate: the score
    is their weighted sum, so the grid needs them once. Each comes from the product's score_rows."""
    candidates = data["candidates"]
    empty = np.array([], dtype=np.int64)
    units = [
        Weights(linear=1, knn=0, lexical=0),
        Weights(linear=0, knn=1, lexical=0),
        Weights(linear=0, knn=0, lexical=1),
        Weights(linear=0, knn=0, lexical=0, lexical_knn=1),
    ]
    found = []
    for _, positives, _ in data["authors"]:
        # The reader's own papers from before the cut are never candidates (they are older than the window).
        found.append(np.stack([score_rows(vectors, positives, empty, candidates, lexical, w) for w in units]))
    return found


def evaluate_ours(data: dict[str, Any], signals: list[np.ndarray], weights: Weights) -> tuple[float, float]:
    mix = np.array([weights.linear, weights.knn, weights.lexical, weights.lexical_knn])
    candidates = data["candidates"]
    scores = []
    for (_, _, relevant), signal in zip(data["authors"], signals, strict=True):
        scores.append(metrics(candidates[np.argsort(-(mix @ signal), kind="stable")], relevant))
    return _mean(scores)


def evaluate_svm(data: dict[str, Any], lexical: Any) -> tuple[float, float]:
    from sklearn.svm import LinearSVC

    known, candidates = data["known"], data["candidates"]
    x = lexical[known]
    position = {row: i for i, row in enumerate(known)}
    scores = []
    for _, positives, relevant in data["authors"]:
        y = np.zeros(len(known))
        y[[position[row] for row in positives]] = 1
        clf = LinearSVC(class_weight="balanced", max_iter=10000, tol=1e-6, C=0.01)
        clf.fit(x, y)
        score = clf.decision_function(lexical[candidates])
        scores.append(metrics(candidates[np.argsort(-score, kind="stable")], relevant))
    return _mean(scores)


def _mean(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.fmean(p[0] for p in pairs), statistics.fmean(p[1] for p in pairs)


GRID = {
    "linear": (0.0, 0.5, 1.0),
    "knn": (0.0, 0.5, 1.0),
    "lexical": (0.0, 0.5, 1.0, 2.0),
    "lexical_knn": (0.0, 0.5, 1.0, 2.0),
}


def tune(data: dict[str, Any], vectors: np.ndarray, lexical: Any) -> tuple[Weights, list[dict[str, Any]]]:
    signals = _signals(data, vectors, lexical)
    tried = []
    for linear, knn, lex, lex_knn in itertools.product(*GRID.values()):
        if linear == knn == lex == lex_knn == 0:
            continue
        weights = Weights(linear=linear, knn=knn, lexical=lex, lexical_knn=lex_knn)
        recall, ndcg = evaluate_ours(data, signals, weights)
        tried.append({**GRID_NAMES(weights), "recall@20": recall, "ndcg@20": ndcg})
    best = max(tried, key=lambda t: t["ndcg@20"])
    return Weights(**{k: best[k] for k in GRID}), tried


def GRID_NAMES(weights: Weights) -> dict[str, float]:
    return {name: getattr(weights, name) for name in GRID}


def latency(vectors: np.ndarray, lexical_all: Any, total: int, weights: Weights, runs: int = 30) -> dict[str, float]:
    """rank() over `total` papers: real vectors as far as the cache goes, random unit rows after."""
    rng = np.random.default_rng(1)
    filler = rng.standard_normal((total - len(vectors), vectors.shape[1])).astype(np.float32)
    filler /= np.linalg.norm(filler, axis=1, keepdims=True)
    matrix = np.concatenate([vectors, filler]) if len(filler) else vectors[:total]
    ids = [str(i) for i in range(total)]
    position = {paper_id: row for row, paper_id in enumerate(ids)}  # the index keeps this (SearchIndex.position)
    timings = []
    for run in range(runs):
        liked = tuple(str(i) for i in rng.choice(len(vectors), size=10, replace=False))
        disliked = tuple(str(i) for i in rng.choice(len(vectors), size=3, replace=False))
        started = time.perf_counter()
        profile = Profile(liked, disliked)
        rank(ids, matrix, profile, ids, {}, lexical=lexical_all, limit=50, weights=weights, position=position)
        if run:  # the first run warms the BLAS threads and caches
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(0.95 * (len(timings) - 1))],
        "runs": len(timings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vectors", type=Path, default=DEFAULT_VECTORS)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--report-cut", type=date.fromisoformat, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/for_you.json")
    parser.add_argument("--latency-only", action="store_true", help="Only the feed latency (default weights).")
    args = parser.parse_args()
    if args.latency_only:
        all_papers = read_papers()
        vectors = load_vectors(args.vectors, len(all_papers))
        all_lexical = unigram_tfidf([f"{p['title']} {p['summary']}" for p in all_papers])
        timing = latency(vectors, all_lexical, len(all_papers), Weights())
        print(
            json.dumps(
                {
                    "latency": timing,
                    "papers": len(all_papers),
                    "real_vectors": len(vectors),
                    "load_average": os.getloadavg(),
                }
            )
        )
        return
    started = time.monotonic()
    all_papers = read_papers()
    vectors = load_vectors(args.vectors, len(all_papers))
    papers = all_papers[: len(vectors)]
    last = date.fromisoformat(papers[-1]["listing_date"])
    report_cut = args.report_cut or last - timedelta(days=WINDOW_DAYS + 1)
    tune_cut = report_cut - timedelta(days=WINDOW_DAYS)
    texts = [f"{p['title']} {p['summary']}" for p in papers]
    lexical = tfidf(texts)
    print(
        f"{len(papers):,} of {len(all_papers):,} papers have vectors (up to {last}); "
        f"tune cut {tune_cut}, report cut {report_cut}",
        file=sys.stderr,
    )
    tuning = split(papers, tune_cut, args.users, seed=0)
    weights, tried = tune(tuning, vectors, lexical)
    print(f"tuned on {tune_cut}: {weights} ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    report = split(papers, report_cut, args.users, seed=1)
    report_signals = _signals(report, vectors, lexical)
    ours = evaluate_ours(report, report_signals, weights)
    knn_only = evaluate_ours(report, report_signals, Weights(linear=0, knn=1, lexical=0))
    print(
        f"ours on {report_cut}: R@20 {ours[0]:.3f} nDCG@20 {ours[1]:.3f} ({time.monotonic() - started:.0f} s)",
        file=sys.stderr,
    )
    svm = evaluate_svm(report, lexical)
    print(
        f"svm on {report_cut}: R@20 {svm[0]:.3f} nDCG@20 {svm[1]:.3f} ({time.monotonic() - started:.0f} s)",
        file=sys.stderr,
    )
    all_lexical = unigram_tfidf([f"{p['title']} {p['summary']}" for p in all_papers])
    timing = latency(vectors, all_lexical, len(all_papers), weights)
    result = {
        "date": datetime.now(UTC).date().isoformat(),
        "load_average": os.getloadavg(),
        "machine": platform.processor() or platform.machine(),
        "papers_with_vectors": len(papers),
        "papers_total": len(all_papers),
        "tune_cut": tune_cut.isoformat(),
        "report_cut": report_cut.isoformat(),
        "window_days": WINDOW_DAYS,
        "authors": len(report["authors"]),
        "eligible_authors": report["eligible"],
        "candidates": len(report["candidates"]),
        "weights": GRID_NAMES(weights),
        "ours": {"recall@20": ours[0], "ndcg@20": ours[1]},
        "svm": {"recall@20": svm[0], "ndcg@20": svm[1]},
        "knn_only": {"recall@20": knn_only[0], "ndcg@20": knn_only[1]},
        "gain_recall": ours[0] / svm[0] - 1 if svm[0] else None,
        "gain_ndcg": ours[1] / svm[1] - 1 if svm[1] else None,
        "latency_at_papers": len(all_papers),
        "latency": timing,
        "tuning_grid": tried,
        "seconds": time.monotonic() - started,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, default=str))
    print(json.dumps({k: v for k, v in result.items() if k != "tuning_grid"}, indent=1, default=str))


if __name__ == "__main__":
    main()
