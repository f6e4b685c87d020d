"""Calibrate the relevance floor (min cosine, lexical idf coverage) and score every mode with it.

Usage: python bench/search_floor.py [--arxiv judged|full|none] [--alpha-grid]

Vectors come from bench/search_vectors.py's cache (/tmp), so nothing is embedded twice. The product's own
code ranks: a scratch SQLite database per corpus, SearchService.rebuild_index() with an embedder that looks
the cached vectors up, then paperwire.search.ranking.Ranker with the floor under test.

Calibration (train data only: SciFact train queries and the arxiv-dev judgments; SciFact test is scored once,
at the end, with the chosen values):
- semantic: for each query, the cosine of every judged-relevant paper, and of the top-100 non-relevant
  ones; the floor is the highest cosine that keeps >= KEEP of the relevant pairs in *both* sets;
- lexical: the same over idf coverage (share of the query's idf weight the paper holds), among relevant
  papers that match at least one query term.
The `none` queries of arxiv-dev (no relevant paper by construction) show what the floor removes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import search_vectors as sv  # noqa: E402

from paperwire.search.beir import load_corpus  # noqa: E402
from paperwire.search.dense import MiniLMEmbedder  # noqa: E402
from paperwire.search.evaluate import BeirDoc, load_beir, ndcg_at, read_qrels, recall_at  # noqa: E402
from paperwire.search.query import parse_query  # noqa: E402
from paperwire.search.ranking import Ranker  # noqa: E402
from paperwire.search.service import SearchService  # noqa: E402
from paperwire.search.text import tokenize  # noqa: E402
from paperwire.storage.db import make_engine  # noqa: E402

KEEP = 0.95
SEMANTIC_FLOOR = 0.31  # MiniLMEmbedder.min_cosine: the SciFact value (arxiv-dev's 0.216 lets gibberish in)
SCRATCH = Path(os.environ.get("PAPERWIRE_FLOOR_SCRATCH", "/tmp/paperwire-floor"))


class CachedEmbedder(MiniLMEmbedder):
    """The production embedder's name and model, with cached vectors looked up by text."""

    def __init__(self, table: dict[str, np.ndarray], min_cosine: float) -> None:
        super().__init__(cache_dir=sv.CACHE / "models")
        self.table, self.floor = table, min_cosine

    @property
    def min_cosine(self) -> float:
        return self.floor

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self.table[t] if t in self.table else super().embed_documents([t])[0] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        found = self.table.get("\x00q" + text)
        return found if found is not None else super().embed_query(text)


def service_for(name: str, corpus: list[BeirDoc], embedder: CachedEmbedder) -> SearchService:
    folder = SCRATCH / name
    folder.mkdir(parents=True, exist_ok=True)
    fresh = not (folder / "beir.db").exists()
    engine = make_engine(f"sqlite:///{folder}/beir.db")
    if fresh:
        load_corpus(engine, corpus)
    service = SearchService(engine, index_dir=folder / "index", embedder=embedder)
    if fresh or not (folder / "index" / "CURRENT").exists():
        service.rebuild_index()
    return service


def table_of(corpus: list[BeirDoc], vectors: np.ndarray, queries: dict[str, str], qv: np.ndarray) -> dict:
    table = {sv.doc_text(d): v for d, v in zip(corpus, vectors, strict=True)}
    table |= {"\x00q" + t: v for t, v in zip(queries.values(), qv, strict=True)}
    return table


def pair_stats(ranker: Ranker, queries: dict[str, str], qrels: dict[str, dict[str, int]], judged0: dict) -> dict:
    """Cosines and coverages of relevant and non-relevant (judged 0, else top-100 unjudged) pairs."""
    index = ranker.index
    out: dict[str, list[float]] = {"rel_cos": [], "non_cos": [], "rel_cov": [], "non_cov": [], "rel_lex": []}
    for q, text in queries.items():
        relevant = {d for d, g in qrels.get(q, {}).items() if g > 0}
        cos = ranker.semantic_scores(text)
        terms = tokenize(text)
        lexical = index.lexical.score_terms(terms)
        coverage = index.lexical.coverage(terms)
        passes = Ranker(index, ranker.embedder).lexical_pass(terms, lexical)  # the product's lexical floor
        top = np.argsort(-cos)[:100]
        negatives = judged0.get(q) or {index.ids[r] for r in top} - relevant
        for doc in relevant:
            row = index.position.get(doc)
            if row is not None:
                out["rel_cos"].append(float(cos[row]))
                out["rel_lex"].append(float(passes[row]))
                if lexical[row] > 0:
                    out["rel_cov"].append(float(coverage[row]))
        for doc in negatives:
            row = index.position.get(doc)
            if row is not None:
                out["non_cos"].append(float(cos[row]))
                if lexical[row] > 0:
                    out["non_cov"].append(float(coverage[row]))
    return out


