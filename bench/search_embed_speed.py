"""Embedding throughput and quality: plain SentenceTransformer fp32 vs the options paperwire could use.

Usage: python bench/search_embed_speed.py [/work/shared/data/beir-scifact] [--subset 2000] [--rounds 3]
       [--variants onnx-int8,onnx-fp32,bf16] [--quality] [--cache DIR]

Speed: every variant embeds the same `--subset` SciFact texts in each of `--rounds` interleaved rounds (the
machine is shared, so rounds alternate variants); per round it prints docs/s, process CPU seconds and the
speed-up over the plain baseline `SentenceTransformer(path).encode(texts)` of that round, then the median
speed-up. `--quality` embeds the full corpus with the baseline and each variant and prints semantic-only
nDCG@10 on SciFact test. The load average is printed with every round.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

from paperwire.search.dense import MiniLMEmbedder
from paperwire.search.evaluate import load_beir, ndcg_at
from paperwire.search.onnx_minilm import model_dir

Encode = Callable[[list[str]], np.ndarray]


def _doc_text(title: str, text: str) -> str:
    return f"{title}. {text}" if title else text


def _baseline() -> Encode:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir()), device="cpu")
    return lambda texts: np.asarray(model.encode(texts), dtype=np.float32)  # exactly the plain call


def _variant(precision: str, cache: str) -> Encode:
    embedder = MiniLMEmbedder(precision=precision, cache_dir=cache)
    embedder.embed_documents(["load"])
    assert precision in embedder.name, f"{precision} fell back: {embedder.name}"
    return embedder.embed_documents


def _normalised(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def _ndcg(vectors: np.ndarray, ids: list[str], queries: np.ndarray, qids: list[str], qrels) -> float:
    scores = _normalised(queries) @ _normalised(vectors).T
    total = 0.0
    for row, qid in enumerate(qids):
        top = np.argsort(-scores[row])[:10]
        total += ndcg_at([ids[i] for i in top], qrels[qid])
    return total / len(qids)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", default="/work/shared/data/beir-scifact")
    parser.add_argument("--subset", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variants", default="onnx-int8", help="MiniLMEmbedder precisions, comma separated")
    parser.add_argument("--quality", action="store_true", help="also embed the full corpus per variant (slow)")
    parser.add_argument("--cache", default="", help="ONNX export cache (default: a temporary directory)")
    args = parser.parse_args()
    data = load_beir(args.data, "test")
    texts = [_doc_text(d.title, d.text) for d in data.corpus]
    rng = np.random.default_rng(0)
    subset = [texts[i] for i in rng.choice(len(texts), size=min(args.subset, len(texts)), replace=False)]
    with tempfile.TemporaryDirectory(prefix="paperwire-onnx-") as scratch:
        variants = {"baseline": _baseline()}
        variants |= {name: _variant(name, args.cache or scratch) for name in args.variants.split(",") if name}
        print(f"subset: {len(subset)} docs, variants: {', '.join(variants)}", flush=True)
        if args.rounds:
            _speed(variants, subset, args.rounds)
        if args.quality:
            _quality(variants, data, texts)


def _speed(variants: dict[str, Encode], subset: list[str], rounds: int) -> None:
    for encode in variants.values():
        encode(subset[:16])  # warm-up
    ratios: dict[str, list[float]] = {name: [] for name in variants if name != "baseline"}
    for number in range(1, rounds + 1):
        rates = {}
        for name, encode in variants.items():
            wall, cpu = time.perf_counter(), time.process_time()
            encode(subset)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            rates[name] = len(subset) / wall
            print(
                f"round {number} {name:10s} {rates[name]:6.1f} docs/s  wall {wall:6.1f} s  cpu {cpu:6.1f} s  "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        for name in ratios:
            ratios[name].append(rates[name] / rates["baseline"])
            print(f"round {number} {name:10s} x{ratios[name][-1]:.2f} vs baseline", flush=True)
    for name, values in ratios.items():
        rounds_text = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name:10s} median x{statistics.median(values):.2f} (rounds: {rounds_text})", flush=True)


def _quality(variants: dict[str, Encode], data, texts: list[str]) -> None:
    ids, qids = [d.id for d in data.corpus], list(data.queries)
    for name, encode in variants.items():
        started = time.perf_counter()
        vectors = encode(texts)
        elapsed = time.perf_counter() - started
        queries = encode([data.queries[q] for q in qids])
        score = _ndcg(vectors, ids, queries, qids, data.qrels)
        print(f"{name:10s} nDCG@10 {score:.4f}  full corpus {len(texts) / elapsed:6.1f} docs/s", flush=True)


if __name__ == "__main__":
    main()
