"""For You against arxiv-sanity-lite's per-tag SVM on an author-continuation task (issue 11).

Task: for authors with several papers before a cut date, their papers before the cut are the positives;
each model ranks every paper of the two weeks after the cut; the author's papers in those weeks are the
relevant ones. Author names are a feature of neither model (title + abstract only). Metrics: Recall@20
and nDCG@20, averaged over authors.

- ours: paperwire.search.personal.score_rows (the product's function) over the real MiniLM vectors of
  bench/corpus_vectors.py, a TF-IDF signal and the papers' arXiv categories (as the index stores them);
  its weights are chosen on EARLIER cuts (the tuning cuts) and the figures are reported on later cuts
  only, with the authors of each cut drawn at random (seeded) and a paired bootstrap interval of the
  relative difference. The "index" of a cut holds the papers listed before its window ends.
- arxiv-sanity-lite: written here after its compute.py / serve.py: TfidfVectorizer(1-2 grams, sublinear
  tf, max_df 0.1, min_df 5, 20,000 features, English stop words), LinearSVC(C=0.01, class_weight
  balanced) trained on every paper known at ranking time (the user's papers positive, all others
  negative), ranked by decision_function.

Latency: one reader's ranking over 74,728 papers with the product's `rank` (vectors in memory, numpy).

    .venv/bin/python bench/for_you.py [--vectors DIR] [--users 300] [--tune-cuts D,D] [--report-cuts D,D]
        [--svm-cache DIR] [--data FILE]

Vectors come from PAPERWIRE_BENCH_VECTORS or --vectors (default: bench/results/arxiv-cs-vectors);
when the cache is still being computed, every cut's window must end within the chunks written so far.
The SVM (~1-6 s per author on one core) is the slow part: --svm-cache keeps its scores per cut and
author, so a rerun with other weights does not refit it.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import asdict, fields, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from corpus_vectors import CHUNK, CS_FILE, read_papers  # noqa: E402 - the bench folder is not a package

from paperwire.search.personal import Profile, Weights, draw_background, rank, score_rows  # noqa: E402

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


SIGNALS = ("linear", "knn", "lexical", "lexical_model", "category")


def top(candidates: np.ndarray, score: np.ndarray) -> np.ndarray:
    """The K best candidates, best first (ties by position, as a stable sort would break them): the
    metrics read no further, and the tuning grid ranks every author once per combination."""
    if len(score) <= K:
        return candidates[np.argsort(-score, kind="stable")]
    best = np.argpartition(-score, K - 1)[:K]
    return candidates[best[np.lexsort((best, -score[best]))]]


def _signals(data: dict[str, Any], index: dict[str, Any]) -> list[np.ndarray]:
    """Per author, the standardised signals (rows: SIGNALS) of every candidate: the score is their
    weighted sum, so the grid needs them once. Each comes from the product's score_rows."""
    candidates = data["candidates"]
    empty = np.array([], dtype=np.int64)
    off = {name: 0.0 for name in SIGNALS}
    units = [Weights(**{**off, name: 1.0}) for name in SIGNALS]
    found = []
    for _, positives, _ in data["authors"]:
        # The reader's own papers from before the cut are never candidates (they are older than the window).
        found.append(
            np.stack(
                [
                    score_rows(
                        index["vectors"],
                        positives,
                        empty,
                        candidates,
                        index["lexical"],
                        w,
                        categories=index["categories"],
                    )
                    for w in units
                ]
            )
        )
    return found


def per_author_ours(data: dict[str, Any], signals: list[np.ndarray], weights: Weights) -> np.ndarray:
    """(authors x 2): Recall@20 and nDCG@20 of each author."""
    mix = np.array([getattr(weights, name) for name in SIGNALS])
    candidates = data["candidates"]
    found = [
        metrics(top(candidates, mix @ signal), relevant)
        for (_, _, relevant), signal in zip(data["authors"], signals, strict=True)
    ]
    return np.array(found)