def threshold_keeping(values: list[float], keep: float) -> float:
    return float(np.quantile(np.asarray(values), 1 - keep)) if values else 0.0


def hybrid_cosine(stats: dict, keep: float) -> float:
    """The highest cosine t such that (lexical floor or cosine >= t) keeps `keep` of the relevant pairs."""
    cos, lex = np.asarray(stats["rel_cos"]), np.asarray(stats["rel_lex"]) > 0
    allowed_misses = int((1 - keep) * cos.size)
    failing = np.sort(cos[~lex])  # relevant pairs only the cosine can keep
    if failing.size <= allowed_misses:
        return 1.0
    return float(failing[allowed_misses])


def describe(name: str, stats: dict) -> None:
    for kind in ("cos", "cov"):
        rel, non = np.asarray(stats[f"rel_{kind}"]), np.asarray(stats[f"non_{kind}"])
        if not rel.size:
            continue
        best = max(
            ((f1(rel, non, t), t) for t in np.arange(0.05, 0.95, 0.01)),
            key=lambda pair: pair[0],
        )
        print(
            f"{name} {kind}: relevant n={rel.size} p1 {np.quantile(rel, 0.01):.3f} p5 {np.quantile(rel, 0.05):.3f} "
            f"p10 {np.quantile(rel, 0.10):.3f} median {np.median(rel):.3f}; non-relevant n={non.size} "
            f"median {np.median(non) if non.size else 0:.3f} p90 {np.quantile(non, 0.9) if non.size else 0:.3f}; "
            f"F1-max threshold {best[1]:.2f} (F1 {best[0]:.3f})"
        )


def f1(rel: np.ndarray, non: np.ndarray, t: float) -> float:
    tp, fp = float((rel >= t).sum()), float((non >= t).sum())
    recall = tp / max(rel.size, 1)
    precision = tp / max(tp + fp, 1)
    return 2 * precision * recall / max(precision + recall, 1e-9)


def scores(ranker: Ranker, queries: dict[str, str], qrels: dict[str, dict[str, int]], mode: str) -> tuple:
    ndcg, recall = [], []
    for q, text in queries.items():
        ranked = ranker.rank(parse_query(text), mode)
        ids = [ranker.index.ids[r] for r in ranked.rows[:100]]
        ndcg.append(ndcg_at(ids, qrels[q]))
        recall.append(recall_at(ids, qrels[q]))
    return round(float(np.mean(ndcg)), 4), round(float(np.mean(recall)), 4)


def bm25s_scores(corpus: list[BeirDoc], queries: dict[str, str], qrels: dict[str, dict[str, int]]) -> tuple:
    """The bm25s baseline of bench/arxiv_dev/systems.py over the same corpus."""
    sys.path.insert(0, str(HERE / "arxiv_dev"))
    import systems

    run = systems.bm25s_run(corpus, queries, 100)
    ndcg = [ndcg_at(run.get(q, []), qrels[q]) for q in queries]
    recall = [recall_at(run.get(q, []), qrels[q]) for q in queries]
    return round(float(np.mean(ndcg)), 4), round(float(np.mean(recall)), 4)


