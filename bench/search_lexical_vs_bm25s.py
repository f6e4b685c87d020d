"""Lexical engine speed and quality vs bm25s on BEIR SciFact, single-threaded, same machine, same run.

Usage: python bench/search_lexical_vs_bm25s.py [/work/shared/data/beir-scifact] [--repeat 3]
Reports queries/s with queries pre-tokenised (what bm25s publishes) and end to end (tokenise + score +
top-10), plus nDCG@10 on the test split for both engines.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import bm25s
import numpy as np
import Stemmer

from paperwire.search.bm25 import LexicalIndex, bm25_weights, build_tf, field_counts
from paperwire.search.evaluate import load_beir, ndcg_at
from paperwire.search.fusion import best_rows
from paperwire.search.text import tokenize


def _ours(corpus) -> tuple[LexicalIndex, float]:
    started = time.perf_counter()
    vocab: dict[str, int] = {}
    tf = build_tf((field_counts([d.title, d.text, ""]) for d in corpus), vocab)
    return LexicalIndex(bm25_weights(tf), vocab), time.perf_counter() - started


def _bm25s(corpus) -> tuple[bm25s.BM25, Stemmer.Stemmer, float]:
    started = time.perf_counter()
    stemmer = Stemmer.Stemmer("english")
    tokens = bm25s.tokenize(
        [f"{d.title} {d.text}" for d in corpus], stopwords="en", stemmer=stemmer, show_progress=False
    )
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    return retriever, stemmer, time.perf_counter() - started


def _rate(run, count: int, repeat: int) -> float:
    best = min(_timed(run) for _ in range(repeat))
    return count / best


def _timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", default="/work/shared/data/beir-scifact")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = load_beir(args.data, "test")
    ids, texts = [d.id for d in data.corpus], list(data.queries.values())
    index, ours_build = _ours(data.corpus)
    retriever, stemmer, theirs_build = _bm25s(data.corpus)
    pre = [tokenize(t) for t in texts]
    ours_pre = _rate(lambda: [best_rows(index.score_terms(t), 10, positive=True) for t in pre], len(texts), args.repeat)
    ours_e2e = _rate(lambda: [best_rows(index.score(t), 10, positive=True) for t in texts], len(texts), args.repeat)
    q_tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
    theirs_pre = _rate(
        lambda: retriever.retrieve(q_tokens, k=10, n_threads=1, show_progress=False), len(texts), args.repeat
    )

    def theirs_full() -> None:
        tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
        retriever.retrieve(tokens, k=10, n_threads=1, show_progress=False)

    theirs_e2e = _rate(theirs_full, len(texts), args.repeat)
    ours_ndcg = np.mean(
        [
            ndcg_at([ids[r] for r in best_rows(index.score(t), 10, positive=True)], data.qrels[q])
            for q, t in data.queries.items()
        ]
    )
    docs, _ = retriever.retrieve(q_tokens, k=10, n_threads=1, show_progress=False)
    theirs_ndcg = np.mean(
        [ndcg_at([ids[i] for i in row], data.qrels[q]) for q, row in zip(data.queries, docs, strict=True)]
    )
    print(f"{'engine':10s} {'q/s pre-tokenised':>18s} {'q/s end-to-end':>15s} {'nDCG@10':>8s} {'index build s':>14s}")
    print(f"{'paperwire':10s} {ours_pre:18,.0f} {ours_e2e:15,.0f} {ours_ndcg:8.4f} {ours_build:14.2f}")
    print(f"{'bm25s':10s} {theirs_pre:18,.0f} {theirs_e2e:15,.0f} {theirs_ndcg:8.4f} {theirs_build:14.2f}")


if __name__ == "__main__":
    main()