def svm_scores(data: dict[str, Any], lexical: Any, cache: Path | None) -> dict[str, np.ndarray]:
    """arxiv-sanity-lite's per-tag SVM, per author: decision_function over the candidates. Kept in
    `cache` (one pickle per cut, users and seed), filled as it goes, so an interrupted run resumes."""
    import pickle

    from sklearn.svm import LinearSVC

    known, candidates = data["known"], data["candidates"]
    path = cache / f"svm-{data['cut']}-{data['users']}-{data['seed']}.pkl" if cache else None
    done: dict[str, np.ndarray] = pickle.loads(path.read_bytes()) if path and path.is_file() else {}
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
    x, x_candidates = lexical[known], lexical[candidates]
    position = {row: i for i, row in enumerate(known)}
    for count, (name, positives, _) in enumerate(data["authors"]):
        if name in done:
            continue
        y = np.zeros(len(known))
        y[[position[row] for row in positives]] = 1
        clf = LinearSVC(class_weight="balanced", max_iter=10000, tol=1e-6, C=0.01)
        clf.fit(x, y)
        done[name] = clf.decision_function(x_candidates).astype(np.float32)
        if path and count % 10 == 9:
            path.write_bytes(pickle.dumps(done))
    if path:
        path.write_bytes(pickle.dumps(done))
    return done


def per_author_svm(data: dict[str, Any], scores: dict[str, np.ndarray]) -> np.ndarray:
    candidates = data["candidates"]
    found = [metrics(top(candidates, scores[name]), relevant) for name, _, relevant in data["authors"]]
    return np.array(found)


