"""Tune BM25 (k1, b, title weight) and the hybrid alpha/depth on SciFact TRAIN; report TEST once.

Usage: python bench/search_tune.py [/work/shared/data/beir-scifact] [--vectors corpus.npy]
The corpus vectors come from --vectors (made by bench/search_embed_speed.py --save) or are embedded here
with the production embedder (minutes on 2 cores). Copy the winners into src/paperwire/search/fields.py.
"""

from __future__ import annotations

import argparse
import itertools
import os
from dataclasses import replace

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

from paperwire.search.bm25 import LexicalIndex, bm25_weights, build_tf, field_counts
from paperwire.search.dense import MiniLMEmbedder
from paperwire.search.evaluate import load_beir, ndcg_at
from paperwire.search.fields import FIELDS, BM25Params
from paperwire.search.fusion import best_rows, fuse
from paperwire.search.text import tokenize


def _lexical(corpus, title_weight: float, params: BM25Params) -> LexicalIndex:
    fields = (replace(FIELDS[0], weight=title_weight), FIELDS[1])
    vocab: dict[str, int] = {}
    tf = build_tf((field_counts([d.title, d.text], fields=fields) for d in corpus), vocab)
    return LexicalIndex(bm25_weights(tf, params), vocab)


def _mean_ndcg(rank, queries, qrels, ids) -> float:
    return float(np.mean([ndcg_at([ids[r] for r in rank(q)[:10]], qrels[q]) for q in queries]))


def tune_lexical(corpus, train) -> tuple[float, BM25Params]:
    ids = [d.id for d in corpus]
    best = (-1.0, 1.0, BM25Params())
    for title_weight in (1.0, 1.5, 2.0, 3.0):
        for k1, b in itertools.product((0.9, 1.2, 1.5), (0.5, 0.75, 0.9)):
            index = _lexical(corpus, title_weight, BM25Params(k1, b))
            score = _mean_ndcg(
                lambda q, i=index: best_rows(i.score(train.queries[q]), 10, positive=True),
                train.queries,
                train.qrels,
                ids,
            )
            best = max(best, (score, title_weight, BM25Params(k1, b)), key=lambda t: t[0])
    print(f"lexical train best nDCG@10 {best[0]:.4f}: title weight {best[1]}, {best[2]}")
    return best[1], best[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", default="/work/shared/data/beir-scifact")
    parser.add_argument("--vectors", default="")
    args = parser.parse_args()
    train, test = load_beir(args.data, "train"), load_beir(args.data, "test")
    corpus, ids = train.corpus, [d.id for d in train.corpus]
    title_weight, params = tune_lexical(corpus, train)
    lexical = _lexical(corpus, title_weight, params)
    embedder = MiniLMEmbedder()
    vectors = (
        np.load(args.vectors) if args.vectors else embedder.embed_documents([f"{d.title}. {d.text}" for d in corpus])
    )
    query_vectors = {
        q: v
        for data in (train, test)
        for q, v in zip(data.queries, embedder.embed_documents(list(data.queries.values())), strict=True)
    }
    lex = {q: lexical.score_terms(tokenize(t)) for data in (train, test) for q, t in data.queries.items()}

    def hybrid(alpha: float, depth: int):
        return lambda q: fuse(lex[q], vectors @ query_vectors[q], alpha=alpha, depth=depth)[0]

    grid = [(a / 20, d) for a in range(21) for d in (100, 300, 1000)]
    scored = [(_mean_ndcg(hybrid(a, d), train.queries, train.qrels, ids), a, d) for a, d in grid]
    score, alpha, depth = max(scored)
    print(f"hybrid train best nDCG@10 {score:.4f}: alpha {alpha}, depth {depth}")
    for name, rank in (
        ("lexical", lambda q: best_rows(lex[q], 10, positive=True)),
        ("semantic", lambda q: best_rows(vectors @ query_vectors[q], 10)),
        ("hybrid", hybrid(alpha, depth)),
    ):
        print(f"TEST {name:8s} nDCG@10 {_mean_ndcg(rank, test.queries, test.qrels, ids):.4f}")


if __name__ == "__main__":
    main()