def none_report(ranker: Ranker, queries: dict[str, str], kinds: dict[str, str]) -> None:
    for q, text in queries.items():
        if kinds.get(q) != "none":
            continue
        totals = {mode: ranker.rank(parse_query(text), mode).rows.size for mode in ("lexical", "semantic", "hybrid")}
        print(f"  none {q} {text!r}: matches {totals}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arxiv", choices=("judged", "full", "none"), default="judged")
    parser.add_argument("--cosine", type=float, default=None, help="score with this floor instead of calibrating")
    parser.add_argument("--coverage", type=float, default=None)
    parser.add_argument("--alpha", type=float, nargs="*", default=[])
    parser.add_argument("--margin", type=float, default=None, help="hybrid cosine margin instead of calibrating")
    args = parser.parse_args()
    corpus, queries, docs, qv = sv.scifact()
    train, test = load_beir(sv.SCIFACT, "train"), load_beir(sv.SCIFACT, "test")
    table = table_of(corpus, docs, queries["train"], qv["train"]) | table_of(corpus, docs, queries["test"], qv["test"])
    embedder = CachedEmbedder(table, 0.0)
    scifact = service_for("scifact", corpus, embedder)
    ranker = Ranker(scifact.index(), embedder, coverage=0.0)
    stats = {"scifact-train": pair_stats(ranker, train.queries, train.qrels, {})}
    dev, dev_corpus = None, []
    if args.arxiv != "none":
        a_corpus, a_queries, a_docs, a_qv = sv.arxiv_dev(judged_only=args.arxiv == "judged")
        a_embedder = CachedEmbedder(table_of(a_corpus, a_docs, a_queries, a_qv), 0.0)
        a_service = service_for(f"arxiv-dev-{args.arxiv}", a_corpus, a_embedder)
        a_ranker = Ranker(a_service.index(), a_embedder, coverage=0.0)
        grades = [
            line.rstrip("\n").split("\t") for line in (HERE / "arxiv_dev/judgments.tsv").open() if line[:2] != "qu"
        ]
        judged0: dict[str, set[str]] = {}
        for q, d, g in grades:
            if g == "0":
                judged0.setdefault(q, set()).add(d)
        a_qrels = read_qrels(HERE / "arxiv_dev/qrels/test.tsv")
        stats["arxiv-dev"] = pair_stats(a_ranker, a_queries, a_qrels, judged0)
        kinds = {r["_id"]: r["kind"] for r in map(json.loads, (HERE / "arxiv_dev/queries.jsonl").open())}
        dev, dev_corpus = (a_ranker, a_embedder, a_queries, a_qrels, kinds), a_corpus
    for name, s in stats.items():
        describe(name, s)
    cosine = (
        args.cosine if args.cosine is not None else min(threshold_keeping(s["rel_cos"], KEEP) for s in stats.values())
    )
    coverage = args.coverage  # None: the product's length-dependent lexical_floor (bench/search_lexical_floor.py)
    print(f"semantic floor keeping {KEEP:.0%} in every set: {cosine:.3f}; in use: {SEMANTIC_FLOOR} (docs/search.md)")
    cosine = cosine if args.cosine is not None else SEMANTIC_FLOOR
    hybrid = min(hybrid_cosine(s, KEEP) for s in stats.values())
    margin = args.margin if args.margin is not None else max(hybrid - cosine, 0.0)
    for name, s in stats.items():
        print(f"{name}: hybrid cosine keeping {KEEP:.0%} with the lexical floor: {hybrid_cosine(s, KEEP):.3f}")
    print(
        f"\nfloor: cosine {cosine:.3f}, hybrid cosine {hybrid:.3f} (margin {hybrid - cosine:+.3f}), lexical "
        f"coverage {'lexical_floor(n)' if coverage is None else f'{coverage:.3f}'} (keeps >= {KEEP:.0%} of relevant "
        "pairs in each set)"
    )
    embedder.floor = cosine
    for alpha in args.alpha or [ranker.alpha]:
        ranker = Ranker(scifact.index(), embedder, coverage=coverage, alpha=alpha, hybrid_margin=margin)
        print(f"\nalpha {alpha}")
        for mode in ("lexical", "semantic", "hybrid"):
            print(f"  scifact train {mode:8s} nDCG@10 / R@100 {scores(ranker, train.queries, train.qrels, mode)}")
        if dev is not None:
            a_ranker, a_embedder, a_queries, a_qrels, kinds = dev
            a_embedder.floor = cosine
            a_ranker = Ranker(a_ranker.index, a_embedder, coverage=coverage, alpha=alpha, hybrid_margin=margin)
            judged = {q: t for q, t in a_queries.items() if q in a_qrels}
            for mode in ("lexical", "semantic", "hybrid"):
                print(f"  arxiv-dev-{args.arxiv} {mode:8s} nDCG@10 / R@100 {scores(a_ranker, judged, a_qrels, mode)}")
            print(f"  arxiv-dev-{args.arxiv} bm25s    nDCG@10 / R@100 {bm25s_scores(dev_corpus, judged, a_qrels)}")
    if dev is not None:
        a_ranker, a_embedder, a_queries, a_qrels, kinds = dev
        a_embedder.floor = cosine
        none_report(Ranker(a_ranker.index, a_embedder, coverage=coverage, hybrid_margin=margin), a_queries, kinds)
    ranker = Ranker(
        scifact.index(), embedder, coverage=coverage, alpha=(args.alpha or [ranker.alpha])[-1], hybrid_margin=margin
    )
    print("\nSciFact TEST (once, with the values above):")
    for mode in ("lexical", "semantic", "hybrid"):
        print(f"  scifact test {mode:8s} nDCG@10 / R@100 {scores(ranker, test.queries, test.qrels, mode)}")


if __name__ == "__main__":
    main()