def relative_gain(ours: np.ndarray, svm: np.ndarray, resamples: int = 2000, seed: int = 0) -> dict[str, Any]:
    """mean(ours) / mean(svm) - 1 per metric, with a 95 % paired bootstrap interval over authors."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(ours), size=(resamples, len(ours)))
    found = {}
    for column, name in enumerate(("recall@20", "ndcg@20")):
        gain = ours[:, column].mean() / svm[:, column].mean() - 1
        boot = ours[picks, column].mean(axis=1) / np.maximum(svm[picks, column].mean(axis=1), 1e-12) - 1
        low, high = np.percentile(boot, [2.5, 97.5])
        found[name] = {"gain": float(gain), "ci95": [float(low), float(high)]}
    return found


GRID = {
    "linear": (0.0, 0.5, 1.0),
    "knn": (0.0, 0.5, 1.0),
    "lexical": (0.0, 0.5, 1.0),
    "lexical_model": (0.0, 0.5, 1.0, 2.0),
    "category": (0.0, 0.25, 0.5, 1.0),
}


def tune(cuts: list[tuple[dict[str, Any], list[np.ndarray]]]) -> tuple[Weights, list[dict[str, Any]]]:
    """The weights with the best mean Recall@20 + nDCG@20 over the tuning cuts (each cut counts once)."""
    tried = []
    for combination in itertools.product(*GRID.values()):
        if not any(combination):
            continue
        weights = Weights(**dict(zip(GRID, combination, strict=True)))
        means = [per_author_ours(data, signals, weights).mean(axis=0) for data, signals in cuts]
        recall, ndcg = np.mean(means, axis=0)
        tried.append({**dict(zip(GRID, combination, strict=True)), "recall@20": recall, "ndcg@20": ndcg})
    best = max(tried, key=lambda t: t["recall@20"] + t["ndcg@20"])
    return Weights(**{k: best[k] for k in GRID}), tried


def category_matrix(papers: list[dict[str, Any]]) -> Any:
    """Papers x category tokens, built as the search index builds its category postings."""
    from scipy import sparse

    from paperwire.search.builder import category_tokens

    vocab: dict[str, int] = {}
    indices, indptr = [], [0]
    for paper in papers:
        for token in dict.fromkeys(category_tokens(" ".join(paper.get("categories") or []))):
            indices.append(vocab.setdefault(token, len(vocab)))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(papers), len(vocab)))


def latency(
    vectors: np.ndarray, lexical_all: Any, categories_all: Any, total: int, weights: Weights, runs: int = 30
) -> dict[str, float]:
    """rank() over `total` papers: real vectors as far as the cache goes, random unit rows after."""
    rng = np.random.default_rng(1)
    filler = rng.standard_normal((total - len(vectors), vectors.shape[1])).astype(np.float32)
    filler /= np.linalg.norm(filler, axis=1, keepdims=True)
    matrix = np.concatenate([vectors, filler]) if len(filler) else vectors[:total]
    ids = [str(i) for i in range(total)]
    position = {paper_id: row for row, paper_id in enumerate(ids)}  # the index keeps this (SearchIndex.position)
    background = draw_background(matrix, lexical_all)  # and this (SearchIndex.for_you_background)
    timings = []
    for run in range(runs):
        liked = tuple(str(i) for i in rng.choice(len(vectors), size=10, replace=False))
        disliked = tuple(str(i) for i in rng.choice(len(vectors), size=3, replace=False))
        started = time.perf_counter()
        profile = Profile(liked, disliked)
        rank(
            ids,
            matrix,
            profile,
            ids,
            {},
            lexical=lexical_all,
            categories=categories_all,
            limit=50,
            weights=weights,
            position=position,
            background=background,
        )
        if run:  # the first run warms the BLAS threads and caches
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": timings[int(0.95 * (len(timings) - 1))],
        "runs": len(timings),
    }


def _weights(text: str) -> Weights:
    """'knn=1,category=0.5' -> Weights(knn=1.0, category=0.5); an unknown name is an error naming it."""
    names = {f.name for f in fields(Weights)}
    chosen: dict[str, float] = {}
    for part in filter(None, text.split(",")):
        name, _, value = part.partition("=")
        if name.strip() not in names:
            raise argparse.ArgumentTypeError(f"unknown weight {name.strip()!r}; known: {', '.join(sorted(names))}")
        chosen[name.strip()] = float(value)
    return replace(Weights(), **chosen)


def _cut_list(text: str) -> list[date]:
    return [date.fromisoformat(part) for part in text.split(",") if part]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vectors", type=Path, default=DEFAULT_VECTORS)
    parser.add_argument("--data", type=Path, default=CS_FILE, help="The arxiv-daily cs file (.jsonl.gz).")
    parser.add_argument("--users", type=int, default=300, help="Authors drawn per cut.")
    parser.add_argument("--tune-cuts", type=_cut_list, default=_cut_list("2025-05-05,2025-05-19,2025-06-02"))
    parser.add_argument("--report-cuts", type=_cut_list, default=_cut_list("2025-06-16,2025-06-30"))
    parser.add_argument("--svm-cache", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/for_you.json")
    parser.add_argument("--latency-only", action="store_true", help="Only the feed latency (default weights).")
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="NAME:WEIGHTS",
        help="Report these weights too, beside the tuned ones (e.g. no-knn:knn=0,linear=1); repeatable.",
    )
    parser.add_argument(
        "--weights",
        type=_weights,
        default=Weights(),
        help="For --latency-only: weights other than the defaults, as name=value,... (e.g. knn=1,category=0.5).",
    )
    args = parser.parse_args()
    all_papers = read_papers(args.data)
    vectors = load_vectors(args.vectors, len(all_papers))
    all_categories = category_matrix(all_papers)
    if args.latency_only:
        all_lexical = unigram_tfidf([f"{p['title']} {p['summary']}" for p in all_papers])
        timing = latency(vectors, all_lexical, all_categories, len(all_papers), args.weights)
        print(
            json.dumps(
                {
                    "latency": timing,
                    "weights": asdict(args.weights),
                    "papers": len(all_papers),
                    "real_vectors": len(vectors),
                    "load_average": os.getloadavg(),
                }
            )
        )
        return
    started = time.monotonic()
    days = [p["listing_date"] for p in all_papers]
    lexical = tfidf([f"{p['title']} {p['summary']}" for p in all_papers])

    def cut_data(cut: date, seed: int) -> tuple[dict[str, Any], dict[str, Any]]:
        end = bisect.bisect_left(days, (cut + timedelta(days=WINDOW_DAYS)).isoformat())
        if end > len(vectors):
            raise SystemExit(f"cut {cut}: its window needs {end:,} papers with vectors, the cache has {len(vectors):,}")
        data = split(all_papers[:end], cut, args.users, seed=seed)
        data.update(users=args.users, seed=seed)
        index = {"vectors": vectors[:end], "lexical": lexical[:end], "categories": all_categories[:end]}
        return data, index

    tuning = []
    for number, cut in enumerate(args.tune_cuts):
        data, index = cut_data(cut, seed=40 + number)
        tuning.append((data, _signals(data, index)))
        print(f"signals of tune cut {cut} ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    weights, tried = tune(tuning)
    print(f"tuned: {weights}", file=sys.stderr)
    # Beside the tuned weights: the best of the grid without the max-sim signal (the costlier one to rank a
    # whole index with) and the --also sets, each against the same SVM scores.
    without_knn = max((t for t in tried if not t["knn"]), key=lambda t: t["recall@20"] + t["ndcg@20"])
    others = {"best_without_knn": Weights(**{k: without_knn[k] for k in GRID})}
    for text in args.also:
        name, _, spec = text.partition(":")
        others[name] = _weights(spec)
    reports, pooled_ours, pooled_svm, pooled_old = [], [], [], []
    pooled_others: dict[str, list[np.ndarray]] = {}
    for number, cut in enumerate(args.report_cuts):
        data, index = cut_data(cut, seed=51 + number)
        signals = _signals(data, index)
        ours = per_author_ours(data, signals, weights)
        old = per_author_ours(data, signals, Weights(**{n: getattr(Weights(), n) for n in SIGNALS}))
        knn = per_author_ours(data, signals, Weights(**{n: float(n == "knn") for n in SIGNALS}))
        svm = per_author_svm(data, svm_scores(data, lexical, args.svm_cache))
        pooled_ours.append(ours), pooled_svm.append(svm), pooled_old.append(old)
        extra = {name: per_author_ours(data, signals, w) for name, w in others.items()}
        for name, found in extra.items():
            pooled_others.setdefault(name, []).append(found)
        reports.append(
            {
                "cut": cut.isoformat(),
                "papers_in_index": len(index["vectors"]),
                "candidates": len(data["candidates"]),
                "eligible_authors": data["eligible"],
                "authors": len(data["authors"]),
                "ours": dict(zip(("recall@20", "ndcg@20"), ours.mean(axis=0).tolist(), strict=True)),
                "product_defaults": dict(zip(("recall@20", "ndcg@20"), old.mean(axis=0).tolist(), strict=True)),
                "svm": dict(zip(("recall@20", "ndcg@20"), svm.mean(axis=0).tolist(), strict=True)),
                "knn_only": dict(zip(("recall@20", "ndcg@20"), knn.mean(axis=0).tolist(), strict=True)),
                "ours_vs_svm": relative_gain(ours, svm),
                "product_defaults_vs_svm": relative_gain(old, svm),
                "others": {
                    name: {
                        "weights": {n: getattr(others[name], n) for n in SIGNALS},
                        **dict(zip(("recall@20", "ndcg@20"), found.mean(axis=0).tolist(), strict=True)),
                        "vs_svm": relative_gain(found, svm),
                    }
                    for name, found in extra.items()
                },
            }
        )
        print(json.dumps(reports[-1]), f"({time.monotonic() - started:.0f} s)", file=sys.stderr)
    ours, svm, old = np.concatenate(pooled_ours), np.concatenate(pooled_svm), np.concatenate(pooled_old)
    result = {
        "date": datetime.now(UTC).date().isoformat(),
        "load_average": os.getloadavg(),
        "machine": platform.processor() or platform.machine(),
        "papers_total": len(all_papers),
        "papers_with_vectors": len(vectors),
        "window_days": WINDOW_DAYS,
        "tune_cuts": [c.isoformat() for c in args.tune_cuts],
        "weights": {name: getattr(weights, name) for name in SIGNALS},
        "reports": reports,
        "pooled": {
            "authors": len(ours),
            "ours": dict(zip(("recall@20", "ndcg@20"), ours.mean(axis=0).tolist(), strict=True)),
            "svm": dict(zip(("recall@20", "ndcg@20"), svm.mean(axis=0).tolist(), strict=True)),
            "ours_vs_svm": relative_gain(ours, svm),
            "product_defaults_vs_svm": relative_gain(old, svm),
            "others": {
                name: {
                    "weights": {n: getattr(others[name], n) for n in SIGNALS},
                    "vs_svm": relative_gain(np.concatenate(found), svm),
                }
                for name, found in pooled_others.items()
            },
        },
        "tuning_grid": tried,
        "seconds": time.monotonic() - started,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, default=str))
    print(json.dumps({k: v for k, v in result.items() if k != "tuning_grid"}, indent=1, default=str))


if __name__ == "__main__":
    main()
